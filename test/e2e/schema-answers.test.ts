/**
 * The engine against the sandbox answering as OVHcloud's published schema does (its defaults):
 * idle objects with `taskPendingId: 0`, `billing.OrderDetail.quantity` as a string, payment through
 * the default payment method and `POST /me/order/{id}/pay`, passwords set with `changePassword`.
 * Everything over real HTTP, through the CLI a user runs.
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createExchangeApi } from "../../provider/ovh/exchange.js";
import { TestClient } from "../sandbox/helpers.js";
import { appKeyConnection } from "../ovh/helpers.js";
import { REPO, runCli, type CliResult } from "../support/cli.js";
import { freshSandboxPerTest, writesMatching } from "../support/sandbox.js";
import { first } from "../support/items.js";
import { platformManifest } from "../reliability/harness.js";

const DEMO = join(REPO, "examples", "demo.yaml");
const TWO_ORDERS = join(REPO, "test", "e2e", "fixtures", "two-orders.yaml");
const ORG = "hosted-ab12345-1";
const ORDER_POST = /^\/order\/email\/exchange\/[^/]+\/service\/[^/]+\/account\/\d+$/;
const PAY = /^\/me\/order\/\d+\/pay$/;
const FIDELITY = /^\/me\/order\/\d+\/payWithRegisteredPaymentMean$/;

/** Writes `<home>/<name>.yaml` declaring one account on the demo's Hosted platform; returns its path. */
async function oneAccountManifest(
  home: string,
  name: string,
  fields: Record<string, string>,
): Promise<string> {
  const manifest = join(home, `${name}.yaml`);
  await writeFile(manifest, platformManifest({ service: ORG, offer: "hosted" }, [fields]));
  return manifest;
}

/** `apply` of `manifest` in a real process that the failpoint SIGKILLs where it names. */
function applyKilledAt(
  manifest: string,
  failpoint: string,
  t: { home: string; env: Record<string, string> },
): Promise<CliResult> {
  return runCli(["apply", manifest, "--auto-approve"], {
    cwd: t.home,
    env: { ...t.env, EXREC_FAILPOINT: failpoint },
    // A failpoint SIGKILLs the process it runs in.
    process: true,
  });
}

function all(result: CliResult): string {
  return `${result.stdout}\n${result.stderr}`;
}

describe("the engine against the schema's answers", () => {
  const t = freshSandboxPerTest({
    extraEnv: (home) => ({ EXREC_SECRETS_OUT: join(home, "secrets.json") }),
  });
  /** Where apply writes the generated passwords (EXREC_SECRETS_OUT). */
  const secretsFile = () => join(t.home, "secrets.json");

  it("idle accounts answering taskPendingId 0: the demo plans, applies and converges, reusing the paid blanks; nothing waits for task 0", async () => {
    // The sandbox really answers 0 for idle accounts (read without exrec's client).
    const raw = await new TestClient(t.sandbox.url).get(
      `/email/exchange/${ORG}/service/${ORG}/account/alice%40acme.example`,
    );
    expect(raw.body.taskPendingId).toBe(0);

    const planned = await runCli(["plan", DEMO, "--format", "json"], { cwd: t.home, env: t.env });
    expect(planned.code, planned.stderr).toBe(0);
    const plan = JSON.parse(planned.stdout) as {
      changes: { action: string; address?: string; placeholder?: string }[];
      waiting: { taskPendingId: number | null }[];
    };
    expect(plan.waiting.every((w) => w.taskPendingId !== 0)).toBe(true);
    const configures = plan.changes.filter((c) => c.action === "configure");
    const orders = plan.changes.filter((c) => c.action === "order");
    expect(configures.length).toBeGreaterThan(0);
    const text = await runCli(["plan", DEMO], { cwd: t.home, env: t.env });
    expect(all(text)).not.toMatch(/task 0\b/);

    const applied = await runCli(["apply", DEMO, "--auto-approve", "--allow-destroy"], {
      cwd: t.home,
      env: t.env,
    });
    expect(applied.code, all(applied)).toBe(0);
    expect(all(applied)).not.toMatch(/task 0\b/);
    // The blanks were reused: no more orders than the plan had.
    expect(writesMatching(t.sandbox, "POST", ORDER_POST)).toBe(orders.length);
    const again = await runCli(["plan", DEMO, "--detailed-exitcode"], { cwd: t.home, env: t.env });
    expect(again.code, all(again)).toBe(0);
    expect(all(again)).not.toMatch(/task 0\b/);
  });

  it("a blank configured by apply has its password set with changePassword; the password is in the secrets file (0600) and in no output", async () => {
    const applied = await runCli(["apply", DEMO, "--auto-approve", "--allow-destroy"], {
      cwd: t.home,
      env: t.env,
    });
    expect(applied.code, all(applied)).toBe(0);
    const planned = await runCli(["plan", DEMO, "--format", "json"], { cwd: t.home, env: { ...t.env } });
    expect(planned.code).toBe(0);

    const changes = t.sandbox.passwordChanges();
    expect(changes.length).toBeGreaterThan(0);
    const file = JSON.parse(await readFile(secretsFile(), "utf8")) as {
      accounts: { platform: string; email: string; password: string }[];
    };
    expect((await stat(secretsFile())).mode & 0o777).toBe(0o600);
    for (const change of changes) {
      const record = file.accounts.find((r) => r.email === change.primaryEmailAddress);
      expect(record?.password, change.primaryEmailAddress).toBe(change.password);
      expect(all(applied)).not.toContain(change.password);
      expect(all(planned)).not.toContain(change.password);
    }
    // Every address the apply configured from a blank got one.
    const { api, http } = createExchangeApi(appKeyConnection(t.sandbox));
    try {
      for (const change of changes) {
        expect((await api.getAccount(ORG, ORG, change.primaryEmailAddress)).configured).toBe(true);
      }
    } finally {
      await http.close();
    }
  });

  it("without --secrets-out, an apply that configures blanks is refused before any write", async () => {
    const { EXREC_SECRETS_OUT: _unset, ...withoutSecrets } = t.env;
    const result = await runCli(["apply", DEMO, "--auto-approve", "--allow-destroy"], {
      cwd: t.home,
      env: withoutSecrets,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--secrets-out/);
    expect(t.sandbox.stats.writes).toEqual([]);
  });

  it("pays through the default payment method and /me/order/{id}/pay", async () => {
    const applied = await runCli(["apply", TWO_ORDERS, "--auto-approve"], { cwd: t.home, env: t.env });
    expect(applied.code, all(applied)).toBe(0);
    expect(writesMatching(t.sandbox, "POST", ORDER_POST)).toBe(1);
    expect(writesMatching(t.sandbox, "POST", PAY)).toBe(1);
    expect(writesMatching(t.sandbox, "POST", FIDELITY)).toBe(0);
    expect(applied.stderr).toMatch(/paid order \d+ with the default payment method/);
  });

  it("with no default payment method: apply stops naming the order and its URL, pays nothing; after a method is added the rerun pays that same order", async () => {
    t.sandbox.setDefaultPaymentMethod(false);
    const stopped = await runCli(["apply", TWO_ORDERS, "--auto-approve"], { cwd: t.home, env: t.env });
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(
      /order (\d+) was placed but not paid: the OVHcloud account has no default payment method; it can be paid at https:\/\/\S+orderId=\1/,
    );
    expect(writesMatching(t.sandbox, "POST", ORDER_POST)).toBe(1);
    expect(writesMatching(t.sandbox, "POST", PAY)).toBe(0);
    expect(writesMatching(t.sandbox, "POST", FIDELITY)).toBe(0);

    t.sandbox.setDefaultPaymentMethod(true);
    const rerun = await runCli(["apply", TWO_ORDERS, "--auto-approve"], { cwd: t.home, env: t.env });
    expect(rerun.code, all(rerun)).toBe(0);
    expect(writesMatching(t.sandbox, "POST", ORDER_POST)).toBe(1);
    expect(writesMatching(t.sandbox, "POST", PAY)).toBe(1);
    const plan = await runCli(["plan", TWO_ORDERS, "--detailed-exitcode"], { cwd: t.home, env: t.env });
    expect(plan.code).toBe(0);
  });

  it('killed right after ordering one account: the rerun finds that order, whose detail quantity is the string "1", and buys nothing more', async () => {
    const manifest = await oneAccountManifest(t.home, "one", {
      email: "solo@acme.example",
      license: "enterprise",
      renewal: "yearly",
    });
    const killed = await applyKilledAt(manifest, "order:after-place", t);
    expect(killed.signal).toBe("SIGKILL");

    // The order as OVHcloud's schema shows it: billing.OrderDetail.quantity is a string.
    const client = new TestClient(t.sandbox.url);
    const orderId = ((await client.get("/me/order")).body as number[]).at(-1)!;
    const detailId = ((await client.get(`/me/order/${orderId}/details`)).body as number[])[0];
    expect((await client.get(`/me/order/${orderId}/details/${detailId}`)).body.quantity).toBe("1");

    const rerun = await runCli(["apply", manifest, "--auto-approve"], { cwd: t.home, env: t.env });
    expect(rerun.code, all(rerun)).toBe(0);
    expect(rerun.stderr).toMatch(new RegExp(`found order ${orderId}, placed by an interrupted run`));
    expect(writesMatching(t.sandbox, "POST", ORDER_POST)).toBe(1);
    const plan = await runCli(["plan", manifest, "--detailed-exitcode"], { cwd: t.home, env: t.env });
    expect(plan.code).toBe(0);
  });

  it("killed between a blank's configure and its password: the next apply, with nothing else to do, sets the password from the secrets file", async () => {
    const manifest = await oneAccountManifest(t.home, "reuse", {
      email: "reuser@acme.example",
      license: "basic",
      renewal: "monthly",
    });
    const killed = await applyKilledAt(manifest, "configure:after-put", t);
    expect(killed.signal).toBe("SIGKILL");
    expect(t.sandbox.passwordChanges()).toEqual([]);

    const rerun = await runCli(["apply", manifest, "--auto-approve"], { cwd: t.home, env: t.env });
    expect(rerun.code, all(rerun)).toBe(0);
    const changes = t.sandbox.passwordChanges();
    expect(changes.map((c) => c.primaryEmailAddress)).toEqual(["reuser@acme.example"]);
    const file = JSON.parse(await readFile(secretsFile(), "utf8")) as {
      accounts: { email: string; password: string }[];
    };
    const { password } = first(changes, "password change");
    expect(file.accounts.find((r) => r.email === "reuser@acme.example")?.password).toBe(password);
    expect(all(rerun)).not.toContain(password);
    expect(writesMatching(t.sandbox, "POST", ORDER_POST)).toBe(0);
  });
});
