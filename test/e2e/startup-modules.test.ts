/**
 * Start-up: each command loads only what it uses, counted by a module hook in the real CLI process
 * (never timed). A help request loads no package at all (the bin answers it from a table generated
 * at build time); `validate` loads no HTTP client, no PostgreSQL client, no YAML library
 * and no JSON Schema compiler; `plan` against an API loads the HTTP client but not the PostgreSQL
 * client (only a postgres:// backend needs it), nor the embedded sandbox.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../provider/sandbox/types.js";
import { REPO, runCli, sandboxEnv, tempDir } from "../support/cli.js";
import { loadedModules, type LoadedModules } from "../support/loaded-modules.js";
import { testSandbox } from "../support/sandbox.js";

const HOOK = join(REPO, "dist", "test", "support", "module-log.js");
const DEMO = join(REPO, "examples", "demo.yaml");

let sandbox: Sandbox;
let home: string;

beforeAll(async () => {
  sandbox = await testSandbox();
  home = await tempDir("exrec-modules-");
});
afterAll(async () => {
  await sandbox?.close();
});

/** The modules one CLI run loaded (see loadedModules). */
async function modulesOf(name: string, args: string[], env: Record<string, string>): Promise<LoadedModules> {
  const log = join(home, `${name}.modules`);
  const result = await runCli(args, {
    cwd: home,
    env: { ...env, EXREC_MODULE_LOG: log, NODE_OPTIONS: `--import ${HOOK}` },
    // What the bin's own process loads.
    process: true,
  });
  expect(result.code, result.stderr).toBe(0);
  return loadedModules(log);
}

describe("what each command loads", () => {
  const bare = () => ({ PATH: process.env.PATH ?? "", HOME: home, NO_COLOR: "1", CI: "true" });

  it("--help, <cmd> --help, help <cmd>, --version: the generated help table, not even the argument parser", async () => {
    for (const [name, args] of [
      ["help", ["--help"]],
      ["plan-help", ["plan", "--help"]],
      ["help-plan", ["help", "plan"]],
      ["install-help", ["terraform", "install", "-h"]],
      ["version", ["--version"]],
    ] as const) {
      const { packages, own, files } = await modulesOf(name, [...args], bare());
      expect(packages, name).toEqual([]);
      expect(files, name).toEqual([]);
      expect(own.sort(), name).toEqual([
        "reconciler/cli.js",
        "reconciler/commands/fast-help.js",
        "reconciler/commands/gen/help.js",
      ]);
    }
  });

  it("a help request the table does not hold: the argument parser and the command table, nothing of any command", async () => {
    const { packages, own } = await modulesOf("help-with-file", ["plan", "--help", "fleet.yaml"], bare());
    expect(packages).toEqual(["commander"]);
    expect(
      own.filter((f) => /^reconciler\/(load|plan|render)\/|^provider\/(ovh|backend|sandbox)\//.test(f)),
    ).toEqual([]);
  });

  it("validate: the manifest reader and the generated validator, no HTTP, database, YAML library or schema compiler", async () => {
    const { packages, own } = await modulesOf("validate", ["validate", DEMO], bare());
    expect(packages).toEqual(["commander"]);
    expect(own).toContain("reconciler/load/gen/manifest-validator.js");
    expect(own).not.toContain("reconciler/load/manifest-ajv.js");
    expect(own.filter((f) => /^provider\/(ovh|backend|sandbox)\//.test(f))).toEqual([]);
  });

  it("plan against an API: the HTTP client, but neither the PostgreSQL client nor the embedded sandbox, nor what only --out, another format or a journal needs", async () => {
    const { packages, own, files } = await modulesOf("plan", ["plan", DEMO], sandboxEnv(sandbox.url, home));
    // undici's connection pool and its request API, not the whole package (fetch, WebSocket, caches…).
    expect(files).toContain("node_modules/undici/lib/dispatcher/pool.js");
    expect(files).not.toContain("node_modules/undici/index.js");
    expect(files.filter((f) => f.startsWith("node_modules/undici/lib/web/"))).toEqual([]);
    // Nothing of a plan file, the other formats, the backend (no apply ran here) or failpoints.
    expect(
      own.filter((f) =>
        /^reconciler\/(planfile|render\/plan-(json|markdown)|apply\/failpoint)\.js$|^provider\/backend\//.test(
          f,
        ),
      ),
    ).toEqual([]);
    expect(packages).not.toContain("pg");
    expect(packages).not.toContain("yaml");
    expect(packages).not.toContain("ajv");
    // The planner and the text renderer load once the manifest is read and the reads are out.
    const afterManifest = own.slice(own.indexOf("reconciler/load/gen/manifest-validator.js") + 1);
    expect(afterManifest).toEqual(
      expect.arrayContaining(["reconciler/plan.js", "reconciler/render/plan-text.js"]),
    );
    expect(own).not.toContain("provider/backend/postgres.js");
    expect(own).not.toContain("provider/sandbox/server.js");
  });
});
