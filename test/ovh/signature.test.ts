import { describe, expect, it } from "vitest";
import { signRequest } from "../../provider/ovh/signature.js";

// The two vectors of the API notes, computed outside this project from OVHcloud's definition.
const AS = "7kbG7Bk7S9Nt7ZSV";
const CK = "MtSwSrPpNjqfVSmJhLbPyr2i45lSwPU1";
const TS = 1764115200;

describe("signRequest", () => {
  it("signs a GET without a body as the first published vector says", () => {
    expect(
      signRequest({
        applicationSecret: AS,
        consumerKey: CK,
        method: "GET",
        url: "https://eu.api.ovh.com/1.0/email/exchange",
        body: "",
        timestamp: TS,
      }),
    ).toBe("$1$5b12ead3f2ff2cc2fa1156d6a1cae1d7553519e7");
  });

  it("signs a PUT with a JSON body as the second published vector says", () => {
    expect(
      signRequest({
        applicationSecret: AS,
        consumerKey: CK,
        method: "PUT",
        url: "https://eu.api.ovh.com/1.0/email/exchange/hosted-ab12345-1/service/hosted-ab12345-1/account/alice@acme.example",
        body: '{"renewPeriod":"yearly"}',
        timestamp: TS,
      }),
    ).toBe("$1$43462aa18d893c055c1c61829ff9a50dd87d82fe");
  });

  it("covers every part: changing the URL encoding, the body or the timestamp changes the signature", () => {
    const base = {
      applicationSecret: AS,
      consumerKey: CK,
      method: "PUT",
      url: "https://eu.api.ovh.com/1.0/email/exchange/o/service/s/account/alice@acme.example",
      body: '{"renewPeriod":"yearly"}',
      timestamp: TS,
    };
    const reference = signRequest(base);
    expect(signRequest({ ...base, url: base.url.replace("@", "%40") })).not.toBe(reference);
    expect(signRequest({ ...base, body: '{"renewPeriod": "yearly"}' })).not.toBe(reference);
    expect(signRequest({ ...base, timestamp: TS + 1 })).not.toBe(reference);
    expect(signRequest({ ...base, method: "put" })).toBe(reference);
  });
});
