/**
 * What the paths given on the command line name: YAML manifests, synthesized cdk.tf.json files,
 * cdktf.out folders (every `stacks/<name>/cdk.tf.json` in them), or folders of YAML manifests
 * (every `*.yaml`/`*.yml` directly in them, as GitOps repositories keep them). Anything else is a
 * problem.
 */
import { extname, join, resolve } from "node:path";
import type { FileKind, FileSystem } from "../ports.js";
import { problemAt, START, type Problem } from "./problem.js";

export type InputKind = "yaml" | "terraform-json";

export interface ManifestInput {
  /** The file, as problems name it: a path given, or one found in a cdktf.out folder given. */
  file: string;
  kind: InputKind;
}

/** `cwd`: the folder relative paths are read from (default the process's); problems name them as given. */
export async function expandInputs(
  files: FileSystem,
  paths: readonly string[],
  cwd?: string,
): Promise<{ inputs: ManifestInput[]; problems: Problem[] }> {
  const at: Locate = {
    files,
    path: (path: string) => (cwd === undefined ? path : resolve(cwd, path)),
  };
  const inputs: ManifestInput[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const add = (input: ManifestInput): void => {
    // The same file named twice (say, `a.yaml ./a.yaml`) would only report every account as a duplicate.
    const key = resolve(at.path(input.file));
    if (seen.has(key)) return;
    seen.add(key);
    inputs.push(input);
  };

  for (const path of paths) {
    const named = inputKindOf(path);
    if (named !== null) {
      add({ file: path, kind: named });
      continue;
    }
    const kind = await files.kindOf(at.path(path));
    if (kind !== "folder") {
      problems.push(
        problemAt(
          path,
          START,
          `exrec reads .yaml or .yml manifests, a synthesized cdk.tf.json (.json), or a cdktf.out folder; ${whatItIs(kind)}`,
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

function inputKindOf(path: string): InputKind | null {
  const extension = extname(path).toLowerCase();
  if (extension === ".yaml" || extension === ".yml") return "yaml";
  if (extension === ".json") return "terraform-json";
  return null;
}

function whatItIs(kind: FileKind | null): string {
  return kind !== null ? "this name has none of those extensions" : "no such file or directory";
}

/** Where a path given (or found under one given) is on disk, and the port that reads it. */
interface Locate {
  files: FileSystem;
  path: (path: string) => string;
}

/** `stacks/<name>/cdk.tf.json` of a cdktf.out folder, in stack name order. */
async function cdktfOutFiles(directory: string, at: Locate): Promise<string[]> {
  const stacks = join(directory, "stacks");
  const names = ((await at.files.list(at.path(stacks))) ?? []).map((entry) => entry.name);
  const found: string[] = [];
  for (const name of names.sort()) {
    const file = join(stacks, name, "cdk.tf.json");
    if ((await at.files.kindOf(at.path(file))) === "file") found.push(file);
  }
  return found;
}

/** The YAML manifests directly in a folder, in name order (sub-folders are not searched). */
async function yamlFiles(directory: string, at: Locate): Promise<string[]> {
  const entries = (await at.files.list(at.path(directory))) ?? [];
  return entries
    .filter((e) => e.kind === "file" && inputKindOf(e.name) === "yaml")
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
