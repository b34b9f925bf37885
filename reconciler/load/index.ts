/**
 * Manifests → the desired model. The CLI calls `loadDesired` (plan, apply, drift) and
 * `validateFiles` (validate); both run every check on every file and report every problem at once,
 * sorted, as `file:line:col: message`.
 *
 * Pipeline per file: read (size limit, strict UTF-8) → parse (YAML, or cdk.tf.json through
 * terraform-json.ts) → JSON Schema → semantic checks; then checks across all files (duplicates);
 * then, only when nothing is wrong, the model.
 */
import { defineLazy } from "../lazy.js";
import type { Desired, DesiredPlatform } from "../model.js";
import type { FileSystem } from "../ports.js";
import { desiredPlatforms } from "./build.js";
import { desiredDigest } from "./digest.js";
import { ManifestError } from "./errors.js";
import { expandInputs, type ManifestInput } from "./inputs.js";
import { problemAt, sortProblems, START, type Problem } from "./problem.js";
import { readManifestText } from "./read.js";
import { schemaProblems } from "./schema.js";
import { crossSourceProblems, semanticProblems } from "./semantics.js";
import type { ManifestSource } from "./source.js";
import { yamlSource } from "./yaml-source.js";

export { ManifestError } from "./errors.js";
export { formatProblem, type Problem } from "./problem.js";
export { checkAgainstLive } from "./live-checks.js";
export { DEFAULT_MAX_MANIFEST_BYTES, maxManifestBytes } from "./read.js";

/**
 * How manifests are read: `files`, the file port; `cwd`, the folder relative paths are read from
 * (they keep their given form in every problem); `maxBytes`, the size limit of one file.
 */
export interface ReadOptions {
  files: FileSystem;
  cwd?: string;
  maxBytes?: number;
}
export { MAX_ALIAS_COUNT } from "./yaml-source.js";

/** The desired state the files describe; throws ManifestError listing every problem of every file. */
export async function loadDesired(paths: string[], options: ReadOptions): Promise<Desired> {
  const { problems, platforms } = await analyse(paths, options, true);
  if (problems.length > 0) throw new ManifestError(problems, [...paths]);
  const desired = { platforms, files: [...paths] } as unknown as Desired;
  return defineLazy(desired, "digest", () => desiredDigest(platforms));
}

/** The same checks as loadDesired, returning the problems (sorted; empty when the files are valid). */
export async function validateFiles(paths: string[], options: ReadOptions): Promise<Problem[]> {
  // The model is not built: no problem comes from building it, and a 100,000-account one costs.
  return (await analyse(paths, options, false)).problems;
}

/** Every problem of the files; and, when `build` and there is none, the model they declare. */
async function analyse(
  paths: readonly string[],
  options: ReadOptions,
  build: boolean,
): Promise<{ problems: Problem[]; platforms: DesiredPlatform[] }> {
  if (paths.length === 0) {
    const problem = problemAt(
      "<no manifest>",
      START,
      "no manifest given: name YAML manifests, cdk.tf.json files or a cdktf.out folder",
    );
    return { problems: [problem], platforms: [] };
  }
  const { inputs, problems } = await expandInputs(options.files, paths, options.cwd);
  const sources: ManifestSource[] = [];
  for (const input of inputs) {
    const parsed = await parseInput(input, options);
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    sources.push(parsed.source);
    problems.push(...schemaProblems(parsed.source), ...semanticProblems(parsed.source));
  }
  problems.push(...crossSourceProblems(sources));
  if (problems.length > 0) return { problems: sortProblems(problems), platforms: [] };
  return { problems: [], platforms: build ? sources.flatMap(desiredPlatforms) : [] };
}

async function parseInput(
  input: ManifestInput,
  options: ReadOptions,
): Promise<{ ok: true; source: ManifestSource } | { ok: false; problems: Problem[] }> {
  const read = await readManifestText(options.files, input.file, options.maxBytes, options.cwd);
  if (!read.ok) return { ok: false, problems: [read.problem] };
  if (input.kind === "yaml" || isJsonManifest(read.text)) return yamlSource(read.text, input.file);
  // The Terraform-JSON reader is loaded for synthesized stacks only: YAML runs never pay for it.
  const { terraformSource } = await import("./terraform-source.js");
  return terraformSource(read.text, input.file);
}

/**
 * A manifest written as JSON (`{"version": 1, "platforms": [...]}`: JSON is YAML) rather than a
 * synthesized stack: it is read as the YAML manifest it is, with the same checks and positions.
 */
function isJsonManifest(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
    const keys = Object.keys(value);
    return keys.includes("platforms") && !keys.includes("terraform") && !keys.includes("resource");
  } catch {
    return false;
  }
}
