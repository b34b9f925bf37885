import { formatProblem, validateFiles } from "../load/index.js";
import { note, print, type CliIo } from "./io.js";
import { manifestReading } from "./manifests.js";

/** `exrec validate FILE...`: 0, or 1 with every problem as `file:line:col: message`. No API call. */
export async function validateCommand(io: CliIo, files: string[]): Promise<number> {
  const problems = await validateFiles(files, manifestReading(io));
  if (problems.length === 0) {
    print(io, `${files.length} file(s) valid.`);
    return 0;
  }
  for (const problem of problems) note(io, formatProblem(problem));
  note(io, `${problems.length} problem(s) found.`);
  return 1;
}
