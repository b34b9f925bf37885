/**
 * What the paths given on the command line name: YAML manifests, synthesized cdk.tf.json files,
 * cdktf.out folders (every `stacks/<name>/cdk.tf.json` in them), or folders of YAML manifests
 * (every `*.yaml`/`*.yml` directly in them, as GitOps repositories keep them). Anything else is a
 * problem.
 */
import { readdir, stat } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { problemAt, START, type Problem } from "./problem.js";

export type InputKind = "yaml" | "terraform-json";

export interface ManifestInput {
  /** The file, as problems name it: a path given, or one found in a cdktf.out folder given. */
  file: string;
  kind: InputKind;
}

/** `cwd`: the folder relative paths are read from (default the process's); problems name them as given. */
export async function expandInputs(
  paths: readonly string[],
  cwd?: string,
): Promise<{ inputs: ManifestInput[]; problems: Problem[] }> {
  const at = (path: string) => (cwd === undefined ? path : resolve(cwd, path));
  const inputs: ManifestInput[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const add = (input: ManifestInput): void => {
    // The same file named twice (say, `a.yaml ./a.yaml`) would only report every account as a duplicate.
    const key = resolve(at(input.file));
    if (seen.has(key)) return;
    seen.add(key);
    inputs.push(input);
  };

  for (const path of paths) {
    const kind = kindOf(path);
    if (kind !== null) {
      add({ file: path, kind });
      continue;
    }
    const isDirectory = await stat(at(path)).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDirectory) {
      problems.push(
        problemAt(
          path,
          START,
          `exrec reads .yaml or .yml manifests, a synthesized cdk.tf.json (.json), or a cdktf.out folder; ${await whatItIs(at(path))}`,
        ),
      );
      continue;
    }
    const found = await cdktfOutFiles(path, at);
    const yaml = found.length > 0 ? [] : await yamlFiles(path, at);
    if (found.length > 0) for (const file of found) add({ file, kind: "terraform-json" });
    else if (yaml.length > 0) for (const file of yaml) add({ file, kind: "yaml" });
    else problems.push(problemAt(path, START, await notCdktfOut(path, at)));
  }
  return { inputs, problems };
}

function kindOf(path: string): InputKind | null {
  const extension = extname(path).toLowerCase();
  if (extension === ".yaml" || extension === ".yml") return "yaml";
  if (extension === ".json") return "terraform-json";
  return null;
}

async function whatItIs(path: string): Promise<string> {
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  return exists ? "this name has none of those extensions" : "no such file or directory";
}

/** Where a path given (or found under one given) is on disk. */
type Locate = (path: string) => string;

/** `stacks/<name>/cdk.tf.json` of a cdktf.out folder, in stack name order. */
async function cdktfOutFiles(directory: string, at: Locate): Promise<string[]> {
  const stacks = join(directory, "stacks");
  const names = await readdir(at(stacks)).catch(() => [] as string[]);
  const files: string[] = [];
  for (const name of [...names].sort()) {
    const file = join(stacks, name, "cdk.tf.json");
    if (
      await stat(at(file)).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      files.push(file);
  }
  return files;
}

/** The YAML manifests directly in a folder, in name order (sub-folders are not searched). */
async function yamlFiles(directory: string, at: Locate): Promise<string[]> {
  const entries = await readdir(at(directory), { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && kindOf(e.name) === "yaml")
    .map((e) => join(directory, e.name))
    .sort();
}

async function notCdktfOut(directory: string, at: Locate): Promise<string> {
  const message =
    "a folder must hold YAML manifests (*.yaml, *.yml) or be a cdktf.out folder (synthesized by `cdktf synth`, with stacks/<name>/cdk.tf.json), and this one has neither";
  const nested = join(directory, "cdktf.out");
  const hasNested = (await cdktfOutFiles(nested, at)).length > 0;
  return hasNested ? `${message}; did you mean ${nested}?` : message;
}
