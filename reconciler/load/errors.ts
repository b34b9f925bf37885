/**
 * Errors of the manifest loader. There is one: every mistake in the manifests, from a byte that is
 * not UTF-8 to a yearly renewal on a Private platform, is a Problem, and loading fails with all
 * of them at once.
 */
import { ExrecError } from "../errors.js";
import { formatProblem, type Problem } from "./problem.js";

/** The manifests given cannot be loaded; `problems` lists every problem of every file, sorted. */
export class ManifestError extends ExrecError {
  readonly code = "EXREC_MANIFEST";

  constructor(
    readonly problems: Problem[],
    readonly files: string[],
  ) {
    super(problems.map(formatProblem).join("\n"), {
      hint: "fix each problem at the place given (`exrec validate` lists them without calling the API); docs/MANIFEST.md describes every field",
    });
  }
}
