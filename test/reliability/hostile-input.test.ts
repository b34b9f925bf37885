/**
 * Hostile input at the command line: saved plan files that were edited, manifests built to hurt a
 * parser, and the sandbox's own exposure (loopback only unless told otherwise, bodies over its
 * limit refused). The loaders themselves are fuzzed with fast-check in test/load/property.test.ts
 * (manifests) and test/render/planfile.test.ts (plan files); here the whole CLI is run on the
 * worst cases, end to end.
 */
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toAddress, type Plan } from "../../reconciler/model.js";
import type { PlanDocument } from "../../reconciler/plan-format/document.js";
import { planDigest } from "../../reconciler/planfile.js";
import { CLI, bareEnv, runCli, tempDir } from "../support/cli.js";
import { DEMO, shown, startRun, type Run } from "./harness.js";

describe("saved plan files that were edited", () => {
  let run: Run;
  let planFile: string;
  let original: string;

  beforeAll(async () => {
    // Every apply here must be refused: one sandbox serves the file.
    run = await startRun();
    planFile = join(run.home, "demo.plan.json");
    const planned = await run.cli(["plan", DEMO, "--out", planFile]);
    expect(planned.code, shown(planned)).toBe(0);
    original = await readFile(planFile, "utf8");
  });
  afterAll(async () => {
    expect(run.sandbox.stats.writes).toEqual([]);
    await run.sandbox.close();
  });

  const applyEdited = async (edit: (plan: Plan & { digest: string }) => void, recomputeDigest: boolean) => {
    const plan = JSON.parse(original) as Plan & { digest: string };
    edit(plan);
    if (recomputeDigest) plan.digest = planDigest(plan);
    const file = join(run.home, `edited-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, JSON.stringify(plan, null, 2));
    return run.cli([
      "apply",
      file,
      "--auto-approve",
      "--allow-destroy",
      "--max-destroy",
      "50",
      "--secrets-out",
      join(run.home, "s.json"),
    ]);
  };

  it("an amount changed by hand (digest left as it was) is refused before anything is read or written", async () => {
    const result = await applyEdited((plan) => {
      const order = plan.changes.find((c) => c.action === "order")!;
      if (order.cost.kind !== "one-time") throw new Error("the demo's order has a one-time cost");
      order.cost.amount.ucents = 1;
    }, false);
    expect(result.code, shown(result)).toBe(1);
    expect(result.stderr).toMatch(/the plan file was modified after it was written/);
    expect(result.stdout).toBe("");
  });

  it("a forged plan (an undeclared account's deletion added, digest recomputed) is refused: its changes are not what the manifest and the live state give", async () => {
    const result = await applyEdited((plan) => {
      const deletion = plan.changes.find((c) => c.action === "delete")!;
      plan.changes.push({
        ...deletion,
        id: deletion.id.replace("judy@", "zoe@"),
        address: toAddress("zoe@globex.example"),
      });
    }, true);
    expect(result.code, shown(result)).toBe(1);
    expect(result.stderr).toMatch(/zoe@globex\.example/);
    expect(result.stderr).toMatch(/nothing was applied/);
  });

  it("a forged plan whose deletion is retargeted at another account (digest recomputed) is refused", async () => {
    const result = await applyEdited((plan) => {
      const deletion = plan.changes.find((c) => c.action === "delete")!;
      if (deletion.action !== "delete") throw new Error("unreachable");
      deletion.id = deletion.id.replace("judy@", "celine@");
      deletion.address = toAddress("celine@globex.example");
    }, true);
    expect(result.code, shown(result)).toBe(1);
    expect(result.stderr).toMatch(/celine@globex\.example\/delete/);
    expect(result.stderr).toMatch(/nothing was applied/);
  });

  it("a forged plan with its destructive changes marked harmless (digest recomputed) is refused, never slipping past --allow-destroy", async () => {
    const plan = JSON.parse(original) as PlanDocument & { digest: string };
    for (const change of plan.changes) change.destructive = false;
    plan.digest = planDigest(plan);
    const file = join(run.home, "harmless.json");
    await writeFile(file, JSON.stringify(plan, null, 2));
    const result = await run.cli([
      "apply",
      file,
      "--auto-approve",
      "--secrets-out",
      join(run.home, "s.json"),
    ]);
    expect(result.code, shown(result)).toBe(1);
    // The file's flags are not read: reset and Private delete are destructive by their action.
    expect(result.stderr).toMatch(
      /holds 2 destructive change\(s\) and --allow-destroy was not given; nothing was written/,
    );
  });
});

describe("manifests built to hurt a parser, through the CLI", () => {
  let home: string;
  beforeAll(async () => {
    home = await tempDir("exrec-hostile-manifest-");
  });

  const cases: [string, () => string | Buffer][] = [
    ["random bytes", () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))],
    [
      "an alias bomb (billion laughs)",
      () =>
        [
          "a: &a [x, x, x, x, x, x, x, x, x, x]",
          ...Array.from(
            { length: 9 },
            (_, i) =>
              `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
                .fill(`*${String.fromCharCode(97 + i)}`)
                .join(", ")}]`,
          ),
        ].join("\n"),
    ],
    [
      "a document nested 50,000 levels deep",
      () => "version: 1\nplatforms: " + "[".repeat(50_000) + "]".repeat(50_000) + "\n",
    ],
    ["6 MiB of one YAML string", () => `version: 1\nplatforms: "${"a".repeat(6 * 1024 * 1024)}"\n`],
  ];

  it.each(cases)(
    "%s: validate exits 1 with the problem located in the file, never a crash",
    async (name, content) => {
      const file = join(home, `${name.replace(/\W+/g, "-")}.yaml`);
      await writeFile(file, content());
      const result = await runCli(["validate", file], { cwd: home, env: bareEnv(home) });
      expect(result.code, shown(result)).toBe(1);
      expect(result.stderr).toContain(file);
      expect(result.stderr).not.toMatch(/This is a bug in exrec|^\s+at /m);
    },
  );
});

describe("exrec sandbox's own exposure", () => {
  let child: ReturnType<typeof spawn>;
  let url: string;

  beforeAll(async () => {
    const home = await tempDir("exrec-sandbox-cli-");
    child = spawn(process.execPath, [CLI, "sandbox", "--port", "0", "--state", join(home, "state.json")], {
      cwd: home,
      env: bareEnv(home),
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`exrec sandbox did not start: ${out}`)), 20_000);
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const found = /listening on (\S+)/.exec(out);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      });
    });
  });
  afterAll(() => {
    child.kill("SIGTERM");
  });

  it("listens on the loopback address unless --host says otherwise", () => {
    expect(new URL(url).hostname).toBe("127.0.0.1");
  });

  it("refuses a request body over its size limit with 413, and changes nothing", async () => {
    const before = await (await fetch(`${url}/auth/time`)).text();
    expect(Number(before)).toBeGreaterThan(0);
    const answer = await fetch(`${url}/email/exchange/hosted-ab12345-1/service/private-ab12345-1/account`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        login: "x",
        domain: "globex.example",
        license: "basic",
        password: "p".repeat(2 * 1024 * 1024),
      }),
    });
    expect(answer.status).toBe(413);
    const stats = (await (await fetch(url.replace(/\/1\.0$/, "/_sandbox/stats"))).json()) as {
      writes: { status: number }[];
    };
    expect(stats.writes.every((w) => w.status === 413)).toBe(true);
  });
});
