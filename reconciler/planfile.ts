/**
 * Saved plans: `exrec plan --out FILE` writes one, `exrec apply FILE` reads it back and carries out
 * exactly that. A plan file is the plan's JSON plus a `digest` over its canonical form, so that a
 * file edited after it was written is refused rather than applied. Reading never trusts the file:
 * every way it can be wrong ends in a PlanFileError naming the file, never in a crash.
 */
import { createHash } from "node:crypto";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { PlanFileError } from "./errors.js";
import type { Plan } from "./model.js";
import { fileFailureOf, type FileFailure, type FileSystem } from "./ports.js";
import { canonicalJson } from "./plan-format/canonical-json.js";
import { documentOf, planOf, withDerivedFlags, type PlanDocument } from "./plan-format/document.js";
import { printable } from "./printable.js";
import { planObjectJson } from "./plan-format/json.js";
import type { SchemaCheck, SchemaProblem } from "./plan-format/validate.js";

/** The largest plan file read back: far above any real plan, small enough to read into memory. */
export const MAX_PLAN_FILE_BYTES = 256 * 1024 * 1024;
/** The only format version this exrec reads and writes. */
export const PLAN_FORMAT_VERSION = "1";
/** Up to this size, a schema-invalid file gets every problem listed (the first few shown). */
const LIST_ALL_PROBLEMS_BELOW_BYTES = 1024 * 1024;
const PROBLEMS_SHOWN = 3;

const REMAKE_HINT = "make a new plan with `exrec plan --out FILE` and apply that";

/**
 * Checks against the plan schema. ajv is loaded, and the schema compiled, on the first plan file
 * only: the commands that never touch one do not pay for it.
 */
async function checkSchema(value: unknown, allErrors: boolean): Promise<SchemaCheck> {
  const { checkPlanSchema } = await import("./plan-format/validate.js");
  return checkPlanSchema(value, { allErrors });
}

/**
 * `sha256:` and the hex SHA-256 of the RFC 8785 canonical JSON of the plan's document (as the file
 * holds it, `destructive` flags included), `digest` left out.
 */
export function planDigest(plan: PlanDocument | Plan): string {
  const { digest: _ignored, ...body } = plan as PlanDocument;
  return `sha256:${createHash("sha256").update(canonicalJson(body), "utf8").digest("hex")}`;
}

/**
 * Where plan files are: the file port, and the folder relative paths are taken from (by default
 * the process's working folder). Messages name a path as it was given.
 */
export interface PlanFileAccess {
  files: FileSystem;
  cwd?: string;
}

/**
 * Writes the plan with its digest, readable by its owner only (0600: a plan names every account),
 * atomically and durably: a reader, or a crash, sees the old file or the new one, never half of one.
 */
export async function writePlanFile(path: string, plan: Plan, access: PlanFileAccess): Promise<void> {
  const { digest: _stale, ...fields } = plan as Plan & { digest?: unknown };
  const body = documentOf(fields);
  let check = await checkSchema(body, false);
  // Every problem, for the bug report: the plan is ours, so its size is no threat.
  if (!check.valid) check = await checkSchema(body, true);
  if (!check.valid) {
    throw new PlanFileError(
      path,
      `refusing to write a plan that does not match the plan schema: ${listProblems(check.problems)}`,
      {
        hint: "this is a bug in exrec: please report it with the plan (`exrec plan --format json`)",
      },
    );
  }
  const text = planObjectJson({ ...fields, digest: planDigest(body) });
  const target = access.cwd === undefined ? path : resolve(access.cwd, path);
  try {
    await access.files.writeAtomically(target, text, { mode: 0o600, durable: true });
  } catch (error) {
    throw new PlanFileError(path, `cannot be written: ${describeFsError(fileFailureOf(error))}`, {
      hint: "check that the folder exists and that you may write to it",
      cause: error,
    });
  }
}

/** Reads a plan file back, and refuses it unless it is exactly a plan this exrec wrote. */
export async function readPlanFile(path: string, access: PlanFileAccess): Promise<Plan> {
  const bytes = await readBounded(path, access);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new PlanFileError(path, "is not UTF-8 text, so not a plan file", { hint: REMAKE_HINT });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the file's content, which may be anything (a mistaken .env): only the position is kept.
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : "")?.[1];
    throw new PlanFileError(
      path,
      `is not JSON${position === undefined ? "" : ` (at character ${position})`}`,
      {
        hint: REMAKE_HINT,
      },
    );
  }
  return await verifyPlan(path, value, bytes.length);
}

/** `path` as messages name it; read from `access.cwd` when relative. */
async function readBounded(path: string, access: PlanFileAccess): Promise<Uint8Array> {
  const read = await access.files.read(
    access.cwd === undefined ? path : resolve(access.cwd, path),
    MAX_PLAN_FILE_BYTES,
  );
  switch (read.kind) {
    case "read":
      return read.bytes;
    case "not-a-file":
      throw new PlanFileError(path, "is not a regular file", { hint: REMAKE_HINT });
    case "too-large":
      throw tooLarge(path, read.size);
    case "failed":
      throw new PlanFileError(
        path,
        `cannot be read: ${describeFsError(read.failure)}`,
        read.during === "open" ? { hint: "check the path, and that you may read the file" } : {},
      );
  }
}

function tooLarge(path: string, size: number): PlanFileError {
  return new PlanFileError(
    path,
    `is ${size} bytes, over the ${MAX_PLAN_FILE_BYTES / (1024 * 1024)} MiB a plan file may have`,
    {
      hint: "this is not a plan file exrec wrote; pass the file `exrec plan --out` wrote",
    },
  );
}

async function verifyPlan(path: string, value: unknown, size: number): Promise<Plan> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new PlanFileError(path, `holds ${kindOf(value)}, not a plan object`, { hint: REMAKE_HINT });
  }
  const record = value as Record<string, unknown>;
  if (!Object.hasOwn(record, "format_version")) {
    throw new PlanFileError(path, "has no format_version: it is not an exrec plan file", {
      hint: REMAKE_HINT,
    });
  }
  if (record.format_version !== PLAN_FORMAT_VERSION) {
    throw new PlanFileError(
      path,
      `has format_version ${show(record.format_version)}, which this exrec does not read (written by a newer exrec?); it reads format_version "${PLAN_FORMAT_VERSION}"`,
      { hint: `apply it with the exrec that wrote it, or ${REMAKE_HINT}` },
    );
  }
  if (!Object.hasOwn(record, "digest")) {
    throw new PlanFileError(path, "has no digest, so exrec cannot tell whether it was modified", {
      hint: `plan files are written by \`exrec plan --out\` and never edited by hand; ${REMAKE_HINT}`,
    });
  }
  // Object rest defines its properties: a key named `__proto__` stays a plain key.
  const { digest, ...body } = record;
  let expected: string;
  try {
    expected = planDigest(body as unknown as Plan);
  } catch (error) {
    // Only a value nested deeper than the stack gets here; no plan is.
    throw new PlanFileError(path, "is nested too deeply to be a plan", { hint: REMAKE_HINT, cause: error });
  }
  if (digest !== expected) {
    throw new PlanFileError(
      path,
      "the plan file was modified after it was written (its digest does not match its content)",
      {
        hint: `a plan file must be applied as written; ${REMAKE_HINT}`,
      },
    );
  }
  // What the file says of `destructive` is not trusted: the schema checks the flags the actions give.
  const document = withDerivedFlags(body);
  const check = await checkSchema(document, false);
  if (!check.valid) {
    const problems =
      size <= LIST_ALL_PROBLEMS_BELOW_BYTES ? await allProblems(document, check.problems) : check.problems;
    throw new PlanFileError(path, `is not a valid plan: ${listProblems(problems)}`, {
      hint: `it may come from another exrec version; ${REMAKE_HINT}`,
    });
  }
  const plan = planOf(document as unknown as PlanDocument);
  const notLowered = addressesOf(plan).find(({ address }) => address !== address.toLowerCase());
  if (notLowered) {
    throw new PlanFileError(
      path,
      `is not a valid plan: change ${notLowered.changeId} names the address ${show(notLowered.address)}, which is not in lower case as exrec writes every address`,
      { hint: REMAKE_HINT },
    );
  }
  return plan;
}

/**
 * Every account address the plan's changes name. The schema checks they are strings; exrec keeps
 * addresses lower-cased (model.ts `Address`), which this decoder checks before it hands the plan on.
 */
function addressesOf(plan: Plan): { changeId: string; address: string }[] {
  const found: { changeId: string; address: string }[] = [];
  for (const change of plan.changes) {
    const named: string[] =
      change.action === "order"
        ? [...change.addresses, ...change.accounts.map((a) => a.email)]
        : change.action === "configure"
          ? [change.address, change.placeholder]
          : [change.address];
    for (const address of named) found.push({ changeId: change.id, address });
  }
  return found;
}

async function allProblems(value: unknown, first: SchemaProblem[]): Promise<SchemaProblem[]> {
  const all = await checkSchema(value, true);
  return all.valid ? first : all.problems;
}

/** `/changes/0/cost: must be ...; /totals: ...; and 4 more problems`. */
function listProblems(problems: readonly SchemaProblem[]): string {
  const shown = problems
    .slice(0, PROBLEMS_SHOWN)
    .map((p) => `${shorten(p.path === "" ? "/" : p.path, 120)}: ${shorten(p.message, 160)}`);
  const rest = problems.length - shown.length;
  if (rest > 0) shown.push(`and ${rest} more problem${rest === 1 ? "" : "s"}`);
  return shown.join("; ");
}

/** Text from the file (a key in a JSON Pointer, a value), safe to print and of bounded length. */
function shorten(text: string, max: number): string {
  const safe = printable(text);
  return safe.length > max ? `${safe.slice(0, max - 3)}...` : safe;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** A short, printable rendering of a value from the file. */
function show(value: unknown): string {
  if (value !== null && typeof value === "object") return kindOf(value);
  return shorten(JSON.stringify(value) ?? String(value), 40);
}

function describeFsError(failure: FileFailure): string {
  switch (failure.code) {
    case "ENOENT":
      return "no such file or folder";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a folder";
    case "ENOTDIR":
      return "a part of the path is not a folder";
    case "ENOSPC":
      return "no space left on the device";
    case "EROFS":
      return "the file system is read-only";
    default:
      return failure.code ?? failure.message;
  }
}

/**
 * The manifest paths a plan file records: relative to the plan file's own folder, with `/`, so
 * that `apply PLAN` finds them from any working folder, and in another checkout of the repository
 * where the plan sits at the same place (a CI job that downloads the plan of an earlier job).
 */
export function manifestPathsToStore(planPath: string, manifests: readonly string[]): string[] {
  const base = dirname(resolve(planPath));
  return manifests.map((file) => {
    const rel = relative(base, resolve(file));
    return (rel === "" ? "." : rel).split(sep).join("/");
  });
}

/** The manifest paths of a plan file, resolved against the plan file's folder (absolute ones kept). */
export function manifestPathsOf(planPath: string, plan: Plan): string[] {
  const base = dirname(resolve(planPath));
  return (plan.manifest_files ?? []).map((file) => (isAbsolute(file) ? file : resolve(base, file)));
}
