import { formatProblem, validateFiles } from "../load/index.js";
import { note, print } from "./output.js";

/** `exrec validate FILE...`: 0, or 1 with every problem as `file:line:col: message`. No API call. */
export async function validateCommand(files: string[]): Promise<number> {
  const problems = await validateFiles(files);
  if (problems.length === 0) {
    print(`${files.length} file(s) valid.`);
    return 0;
  }
  for (const problem of problems) note(formatProblem(problem));
  note(`${problems.length} problem(s) found.`);
  return 1;
}
