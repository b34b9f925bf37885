/**
 * Drift end to end, the way the nightly job meets it: exrec (run by test/support/cli.ts) against a sandbox over HTTP,
 * seeded with the demo organisation. The demo is applied; then accounts are changed behind exrec's
 * back through the sandbox (as someone would in OVHcloud's control panel), and `exrec drift` must
 * name each account and field (exit 2), be silenced by an ignore rule (exit 0), and report the
 * renewal change apply made, which only takes effect at the account's expiry (H3), as pending with
 * its date, never as drift.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { REPO, runCli, sandboxEnv, tempDir, type CliResult } from "../support/cli.js";
import { FIXED_NOW, testSandbox } from "../support/sandbox.js";

const DEMO = join(REPO, "examples", "demo.yaml");
const ORG = "hosted-ab12345-1";
const HOSTED = "hosted-ab12345-1";

interface ReportItem {
  kind: string;
  platform: string;
  address: string;
  field?: string | null;
  cause?: string;
  declared?: unknown;
  live?: unknown;
  effective?: string | null;
  note?: string | null;
}
interface Report {
  items: ReportItem[];
  ignored: number;
}

/** An account as the sandbox stores it (the API's account object), read from its snapshot. */
function liveAccount(sandbox: Sandbox, service: string, email: string): Record<string, unknown> {
  const state = sandbox.snapshot() as {
    organizations: { name: string; services: { name: string; accounts: Record<string, unknown>[] }[] }[];
  };
  const [login, domain] = email.split("@");
  const account = state.organizations
    .find((o) => o.name === ORG)
    ?.services.find((s) => s.name === service)
    ?.accounts.find((a) => a.login === login && a.domain === domain);
  if (!account) throw new Error(`the sandbox has no account ${email} on ${ORG}/${service}`);
  return account;
}

/** The calendar date of an API date-time, in its own offset: `2026-12-08T00:00:00+01:00` → `2026-12-08`. */
const calendarDay = (apiDate: unknown): string => String(apiDate).slice(0, 10);

describe("exrec drift end to end against the sandbox", () => {
  let sandbox: Sandbox;
  let work: string;
  let env: Record<string, string>;

  const exrec = (...args: string[]): Promise<CliResult> => runCli(args, { cwd: work, env });
  const driftJson = async (...args: string[]): Promise<{ result: CliResult; report: Report }> => {
    const result = await exrec("drift", DEMO, "--detailed-exitcode", "--format", "json", ...args);
    return { result, report: JSON.parse(result.stdout) as Report };
  };

  beforeEach(async () => {
    sandbox = await testSandbox();
    work = await tempDir("exrec-drift-e2e-");
    env = { ...sandboxEnv(sandbox.url, await tempDir()), EXREC_NOW: FIXED_NOW };
    const applied = await exrec(
      "apply",
      DEMO,
      "--auto-approve",
      "--allow-destroy",
      "--secrets-out",
      join(work, "secrets.json"),
    );
    expect(applied.stderr).toMatch(/Apply complete/);
    expect(applied.code).toBe(0);
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it("finds no drift right after apply, and reports the renewal change apply made as pending at the account's expiry (H3)", async () => {
    const bobExpiry = calendarDay(liveAccount(sandbox, HOSTED, "bob@acme.example").expirationDate);
    const writes = sandbox.stats.writes.length;

    const text = await exrec("drift", DEMO, "--detailed-exitcode");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(`~ bob@acme\\.example\\s+pending renewal change, effective ${bobExpiry} \\[H3\\]`),
    );
    expect(text.stdout).toMatch(/No drift\./);

    const { result, report } = await driftJson();
    expect(result.code).toBe(0);
    const bob = report.items.filter((i) => i.address === "bob@acme.example");
    expect(bob).toEqual([
      expect.objectContaining({
        kind: "pending",
        cause: "renewal",
        field: "renewal",
        effective: bobExpiry,
        platform: `${ORG}/${HOSTED}`,
      }),
    ]);
    expect(report.items.filter((i) => i.kind === "changed" || i.kind === "missing")).toEqual([]);
    // drift is read-only.
    expect(sandbox.stats.writes.length).toBe(writes);
  });

  it("exits 2 when a display name is changed behind exrec's back, naming the account and the field", async () => {
    sandbox.patchAccount(ORG, HOSTED, "erin@acme.example", { displayName: "Erin (changed by hand)" });

    const text = await exrec("drift", DEMO, "--detailed-exitcode");
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(
      /! erin@acme\.example\s+displayName: declared "Erin Leroy-Petit", live "Erin \(changed by hand\)"/,
    );
    expect(text.stdout).toMatch(/Drift: 1 changed\./);

    const { result, report } = await driftJson();
    expect(result.code).toBe(2);
    expect(report.items.filter((i) => i.kind === "changed")).toEqual([
      expect.objectContaining({
        address: "erin@acme.example",
        field: "displayName",
        declared: "Erin Leroy-Petit",
        live: "Erin (changed by hand)",
      }),
    ]);
    // Without --detailed-exitcode, drift is not an error.
    expect((await exrec("drift", DEMO)).code).toBe(0);
  });

  it("an .exrecignore rule silences exactly that drift: exit 0, counted as ignored, while another field of the same account still drifts", async () => {
    sandbox.patchAccount(ORG, HOSTED, "erin@acme.example", { displayName: "Erin (changed by hand)" });
    await writeFile(
      join(work, ".exrecignore"),
      `# The assistant keeps Erin's name up to date by hand.\n${ORG}/${HOSTED}:erin@acme.example displayName\n`,
    );

    const { result, report } = await driftJson();
    expect(result.code).toBe(0);
    expect(report.ignored).toBe(1);
    expect(report.items.some((i) => i.address === "erin@acme.example" && i.kind === "changed")).toBe(false);
    // What is pending is still reported.
    expect(report.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ address: "bob@acme.example", kind: "pending" })]),
    );

    // The rule names one field: a licence changed on the same account is still drift.
    sandbox.patchAccount(ORG, HOSTED, "erin@acme.example", { accountLicense: "enterprise" });
    const again = await exrec("drift", DEMO, "--detailed-exitcode");
    expect(again.code).toBe(2);
    expect(again.stdout).toMatch(/! erin@acme\.example\s+license: declared standard, live enterprise/);
    expect(again.stdout).not.toMatch(/erin@acme\.example\s+displayName/);
  });

  it("--write-ignore writes the rules that silence today's drift, and the next run passes", async () => {
    sandbox.patchAccount(ORG, HOSTED, "erin@acme.example", { displayName: "Erin (changed by hand)" });
    const wrote = await exrec("drift", DEMO, "--write-ignore");
    expect(wrote.code).toBe(0);
    const rules = (await readFile(join(work, ".exrecignore"), "utf8"))
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"));
    expect(rules).toEqual([`${ORG}/${HOSTED}:erin@acme.example displayName`]);
    expect((await exrec("drift", DEMO, "--detailed-exitcode")).code).toBe(0);
  });

  it("a renewal period switched back behind exrec's back is drift today, dated by the expiry the bill follows (H3)", async () => {
    const bobExpiry = calendarDay(liveAccount(sandbox, HOSTED, "bob@acme.example").expirationDate);
    sandbox.patchAccount(ORG, HOSTED, "bob@acme.example", { renewPeriod: "monthly" });

    const { result, report } = await driftJson();
    expect(result.code).toBe(2);
    const bob = report.items.filter((i) => i.address === "bob@acme.example");
    expect(bob).toEqual([
      expect.objectContaining({
        kind: "changed",
        field: "renewal",
        declared: "yearly",
        live: "monthly",
        effective: bobExpiry,
      }),
    ]);
    expect(bob[0]!.note).toMatch(/switched back/);
  });

  it("writes a self-contained HTML report with --out, prints the text summary, and renders Markdown for a comment", async () => {
    sandbox.patchAccount(ORG, HOSTED, "erin@acme.example", { displayName: "Erin (changed by hand)" });

    const html = await exrec("drift", DEMO, "--detailed-exitcode", "--format", "html", "--out", "drift.html");
    expect(html.code).toBe(2);
    expect(html.stdout).toMatch(/Drift: 1 changed\./);
    const page = await readFile(join(work, "drift.html"), "utf8");
    expect(page).toMatch(/^<!DOCTYPE html>/i);
    expect(page).toMatch(/erin@acme\.example/);
    expect(page).toMatch(/<svg/);
    // Self-contained: nothing to fetch, nothing to run.
    expect(page).not.toMatch(/https?:\/\/|<script|<link|<iframe|<img|url\(|@import/i);

    const markdown = await exrec("drift", DEMO, "--detailed-exitcode", "--format", "markdown");
    expect(markdown.code).toBe(2);
    expect(markdown.stdout).toMatch(/^\|.*\|$/m);
    expect(markdown.stdout).toMatch(/erin/);
    expect(markdown.stdout).toMatch(/displayName/);
  });
});
