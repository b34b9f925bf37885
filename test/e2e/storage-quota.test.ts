/**
 * `storageQuota`, over real HTTP against the sandbox: declared on a Hosted platform, it is in the
 * JSON plan's order, in the quote the plan is priced from, and in the order apply places, so the
 * delivered account has that size. Left out, nothing is sent and OVHcloud's default applies.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createExchangeApi } from "../../provider/ovh/exchange.js";
import { appKeyConnection } from "../ovh/helpers.js";
import { runCli } from "../support/cli.js";
import { freshSandboxPerTest } from "../support/sandbox.js";

const ORG = "hosted-ab12345-1";

function manifest(storageQuota: string | null): string {
  return `version: 1
platforms:
  - organization: ${ORG}
    service: ${ORG}
    offer: hosted
${storageQuota === null ? "" : `    storageQuota: ${storageQuota}\n`}    accounts:
      - email: newcomer@acme.example
        license: enterprise
        renewal: monthly
`;
}

interface OrderInPlan {
  action: string;
  storageQuota?: string;
  cost: { kind: string };
}

describe("storageQuota on the order and its quote", () => {
  const t = freshSandboxPerTest();

  it("declared 50 on an enterprise order (whose sandbox default is 300): planned, quoted and ordered with 50", async () => {
    const file = join(t.home, "exrec.yaml");
    await writeFile(file, manifest("50"));
    const planned = await runCli(["plan", file, "--format", "json"], { cwd: t.home, env: t.env });
    expect(planned.stderr).toBe("");
    expect(planned.code).toBe(0);
    const order = (JSON.parse(planned.stdout) as { changes: OrderInPlan[] }).changes.find(
      (c) => c.action === "order",
    )!;
    expect(order.storageQuota).toBe("50");
    expect(order.cost.kind).toBe("one-time");

    const applied = await runCli(["apply", file, "--auto-approve"], { cwd: t.home, env: t.env });
    expect(applied.code, applied.stderr).toBe(0);
    const { api, http } = createExchangeApi(appKeyConnection(t.sandbox));
    try {
      const account = await api.getAccount(ORG, ORG, "newcomer@acme.example");
      expect(account.quota).toBe(50);
    } finally {
      await http.close();
    }
  });

  it("left out: the order says nothing of it, and the account is ordered with the API's default size", async () => {
    const file = join(t.home, "exrec.yaml");
    await writeFile(file, manifest(null));
    const planned = await runCli(["plan", file, "--format", "json"], { cwd: t.home, env: t.env });
    expect(planned.code).toBe(0);
    const order = (JSON.parse(planned.stdout) as { changes: OrderInPlan[] }).changes.find(
      (c) => c.action === "order",
    )!;
    expect(order).not.toHaveProperty("storageQuota");
    const applied = await runCli(["apply", file, "--auto-approve"], { cwd: t.home, env: t.env });
    expect(applied.code, applied.stderr).toBe(0);
    const { api, http } = createExchangeApi(appKeyConnection(t.sandbox));
    try {
      // Whatever size the API gives by default: the account was ordered and configured.
      expect((await api.getAccount(ORG, ORG, "newcomer@acme.example")).configured).toBe(true);
    } finally {
      await http.close();
    }
  });

  it("on a Private platform it is refused, naming the file, line and field, before any request", async () => {
    const file = join(t.home, "exrec.yaml");
    await writeFile(
      file,
      `version: 1
platforms:
  - organization: ${ORG}
    service: private-ab12345-1
    offer: private
    storageQuota: 300
`,
    );
    const before = t.sandbox.stats.total;
    const result = await runCli(["plan", file], { cwd: t.home, env: t.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:6:5`);
    expect(result.stderr).toContain("`storageQuota` applies to Hosted platforms only");
    expect(t.sandbox.stats.total).toBe(before);
  });
});
