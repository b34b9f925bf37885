/**
 * The CI examples run for real: every GitHub Actions workflow and GitLab CI file under examples/ci
 * is parsed, every exrec command in its shell steps is run with exrec (test/support/cli.ts) against a sandbox
 * over HTTP, in a working folder laid out like the repository the examples expect, in the order a
 * change goes through them (plan on the pull request, apply on merge, drift at night). Each must
 * exit with a code its step accepts; a flag the CLI does not know fails. The files may only take
 * credentials from the CI's secret store.
 */
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { SANDBOX_CREDENTIALS, type Sandbox } from "../../provider/sandbox/types.js";
import { REPO, sandboxEnv, tempDir } from "../support/cli.js";
import { FIXED_NOW, testSandbox } from "../support/sandbox.js";
import { runInvocation, type StepRun } from "./run-step.js";
import {
  exrecArgs,
  exrecInvocations,
  exrecMentions,
  readCiFiles,
  shellBlocks,
  type CiFile,
  type CiSystem,
  type ExrecInvocation,
} from "./workflows.js";

const CI_DIR = join(REPO, "examples", "ci");
const DEMO = join(REPO, "examples", "demo.yaml");
const FILES = readCiFiles(CI_DIR);

/** The variables every exrec job needs; all must come from the secret store. */
const CREDENTIAL_VARIABLES = [
  "OVH_ENDPOINT",
  "OVH_APPLICATION_KEY",
  "OVH_APPLICATION_SECRET",
  "OVH_CONSUMER_KEY",
  "OVH_CLIENT_ID",
  "OVH_CLIENT_SECRET",
  "EXREC_BACKEND",
];
const CREDENTIAL_NAME = /^OVH_|^EXREC_BACKEND$|TOKEN|SECRET|PASSWORD|PASSWD|[_-]KEY$/i;
const GITHUB_SECRET_REFERENCE = /^\$\{\{\s*secrets\.([A-Za-z0-9_]+)\s*\}\}$/;
const SHELL_REFERENCE = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/;

function invocationsOf(file: CiFile): ExrecInvocation[] {
  return shellBlocks(file).flatMap(exrecInvocations);
}

/** Walks a parsed YAML value, calling back with every mapping entry and every string. */
function walk(value: unknown, onEntry: (key: string, value: unknown, path: string) => void, path = ""): void {
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, onEntry, `${path}[${i}]`));
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      onEntry(k, v, `${path}.${k}`);
      walk(v, onEntry, `${path}.${k}`);
    }
  }
}

describe("the CI examples", () => {
  it("are the three GitHub Actions workflows and the GitLab CI file", () => {
    expect(FILES.map((f) => `${f.system}:${f.name}`)).toEqual([
      "github:github-actions/exrec-apply.yml",
      "github:github-actions/exrec-drift.yml",
      "github:github-actions/exrec-plan.yml",
      "gitlab:gitlab-ci.yml",
    ]);
  });

  describe.each(FILES.map((f) => [f.name, f] as const))("%s", (_name, file) => {
    it("has at least one exrec step, and every mention of an exrec command is a step the test runs", () => {
      const blocks = shellBlocks(file);
      const invocations = blocks.flatMap(exrecInvocations);
      expect(invocations.length).toBeGreaterThan(0);
      for (const block of blocks) {
        expect(exrecInvocations(block).length, `${block.job} ${block.where}`).toBe(exrecMentions(block));
      }
    });

    it("takes credentials only from the CI's secret store: no literal value, only references", () => {
      const problems: string[] = [];
      walk(file.document, (key, value, path) => {
        // A YAML document's scalars: a string, a number or a boolean (null and collections are objects).
        if (!CREDENTIAL_NAME.test(key)) return;
        if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return;
        const text = String(value);
        const reference =
          file.system === "github" ? GITHUB_SECRET_REFERENCE.exec(text) : SHELL_REFERENCE.exec(text);
        if (!reference)
          problems.push(
            `${path}: ${JSON.stringify(text)} is not a ${file.system === "github" ? "${{ secrets.X }}" : "$VAR"} reference`,
          );
      });
      // Whatever the key: no known credential, no password in a URL, no token by its well-known prefix.
      for (const value of Object.values(SANDBOX_CREDENTIALS))
        if (file.text.includes(value)) problems.push(`contains the credential ${value}`);
      const userinfo = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@$]+:[^\s/@$]+@/i.exec(file.text);
      if (userinfo) problems.push(`a URL with a password: ${userinfo[0]}`);
      const token = /\b(ghp_|gho_|ghs_|github_pat_|glpat-)[A-Za-z0-9_-]{8,}/.exec(file.text);
      if (token) problems.push(`a token: ${token[0]}`);
      for (const invocation of invocationsOf(file)) {
        const backend = invocation.command.words.findIndex(
          (w) => w.raw === "--backend" || w.raw.startsWith("--backend="),
        );
        if (backend !== -1)
          problems.push(
            `${invocation.block.job}: --backend on the command line; use the EXREC_BACKEND secret`,
          );
      }
      expect(problems).toEqual([]);
    });

    if (file.system === "github") {
      it("gives every exrec job all the OVHcloud credentials and EXREC_BACKEND, each from the secret of the same name", () => {
        for (const invocation of invocationsOf(file)) {
          const env = invocation.block.env;
          for (const name of CREDENTIAL_VARIABLES) {
            expect(
              GITHUB_SECRET_REFERENCE.exec(env[name] ?? "")?.[1],
              `${invocation.block.job}: ${name}`,
            ).toBe(name);
          }
        }
      });
    }

    it("checks OVH_ENDPOINT is set before exrec runs, so a job can never fall back to the embedded sandbox", () => {
      // Without credentials exrec runs against its embedded sandbox, and a CI job would report
      // success about a demo organisation. Each job must fail first instead.
      const guard = /(test|\[)\s+-n\s+"\$OVH_ENDPOINT"[^\n]*\|\|[^\n]*exit 1/;
      for (const invocation of invocationsOf(file)) {
        const blocks = shellBlocks(file).filter((b) => b.job === invocation.block.job);
        const before = blocks.slice(0, blocks.indexOf(invocation.block));
        expect(
          before.some((b) => guard.test(b.script)),
          `${invocation.block.job}: no guard before exrec`,
        ).toBe(true);
      }
    });
  });
});

/** The value after `--flag` in an argv; fails the test when absent. */
function optionValue(argv: readonly string[], flag: string): string {
  const at = argv.indexOf(flag);
  expect(at, `${flag} in ${argv.join(" ")}`).toBeGreaterThan(-1);
  return argv[at + 1]!;
}

function fileOf(invocation: ExrecInvocation): CiFile {
  return FILES.find((f) => f.name === invocation.block.file)!;
}

/** The job definition an invocation runs in. */
function jobOf(invocation: ExrecInvocation): Record<string, unknown> {
  const document = fileOf(invocation).document;
  const jobs = (fileOf(invocation).system === "github" ? document.jobs : document) as Record<
    string,
    Record<string, unknown>
  >;
  return jobs[invocation.block.job]!;
}

const rawArgs = (invocation: ExrecInvocation): string[] => exrecArgs(invocation.command).map((w) => w.raw);

describe("the jobs are wired as promised", () => {
  const all = FILES.flatMap(invocationsOf);
  const of = (system: CiSystem, subcommand: string) =>
    all.filter((i) => fileOf(i).system === system && i.subcommand === subcommand);

  it.each(["github", "gitlab"] as CiSystem[])(
    "%s: the plan runs on pull/merge requests and posts or updates one comment found by its hidden marker",
    (system) => {
      const plans = of(system, "plan");
      expect(plans.length).toBeGreaterThan(0);
      for (const plan of plans) {
        expect(rawArgs(plan)).toEqual(
          expect.arrayContaining(["--format", "markdown", "--detailed-exitcode"]),
        );
        expect([...plan.passingCodes].sort()).toEqual([0, 2]);
        const output = plan.command.redirects.find((r) => r.fd === 1 && r.op === ">")!.target.raw;
        const file = fileOf(plan);
        if (system === "github") {
          expect(Object.keys(file.document.on ?? {})).toContain("pull_request");
          const steps = jobOf(plan).steps as Record<string, unknown>[];
          const poster = steps.find((s) =>
            (typeof s.uses === "string" ? s.uses : "").startsWith("actions/github-script@"),
          );
          const script = (poster?.with as { script?: string } | undefined)?.script ?? "";
          for (const needed of [
            "<!-- exrec-plan -->",
            output,
            "updateComment",
            "createComment",
            "listComments",
          ])
            expect(script).toContain(needed);
        } else {
          expect(JSON.stringify(jobOf(plan).rules)).toContain("merge_request_event");
          const script = shellBlocks(file)
            .filter((b) => b.job === plan.block.job)
            .map((b) => b.script)
            .join("\n");
          for (const needed of ["<!-- exrec-plan -->", output, "GITLAB_TOKEN", '"PUT"', '"POST"', "/notes"])
            expect(script).toContain(needed);
        }
      }
    },
  );

  it.each(["github", "gitlab"] as CiSystem[])(
    "%s: the apply runs on main, one at a time, with --auto-approve and without --allow-destroy",
    (system) => {
      const applies = of(system, "apply");
      expect(applies.length).toBeGreaterThan(0);
      for (const apply of applies) {
        expect(rawArgs(apply)).toContain("--auto-approve");
        expect(rawArgs(apply)).not.toContain("--allow-destroy");
        expect([...apply.passingCodes]).toEqual([0]);
        if (system === "github") {
          const document = fileOf(apply).document as {
            on: { push?: { branches?: string[] } };
            concurrency?: unknown;
          };
          expect(document.on.push?.branches).toEqual(["main"]);
          expect(document.concurrency ?? jobOf(apply).concurrency).toEqual({
            group: "exrec-apply",
            "cancel-in-progress": false,
          });
        } else {
          expect(jobOf(apply).resource_group).toBe("exrec-apply");
          expect(JSON.stringify(jobOf(apply).rules)).toContain("$CI_DEFAULT_BRANCH");
        }
      }
    },
  );

  it.each(["github", "gitlab"] as CiSystem[])(
    "%s: the drift runs on a schedule, fails the job on drift, and keeps the HTML report even then",
    (system) => {
      const drifts = of(system, "drift");
      expect(drifts.length).toBeGreaterThan(0);
      for (const drift of drifts) {
        const args = rawArgs(drift);
        expect(args).toEqual(expect.arrayContaining(["--detailed-exitcode", "--format", "html"]));
        // Only 0 lets the step go on: exit 2 (drift) fails the job.
        expect([...drift.passingCodes]).toEqual([0]);
        const report = optionValue(args, "--out");
        if (system === "github") {
          expect(Object.keys(fileOf(drift).document.on as object)).toEqual(
            expect.arrayContaining(["schedule", "workflow_dispatch"]),
          );
          const steps = jobOf(drift).steps as Record<string, unknown>[];
          const upload = steps.find((s) =>
            (typeof s.uses === "string" ? s.uses : "").startsWith("actions/upload-artifact@"),
          );
          expect(upload?.if).toMatch(/always\(\)/);
          expect((upload?.with as Record<string, unknown>).path).toBe(report);
        } else {
          expect(JSON.stringify(jobOf(drift).rules)).toContain("schedule");
          expect(jobOf(drift).artifacts).toEqual(
            expect.objectContaining({ when: "always", paths: [report] }),
          );
        }
      }
    },
  );
});

/** The order a change goes through the jobs: validated and planned on review, applied on merge, watched at night. */
const LIFECYCLE = ["validate", "plan", "apply", "drift"];

/**
 * The repository the examples expect: the demo manifest as `manifests/exchange.yaml`, without its
 * destructive changes (a Hosted reset and a Private delete), because the apply jobs ship without
 * --allow-destroy on purpose. The Hosted account declared absent is then terminated at its expiry
 * instead (H4), which is not destructive.
 */
async function exampleRepository(destructive: boolean): Promise<string> {
  const work = await tempDir("exrec-gitops-");
  const document = parseDocument(await readFile(DEMO, "utf8"));
  if (!destructive) {
    const platforms = document.get("platforms") as {
      items: { get(k: string): unknown; set(k: string, v: unknown): void }[];
    };
    for (const platform of platforms.items) {
      if (platform.get("offer") === "hosted") platform.set("removal", "expire");
      else {
        const accounts = platform.get("accounts") as { items: { get(k: string): unknown }[] };
        accounts.items = accounts.items.filter((a) => a.get("state") !== "absent");
      }
    }
  }
  await mkdir(join(work, "manifests"));
  await writeFile(join(work, "manifests", "exchange.yaml"), document.toString());
  return work;
}

describe.each(["github", "gitlab"] as CiSystem[])("the %s jobs against the sandbox", (system) => {
  let sandbox: Sandbox;
  let env: Record<string, string>;
  const invocations = FILES.filter((f) => f.system === system)
    .flatMap(invocationsOf)
    .sort((a, b) => rank(a.subcommand) - rank(b.subcommand));

  function rank(subcommand: string): number {
    const at = LIFECYCLE.indexOf(subcommand);
    return at === -1 ? LIFECYCLE.length : at;
  }

  beforeEach(async () => {
    sandbox = await testSandbox();
    env = { ...sandboxEnv(sandbox.url, await tempDir()), EXREC_NOW: FIXED_NOW };
  });
  afterEach(async () => {
    await sandbox.close();
  });

  async function run(invocation: ExrecInvocation, work: string): Promise<StepRun> {
    // Literal settings the CI file gives the step are part of its environment; references to
    // secrets are what sandboxEnv stands in for.
    const literal = Object.fromEntries(
      Object.entries(invocation.block.env).filter(([, v]) => !v.includes("$")),
    );
    return runInvocation(invocation, work, { ...env, ...literal });
  }

  function described(invocation: ExrecInvocation, result: StepRun): string {
    return `${invocation.block.file} ${invocation.block.job}: exrec ${result.argv.join(" ")} exited ${result.code}\n${result.stderr}`;
  }

  it("plan passes with changes (exit 2), apply converges (0), drift finds none (0) and then fails the job (2) after a change behind exrec's back", async () => {
    expect(invocations.map((i) => i.subcommand)).toEqual(expect.arrayContaining(["plan", "apply", "drift"]));
    const work = await exampleRepository(false);
    const ran = new Set<ExrecInvocation>();

    for (const invocation of invocations) {
      const result = await run(invocation, work);
      ran.add(invocation);
      const why = described(invocation, result);
      expect(result.stderr, why).not.toMatch(
        /unknown option|unknown command|too many arguments|missing required argument/,
      );
      switch (invocation.subcommand) {
        case "plan":
          // The demo differs from the live state: exit 2, which the step accepts.
          expect(result.code, why).toBe(2);
          expect(result.passes, why).toBe(true);
          break;
        case "apply":
          expect(result.code, why).toBe(0);
          expect(result.passes, why).toBe(true);
          expect(result.stderr).toMatch(/Apply complete/);
          break;
        case "drift":
          // Right after apply, nothing has drifted: the nightly job passes, and leaves its report.
          expect(result.code, why).toBe(0);
          expect(result.passes, why).toBe(true);
          expect(await readFile(join(work, optionValue(result.argv, "--out")), "utf8")).toMatch(
            /^<!DOCTYPE html>/i,
          );
          break;
        default:
          expect(result.passes, why).toBe(true);
      }
    }
    // Every exrec command written in the files of this CI ran, counted independently of the parser.
    const mentions = FILES.filter((f) => f.system === system)
      .flatMap(shellBlocks)
      .reduce((n, b) => n + exrecMentions(b), 0);
    expect(ran.size).toBe(mentions);

    // What the steps left behind for the CI's next steps (the comment, the artifact).
    for (const invocation of invocations) {
      for (const redirect of invocation.command.redirects.filter((r) => r.op === ">")) {
        const written = await readFile(resolve(work, redirect.target.raw), "utf8");
        expect(written, redirect.target.raw).toMatch(/grace/);
      }
    }
    // New accounts' initial passwords went only to the file the apply step names, mode 0600.
    for (const invocation of invocations.filter((i) => i.subcommand === "apply")) {
      const args = exrecArgs(invocation.command).map((w) => w.raw);
      expect(args, "the apply step names --secrets-out").toContain("--secrets-out");
      const file = resolve(work, args[args.indexOf("--secrets-out") + 1]!);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    }

    // Someone renames an account in the control panel: the nightly drift step now fails its job.
    sandbox.patchAccount("hosted-ab12345-1", "hosted-ab12345-1", "erin@acme.example", {
      displayName: "Erin (changed by hand)",
    });
    for (const invocation of invocations.filter((i) => i.subcommand === "drift")) {
      const result = await run(invocation, work);
      const why = described(invocation, result);
      expect(result.code, why).toBe(2);
      expect(result.passes, why).toBe(false);
      expect(result.stdout).toMatch(/erin@acme\.example\s+displayName/);
      expect(await readFile(join(work, optionValue(result.argv, "--out")), "utf8")).toMatch(
        /erin@acme\.example/,
      );
    }
  });

  it("the apply step refuses the demo's destructive changes, because --allow-destroy is left to the team, and writes nothing", async () => {
    const work = await exampleRepository(true);
    const applies = invocations.filter((i) => i.subcommand === "apply");
    expect(applies.length).toBeGreaterThan(0);
    for (const invocation of applies) {
      const result = await run(invocation, work);
      expect(result.code, described(invocation, result)).toBe(1);
      expect(result.passes).toBe(false);
      expect(result.stderr).toMatch(/--allow-destroy/);
    }
    expect(sandbox.stats.writes).toEqual([]);
  });

  it("a flag the CLI does not know fails the step (the check above can fail)", async () => {
    const work = await exampleRepository(false);
    const [first] = invocations;
    const script = `npx exrec ${exrecArgs(first!.command)
      .map((w) => w.raw)
      .join(" ")} --no-such-flag`;
    const [broken] = exrecInvocations({ ...first!.block, script });
    const result = await run(broken!, work);
    expect(result.code).toBe(1);
    expect(result.passes).toBe(false);
    expect(result.stderr).toMatch(/unknown option '--no-such-flag'/);
  });
});
