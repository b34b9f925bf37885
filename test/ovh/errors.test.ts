import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { OutcomeUnknownError, OvhApiError, apiErrorCodeFor } from "../../provider/ovh/errors.js";

describe("apiErrorCodeFor", () => {
  const table: [string, number, string | null, string][] = [
    ["a 404 is not found", 404, null, "EXREC_API_NOT_FOUND"],
    ["a 401 is an authentication failure", 401, "NOT_AUTHENTICATED", "EXREC_API_AUTH"],
    ["a 403 is an authentication failure", 403, "NOT_GRANTED_CALL", "EXREC_API_AUTH"],
    [
      "OVHcloud's 400 INVALID_SIGNATURE is an authentication failure, not a bad request",
      400,
      "INVALID_SIGNATURE",
      "EXREC_API_AUTH",
    ],
    [
      "OVHcloud's 400 QUERY_TIME_OUT (a skewed timestamp) is an authentication failure",
      400,
      "QUERY_TIME_OUT",
      "EXREC_API_AUTH",
    ],
    ["any other 400 is a client error", 400, "INVALID_PARAMETER", "EXREC_API_CLIENT"],
    ["a 409 is a client error", 409, null, "EXREC_API_CLIENT"],
    ["a 429 is rate limiting", 429, null, "EXREC_API_RATE_LIMITED"],
    ["a 503 is a server error", 503, null, "EXREC_API_SERVER"],
  ];
  for (const [name, status, errorCode, code] of table) {
    it(name, () => expect(apiErrorCodeFor(status, errorCode)).toBe(code));
  }
});

describe("error classes", () => {
  it("an OvhApiError names the call, the status and OVHcloud's words, with a hint", () => {
    const error = new OvhApiError({
      status: 404,
      method: "GET",
      path: "/email/exchange/o/service/s/account/a%40b.example",
      apiMessage: "The requested object (primaryEmailAddress = a@b.example) does not exist",
      errorCode: null,
      headers: { "x-ovh-queryid": "EU.1" },
      body: { message: "…" },
      retryable: false,
    });
    expect(error.message).toBe(
      "GET /email/exchange/o/service/s/account/a%40b.example answered 404: The requested object (primaryEmailAddress = a@b.example) does not exist",
    );
    expect(error).toMatchObject({
      name: "OvhApiError",
      code: "EXREC_API_NOT_FOUND",
      hint: expect.any(String),
    });
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      code: "EXREC_API_NOT_FOUND",
      status: 404,
      retryable: false,
    });
  });

  it("an OutcomeUnknownError tells the user to check before trying again", () => {
    const error = new OutcomeUnknownError({
      method: "POST",
      path: "/order/email/exchange/o/service/s/account/12",
      status: 500,
    });
    expect(error.message).toContain("may or may not have taken effect");
    expect(error.hint).toMatch(/check whether it took effect/);
    expect(inspect(error)).toContain("EXREC_OUTCOME_UNKNOWN");
  });
});
