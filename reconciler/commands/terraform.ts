/**
 * `exrec terraform install [--dir DIR]`: puts terraform-provider-exrec where `terraform init`
 * finds it with no registry. Without --dir, in Terraform's implied local mirror
 * (~/.terraform.d/plugins), which Terraform searches by itself; with --dir, in that folder, beside
 * a CLI configuration that names it as a filesystem mirror (use it with TF_CLI_CONFIG_FILE).
 * The installed executable is a small script that runs this package's provider with this Node.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { note, print, type CliIo } from "./io.js";

export const PROVIDER_SOURCE = "registry.terraform.io/exrec/exrec";
/** The provider's version: the package's. */
export const PROVIDER_VERSION = "0.1.0";

/** Terraform's name for this machine's platform, e.g. linux_amd64. */
export function terraformPlatform(platform = process.platform, arch = process.arch): string {
  const os = platform === "win32" ? "windows" : platform;
  const cpu = arch === "x64" ? "amd64" : arch === "ia32" ? "386" : arch;
  return `${os}_${cpu}`;
}

/**
 * The compiled provider entry point of this installation: dist/provider/terraform/main.js of the
 * package this module belongs to. The package's root is found upwards, as this module runs from
 * dist/reconciler/commands/ (compiled), dist/cli/ (the bundled bin) or reconciler/commands/ (sources).
 */
function providerEntryPoint(): string {
  let root = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(root, "package.json")) && dirname(root) !== root) root = dirname(root);
  const entry = resolve(root, "dist", "provider", "terraform", "main.js");
  if (!existsSync(entry)) {
    throw new UsageError(`the provider is not built (${entry} is missing)`, {
      hint: "run npm run build first",
    });
  }
  return entry;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface InstallResult {
  mirror: string;
  executable: string;
  cliConfig: string | null;
}

/** `dir`: relative to `cwd`; without it, Terraform's implied local mirror in `home`. */
export async function installProvider(options: {
  dir?: string;
  home: string;
  cwd: string;
}): Promise<InstallResult> {
  const mirror = options.dir
    ? resolve(options.cwd, options.dir)
    : join(options.home, ".terraform.d", "plugins");
  const folder = join(mirror, PROVIDER_SOURCE, PROVIDER_VERSION, terraformPlatform());
  const executable = join(folder, `terraform-provider-exrec_v${PROVIDER_VERSION}`);
  // Loaded here: every run registers this command, only an install writes files.
  const { writeOutputFile } = await import("./output.js");
  const script =
    "#!/bin/sh\n" +
    "# terraform-provider-exrec, installed by `exrec terraform install`: runs the provider of this exrec installation.\n" +
    `exec ${shellQuote(process.execPath)} ${shellQuote(providerEntryPoint())} "$@"\n`;
  await writeOutputFile(executable, script, 0o755);
  let cliConfig: string | null = null;
  if (options.dir) {
    cliConfig = join(mirror, "exrec.tfrc");
    const config =
      "# Terraform CLI configuration written by `exrec terraform install`: exrec's provider from this folder,\n" +
      "# every other provider from its registry as usual. Use it with TF_CLI_CONFIG_FILE.\n" +
      "provider_installation {\n" +
      "  filesystem_mirror {\n" +
      `    path    = ${JSON.stringify(mirror)}\n` +
      `    include = [${JSON.stringify(PROVIDER_SOURCE)}]\n` +
      "  }\n" +
      "  direct {\n" +
      `    exclude = [${JSON.stringify(PROVIDER_SOURCE)}]\n` +
      "  }\n" +
      "}\n";
    await writeOutputFile(cliConfig, config, 0o644);
  }
  return { mirror, executable, cliConfig };
}

export async function terraformInstallCommand(io: CliIo, options: { dir?: string }): Promise<number> {
  const result = await installProvider({ ...options, home: io.home, cwd: io.cwd });
  print(io, `Installed terraform-provider-exrec ${PROVIDER_VERSION} into ${result.mirror}`);
  if (result.cliConfig) {
    print(io, `CLI configuration: ${result.cliConfig}`);
    print(io, `  export TF_CLI_CONFIG_FILE=${shellQuote(result.cliConfig)}`);
  } else {
    print(io, "This is Terraform's implied local mirror: terraform init finds it with no other setting.");
  }
  print(
    io,
    `In your configuration:\n  terraform {\n    required_providers {\n      exrec = { source = "exrec/exrec", version = "${PROVIDER_VERSION}" }\n    }\n  }`,
  );
  note(io, "Then run terraform init (no registry is needed for exrec), terraform plan, terraform apply.");
  return 0;
}

/** Adds `exrec terraform install` to the program. */
export function registerTerraformCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const terraform = program.command("terraform").description("the Terraform / OpenTofu provider");
  terraform
    .command("install")
    .description("install terraform-provider-exrec for terraform init, with no registry")
    .option(
      "--dir <folder>",
      "install into this folder and write a CLI configuration there (default: ~/.terraform.d/plugins)",
    )
    .action(async (options: { dir?: string }) => setExit(await terraformInstallCommand(io, options)));
}
