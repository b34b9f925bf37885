/**
 * The sandbox's side of the conformance check: when the environment variable
 * EXREC_SANDBOX_CONFORMANCE names a checker module, every request the sandbox receives under
 * `/1.0` and every answer it gives is shown to that module, which holds OVHcloud's published
 * schema (the sandbox itself carries no copy of it). A violation is answered as an error naming it
 * and recorded, so that the test that caused it fails loudly. Answers of injected faults are
 * not checked: they are wrong on purpose.
 *
 * A checker module exports `createChecker(knownGaps)` returning a ConformanceChecker.
 */
import { existsSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { pathToFileURL } from "node:url";

export const CONFORMANCE_ENV = "EXREC_SANDBOX_CONFORMANCE";

/** A difference from the published schema that the sandbox knows of, with why it is there. */
export interface KnownGap {
  /** `METHOD /path/{template}` as the schema writes it, or `*` for every route. */
  route: string;
  /** `request.query.x`, `request.body.x`, `answer` or `answer.field`; absent: the whole route. */
  field?: string;
  reason: string;
}

export interface CheckedRequest {
  method: string;
  /** The path below `/1.0`, still URL-encoded. */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when there was none. */
  body: unknown;
}

export interface CheckedAnswer {
  status: number;
  body: unknown;
}

export interface ConformanceChecker {
  /** Violations of the request against the schema (route, parameters, their types, required ones). */
  checkRequest(request: CheckedRequest): string[];
  /** Violations of the answer against the route's response type (fields, types, nullability, enums). */
  checkAnswer(request: CheckedRequest, answer: CheckedAnswer): string[];
}

interface CheckerModule {
  createChecker(knownGaps: readonly KnownGap[]): ConformanceChecker;
}

/**
 * The checker the environment names, or null. Run from compiled JavaScript, a `.ts` module is
 * looked for as its compiled counterpart under `dist/`.
 */
export async function loadConformanceChecker(
  knownGaps: readonly KnownGap[],
): Promise<ConformanceChecker | null> {
  const named = process.env[CONFORMANCE_ENV];
  if (named === undefined || named === "") return null;
  const candidates = [named];
  const compiled = compiledCounterpart(named);
  if (compiled !== null) candidates.push(compiled);
  let lastError: unknown = null;
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    try {
      const module = (await import(pathToFileURL(candidate).href)) as Partial<CheckerModule>;
      if (typeof module.createChecker !== "function")
        throw new Error(`${candidate} does not export createChecker(knownGaps)`);
      return module.createChecker(knownGaps);
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(
    `${CONFORMANCE_ENV}=${named}: no usable checker module${lastError ? ` (${(lastError as Error).message})` : ""}`,
  );
}

function compiledCounterpart(file: string): string | null {
  if (!file.endsWith(".ts")) return null;
  const here = new URL(import.meta.url).pathname;
  const at = here.lastIndexOf("/dist/");
  if (at < 0) return null;
  const root = here.slice(0, at);
  if (!file.startsWith(`${root}/`)) return null;
  return `${root}/dist/${file.slice(root.length + 1).replace(/\.ts$/, ".js")}`;
}
