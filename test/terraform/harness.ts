/**
 * Runs the real `terraform` binary against exrec's provider and a sandbox over HTTP: a temporary
 * working folder, HOME, CLI configuration and data folder per test file, the provider installed by
 * `exrec terraform install`, no network (no registry, no checkpoint). Tests skip, saying why, where
 * no terraform binary is on PATH.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SANDBOX_CREDENTIALS } from "../../provider/sandbox/types.js";
import { FIXED_NOW } from "../support/sandbox.js";
import { runCli, tempDir } from "../support/cli.js";

/** Why the terraform tests are skipped here, or null when a terraform binary answers. */
export function terraformMissing(): string | null {
  const probe = spawnSync("terraform", ["version"], {
    env: { PATH: process.env.PATH ?? "", CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
    timeout: 30_000,
  });
  if (probe.error || probe.status !== 0) {
    return "no terraform binary on PATH: the provider's tests run the real terraform, so they are skipped";
  }
  return null;
}

export interface TerraformResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, as a user reads them. */
  output: string;
}

export interface Workspace {
  root: string;
  dir: string;
  home: string;
  env: Record<string, string>;
  /** Writes main.tf (and removes other .tf files). */
  config(hcl: string): Promise<void>;
  terraform(args: string[], extraEnv?: Record<string, string>, timeoutMs?: number): Promise<TerraformResult>;
  close(): Promise<void>;
}

/** The terraform block every test configuration starts with. */
export const REQUIRED_PROVIDERS = `terraform {
  required_providers {
    exrec = { source = "exrec/exrec", version = "0.1.0" }
  }
}
`;

/** A workspace whose provider talks to the sandbox at `sandboxUrl`; `mirror: "implied"` installs into ~/.terraform.d/plugins. */
export async function openWorkspace(
  sandboxUrl: string,
  options: { mirror?: "folder" | "implied" } = {},
): Promise<Workspace> {
  const root = await tempDir("exrec-terraform-");
  const home = join(root, "home");
  const dir = join(root, "work");
  await mkdir(home, { recursive: true });
  await mkdir(dir, { recursive: true });
  const mirror = join(root, "mirror");
  const installArgs =
    options.mirror === "implied" ? ["terraform", "install"] : ["terraform", "install", "--dir", mirror];
  // The built bin: the script it installs runs the built provider (dist/), as a user's install does.
  const installed = await runCli(installArgs, {
    env: { PATH: process.env.PATH ?? "", HOME: home },
    process: true,
  });
  if (installed.code !== 0) throw new Error(`exrec terraform install failed: ${installed.stderr}`);
  const cliConfig = options.mirror === "implied" ? join(root, "empty.tfrc") : join(mirror, "exrec.tfrc");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: home,
    NO_COLOR: "1",
    CI: "true",
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
    TF_DATA_DIR: join(root, "tf-data"),
    TF_CLI_CONFIG_FILE: cliConfig,
    OVH_ENDPOINT: sandboxUrl,
    OVH_APPLICATION_KEY: SANDBOX_CREDENTIALS.applicationKey,
    OVH_APPLICATION_SECRET: SANDBOX_CREDENTIALS.applicationSecret,
    OVH_CONSUMER_KEY: SANDBOX_CREDENTIALS.consumerKey,
    EXREC_RATE_LIMIT: "0",
    EXREC_CONCURRENCY: "16",
    EXREC_NOW: FIXED_NOW,
    // Configuring a blank (ordered or reused) generates its password, written only to this file.
    EXREC_SECRETS_OUT: join(root, "secrets.json"),
  };
  if (options.mirror === "implied")
    await writeFile(cliConfig, "# no provider_installation: the implied local mirror\n");
  return {
    root,
    dir,
    home,
    env,
    async config(hcl) {
      await writeFile(join(dir, "main.tf"), `${REQUIRED_PROVIDERS}\n${hcl}`);
    },
    terraform: (args, extraEnv = {}, timeoutMs = 180_000) =>
      runTerraform(dir, args, { ...env, ...extraEnv }, timeoutMs),
    close: () => rm(root, { recursive: true, force: true }),
  };
}

export function runTerraform(
  cwd: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 180_000,
): Promise<TerraformResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("terraform", [...args, "-no-color"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let output = "";
    child.stdout.on("data", (d: Buffer) => ((stdout += d.toString()), (output += d.toString())));
    child.stderr.on("data", (d: Buffer) => ((stderr += d.toString()), (output += d.toString())));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, output });
    });
  });
}

/** Terraform wraps long lines of diagnostics: join them back for matching. */
export function unwrapped(text: string): string {
  return text.replace(/\s+/g, " ");
}

/** HCL of an exrec_platform and its accounts, from plain data (strings quoted, booleans bare). */
export function hcl(
  type: string,
  name: string,
  attributes: Record<string, string | boolean | undefined>,
): string {
  const lines = Object.entries(attributes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `  ${k} = ${typeof v === "string" ? JSON.stringify(v) : String(v)}`);
  return `resource "${type}" "${name}" {\n${lines.join("\n")}\n}\n`;
}
