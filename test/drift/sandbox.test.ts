/**
 * Drift against the real sandbox over HTTP: the live state read by refresh through the OVHcloud
 * client, accounts changed behind exrec's back with the sandbox's control API, and detectDrift
 * reporting exactly those changes and nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExchangeApi, type OvhExchangeApi } from "../../provider/ovh/exchange.js";
import type { OvhHttpClient } from "../../provider/ovh/http.js";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { detectDrift, driftItems, hasDrift } from "../../reconciler/drift.js";
import type {
  Actual,
  ActualPlatform,
  Desired,
  DesiredAccount,
  DesiredPlatform,
} from "../../reconciler/model.js";
import { refresh } from "../../reconciler/refresh.js";
import { calendarDate } from "../../reconciler/format.js";
import { appKeyConnection } from "../ovh/helpers.js";
import { FIXED_NOW, testSandbox } from "../support/sandbox.js";
import { PRICES } from "./builders.js";

let sandbox: Sandbox;
let api: OvhExchangeApi;
let http: OvhHttpClient;
const now = new Date(FIXED_NOW);

beforeAll(async () => {
  sandbox = await testSandbox();
  ({ api, http } = createExchangeApi(appKeyConnection(sandbox)));
});

afterAll(async () => {
  await http.close();
  await sandbox.close();
});

async function readAll(): Promise<Actual> {
  const targets = [];
  for (const organization of await api.listOrganizations()) {
    for (const service of await api.listServices(organization)) targets.push({ organization, service });
  }
  return (await refresh(api, targets)).actual;
}

/**
 * A manifest that declares every configured live account exactly as it is, every field managed;
 * a terminating one is declared absent (that is what its termination means).
 */
function manifestOf(actual: Actual, prune: boolean): Desired {
  const source = { file: "exchange.yaml", line: 1, col: 1 };
  const platforms = actual.platforms.map((p: ActualPlatform): DesiredPlatform => {
    const accounts = p.accounts
      .filter((a) => a.configured)
      .map((a): DesiredAccount => {
        if (a.deleteAtExpiration === true) return { email: a.email, state: "absent", source };
        return {
          email: a.email,
          state: "present",
          source,
          protect: false,
          license: a.license,
          ...(p.offer === "hosted" && a.renewal ? { renewal: a.renewal } : {}),
          displayName: a.displayName ?? "",
        };
      });
    const base = { organization: p.organization, service: p.service, source, prune, accounts };
    return p.offer === "hosted"
      ? { ...base, offer: "hosted", removal: "expire" }
      : { ...base, offer: "private" };
  });
  return { platforms, digest: "sha256:sandbox", files: ["exchange.yaml"] };
}

function pickAccount(actual: Actual, offer: "hosted" | "private", skip: string[] = []) {
  const platform = actual.platforms.find((p) => p.offer === offer)!;
  const account = platform.accounts.find(
    (a) =>
      a.configured &&
      a.state === "ok" &&
      a.taskPendingId === null &&
      a.deleteAtExpiration !== true &&
      !skip.includes(a.email),
  )!;
  return { platform, account };
}

describe("drift against the sandbox over HTTP", () => {
  it("a manifest equal to the live state has no drift, and changes behind exrec's back are reported exactly", async () => {
    const before = await readAll();
    const desired = manifestOf(before, false);
    const clean = detectDrift(desired, before, { now, prices: PRICES, history: [], journal: [], ignore: [] });
    expect(driftItems(clean)).toEqual([]);
    expect(hasDrift(clean)).toBe(false);
    expect(clean.calendar.reduce((n, m) => n + m.renewals + m.expiries, 0)).toBeGreaterThan(0);

    const renewed = pickAccount(before, "hosted");
    const terminated = pickAccount(before, "hosted", [renewed.account.email]);
    const renamed = pickAccount(before, "private");
    const flipped = renewed.account.renewal === "yearly" ? "monthly" : "yearly";
    const { organization: org, service: hostedSvc } = renewed.platform;
    sandbox.patchAccount(org, hostedSvc, renewed.account.email, { renewPeriod: flipped });
    sandbox.patchAccount(org, hostedSvc, terminated.account.email, { deleteAtExpiration: true });
    sandbox.patchAccount(renamed.platform.organization, renamed.platform.service, renamed.account.email, {
      displayName: "Renamed in the control panel",
    });

    const after = await readAll();
    const report = detectDrift(desired, after, { now, prices: PRICES, history: [], journal: [], ignore: [] });
    const drift = driftItems(report);
    expect(drift).toHaveLength(3);
    expect(drift).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "changed",
          address: renewed.account.email,
          field: "renewal",
          declared: renewed.account.renewal,
          live: flipped,
          rule: "H3",
          effective: calendarDate(renewed.account.expirationDate!),
        }),
        expect.objectContaining({
          kind: "changed",
          address: terminated.account.email,
          field: "deleteAtExpiration",
          declared: false,
          live: true,
        }),
        expect.objectContaining({
          kind: "changed",
          address: renamed.account.email,
          field: "displayName",
          live: "Renamed in the control panel",
        }),
      ]),
    );
    expect(hasDrift(report)).toBe(true);
    // Read-only: detection wrote nothing through the API.
    expect(sandbox.stats.writes).toEqual([]);
  });

  it("an undeclared live account is informational without prune and drift with it", async () => {
    const live = await readAll();
    const { platform, account } = pickAccount(live, "hosted");
    const drop = (prune: boolean): Desired => {
      const desired = manifestOf(live, prune);
      const hosted = desired.platforms.find((p) => p.service === platform.service)!;
      hosted.accounts = hosted.accounts.filter((a) => a.email !== account.email);
      return desired;
    };
    const ctx = { now, prices: PRICES, history: [], journal: [], ignore: [] };
    const quiet = detectDrift(drop(false), live, ctx);
    expect(quiet.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "unmanaged", address: account.email, prune: false }),
      ]),
    );
    expect(quiet.items.some((i) => i.kind === "unmanaged" && i.address === account.email && i.prune)).toBe(
      false,
    );
    const pruned = detectDrift(drop(true), live, ctx);
    expect(pruned.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "unmanaged", address: account.email, prune: true, rule: "H4" }),
      ]),
    );
    expect(hasDrift(pruned)).toBe(true);
  });
});
