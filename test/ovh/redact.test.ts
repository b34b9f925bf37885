import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { Redactor } from "../../provider/ovh/redact.js";

describe("Redactor", () => {
  const redactor = new Redactor();
  redactor.add("application-secret-1234");
  redactor.add("abc"); // too short to mask safely: ignored

  it("masks every occurrence of a registered secret in text, nested values and keys", () => {
    expect(redactor.text("x application-secret-1234 y application-secret-1234")).toBe(
      "x [redacted] y [redacted]",
    );
    expect(redactor.value({ a: ["application-secret-1234"], "application-secret-1234": 1 })).toEqual({
      a: ["[redacted]"],
      "[redacted]": 1,
    });
    expect(redactor.text("abc")).toBe("abc");
  });

  it("keeps request-scoped secrets to the copy made for that request", () => {
    const scoped = redactor.with(["$1$signature-value"]);
    expect(scoped.text("sig $1$signature-value")).toBe("sig [redacted]");
    expect(redactor.text("sig $1$signature-value")).toBe("sig $1$signature-value");
  });

  it("drops credential headers and masks secrets in the others", () => {
    expect(
      redactor.headers({
        authorization: "Bearer x",
        "set-cookie": "s",
        "x-ovh-signature": "s",
        "x-echo": "application-secret-1234",
        "x-ok": "1",
      }),
    ).toEqual({ "x-echo": "[redacted]", "x-ok": "1" });
  });

  it("replaces a low-level error by a plain copy that carries no attached objects", () => {
    const original = Object.assign(new Error("failed with application-secret-1234"), {
      code: "ECONNRESET",
      socket: { headers: { "x-ovh-consumer": "application-secret-1234" } },
    });
    const plain = redactor.cause(original);
    expect(plain.message).toBe("failed with [redacted]");
    expect((plain as { code?: string }).code).toBe("ECONNRESET");
    expect(inspect(plain, { depth: 10 })).not.toContain("application-secret-1234");
  });
});
