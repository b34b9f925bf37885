import { describe, expect, it } from "vitest";
import { addMonths, parisDateOf, parisDateTime, parisMidnight } from "../../provider/sandbox/dates.js";
import { parseSeed, seedState } from "../../provider/sandbox/seed.js";
import { accountCount } from "../../provider/sandbox/state.js";
import { HOSTED, NOW, openSandbox, PRIVATE, servicePath } from "./helpers.js";

describe("parseSeed", () => {
  it.each([
    ["demo", { kind: "demo" }],
    ["empty", { kind: "empty" }],
    ["fleet:3x10", { kind: "fleet", platforms: 3, accounts: 10 }],
    ["fleet:2x5:hosted", { kind: "fleet", platforms: 2, accounts: 5, offer: "hosted" }],
  ])("reads %s", (text, spec) => {
    expect(parseSeed(text)).toEqual(spec);
  });

  it.each([
    ["demos"],
    ["fleet"],
    ["fleet:3"],
    ["fleet:0x10"],
    ["fleet:3x10:cloud"],
    ["fleet:-1x2"],
    [""],
    ["fleet:2000x1000"],
  ])("refuses %j with an error that says what is accepted", (text) => {
    expect(() => parseSeed(text)).toThrow(/sandbox seed/);
    try {
      parseSeed(text);
    } catch (error) {
      expect((error as { hint?: string }).hint).toMatch(/fleet:PxA/);
      expect((error as { code?: string }).code).toBe("EXREC_SANDBOX_SEED");
    }
  });
});

describe("seeds", () => {
  it("empty has no organisation", async () => {
    const { sandbox, api } = await openSandbox({ seed: { kind: "empty" } });
    try {
      expect((await api.get("/email/exchange")).body).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });

  it("fleet:PxA has P platforms of A accounts, alternating hosted and private", async () => {
    const { sandbox, api } = await openSandbox({ seed: parseSeed("fleet:3x25") });
    try {
      const orgs: string[] = (await api.get("/email/exchange")).body;
      expect(orgs).toEqual(["fleet-hosted-001", "fleet-private-002", "fleet-hosted-003"]);
      for (const org of orgs) {
        expect((await api.get(`/email/exchange/${org}/service`)).body).toEqual([org]);
        const service = (await api.get(servicePath(org, org))).body;
        expect(service.offer).toBe(org.includes("hosted") ? "hosted" : "dedicated");
        const ids: string[] = (await api.get(`${servicePath(org, org)}/account`)).body;
        expect(ids).toHaveLength(25);
        expect(ids[0]).toBe(`user00001@fleet${org.slice(-3)}.example`);
      }
    } finally {
      await sandbox.close();
    }
  });

  it("seeds 100 platforms of 1000 accounts, each with its own organisation and service", () => {
    // How long it takes is measured by the benchmark (`npm run bench -- --only planning`), not here.
    const state = seedState({ kind: "fleet", platforms: 100, accounts: 1000 }, NOW);
    expect(accountCount(state)).toBe(100_000);
    expect(state.organizations.size).toBe(100);
    expect([...state.organizations.values()].every((services) => services.size === 1)).toBe(true);
  });

  it("is deterministic: the same seed and clock give the same state", () => {
    const a = seedState({ kind: "demo" }, NOW);
    const b = seedState({ kind: "demo" }, NOW);
    const accounts = (s: typeof a) => [
      ...(s.organizations.get("hosted-ab12345-1")?.get(HOSTED)?.accounts.values() ?? []),
    ];
    expect(accounts(a)).toEqual(accounts(b));
  });
});

describe("the demo seed", () => {
  it("holds one organisation with a Hosted and a Private platform, on their domains", async () => {
    const { sandbox, api } = await openSandbox();
    try {
      expect((await api.get("/email/exchange")).body).toEqual(["hosted-ab12345-1"]);
      expect((await api.get("/email/exchange/hosted-ab12345-1/service")).body).toEqual([HOSTED, PRIVATE]);
      expect((await api.get(servicePath(HOSTED))).body).toMatchObject({
        offer: "hosted",
        domain: "acme.example",
        state: "ok",
      });
      expect((await api.get(`${servicePath(HOSTED)}/domain`)).body).toEqual([
        "acme.example",
        "acme-corp.example",
      ]);
      expect((await api.get(servicePath(PRIVATE))).body).toMatchObject({
        offer: "dedicated",
        domain: "globex.example",
      });
    } finally {
      await sandbox.close();
    }
  });

  it("has every situation the demo manifest shows", async () => {
    const { sandbox, api } = await openSandbox();
    try {
      const read = async (svc: string) => {
        const ids: string[] = (await api.get(`${servicePath(svc)}/account`)).body;
        return Promise.all(
          ids.map(
            async (id) => (await api.get(`${servicePath(svc)}/account/${encodeURIComponent(id)}`)).body,
          ),
        );
      };
      const hosted = await read(HOSTED);
      const priv = await read(PRIVATE);
      expect(hosted.length).toBeGreaterThanOrEqual(20);
      expect(priv.length).toBeGreaterThanOrEqual(10);
      const blanks = hosted.filter((a) => !a.configured);
      expect(blanks.map((a) => a.accountLicense).sort()).toEqual(["basic", "standard"]);
      for (const blank of blanks) expect(blank.primaryEmailAddress).toMatch(/@configureme\.me$/);
      expect(hosted.filter((a) => a.deleteAtExpiration === true).map((a) => a.primaryEmailAddress)).toEqual([
        "carol@acme.example",
      ]);
      expect(
        hosted.filter((a) => a.taskPendingId !== 0 || a.state !== "ok").map((a) => a.primaryEmailAddress),
      ).toEqual(["frank@acme.example"]);
      expect(priv.filter((a) => a.state === "creating").map((a) => a.primaryEmailAddress)).toEqual([
        "oscar@globex.example",
      ]);
      expect(new Set(hosted.map((a) => a.accountLicense))).toEqual(
        new Set(["basic", "standard", "enterprise"]),
      );
      expect(new Set(hosted.map((a) => a.renewPeriod))).toEqual(new Set(["monthly", "yearly"]));
      expect(hosted.some((a) => a.accountLicense === "enterprise" && !a.configured)).toBe(false);
      for (const account of hosted) {
        // Midnight in Paris, in the future of the business clock, within the account's period.
        expect(account.expirationDate).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\+0[12]:00$/);
        const expires = Date.parse(account.expirationDate);
        expect(expires).toBeGreaterThan(NOW.getTime());
        expect(expires - NOW.getTime()).toBeLessThanOrEqual(
          (account.renewPeriod === "monthly" ? 31 : 366) * 86_400_000,
        );
      }
      for (const account of priv) expect(account).toMatchObject({ renewPeriod: null, expirationDate: null });
    } finally {
      await sandbox.close();
    }
  });
});

describe("Paris dates", () => {
  it.each([
    [{ year: 2027, month: 3, day: 27 }, "2027-03-27T00:00:00+01:00"],
    // Summer time starts at 02:00 on the last Sunday of March: that midnight is still +01:00.
    [{ year: 2027, month: 3, day: 28 }, "2027-03-28T00:00:00+01:00"],
    [{ year: 2027, month: 3, day: 29 }, "2027-03-29T00:00:00+02:00"],
    [{ year: 2027, month: 3, day: 31 }, "2027-03-31T00:00:00+02:00"],
    // It ends at 03:00 on the last Sunday of October: that midnight is still +02:00.
    [{ year: 2027, month: 10, day: 31 }, "2027-10-31T00:00:00+02:00"],
    [{ year: 2027, month: 11, day: 1 }, "2027-11-01T00:00:00+01:00"],
  ])("writes midnight of %j as %s", (date, text) => {
    expect(parisMidnight(date)).toBe(text);
  });

  it("finds the Paris day of an instant near midnight", () => {
    expect(parisDateOf(new Date("2026-11-26T23:30:00Z"))).toEqual({ year: 2026, month: 11, day: 27 });
    expect(parisDateOf(new Date("2026-07-01T21:59:00Z"))).toEqual({ year: 2026, month: 7, day: 1 });
    expect(parisDateOf(new Date("2026-07-01T22:00:00Z"))).toEqual({ year: 2026, month: 7, day: 2 });
    expect(parisDateTime(new Date("2026-07-01T22:00:05Z"))).toBe("2026-07-02T00:00:05+02:00");
  });

  it("adds months keeping the day where the month has it", () => {
    expect(addMonths({ year: 2027, month: 1, day: 31 }, 1)).toEqual({ year: 2027, month: 2, day: 28 });
    expect(addMonths({ year: 2027, month: 12, day: 15 }, 1)).toEqual({ year: 2028, month: 1, day: 15 });
    expect(addMonths({ year: 2028, month: 2, day: 29 }, 12)).toEqual({ year: 2029, month: 2, day: 28 });
  });
});
