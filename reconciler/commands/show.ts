/**
 * `exrec show PLAN`: a saved plan, rendered as `exrec plan` would have shown it (like
 * `terraform show PLANFILE`). It reads the plan file only: no manifest, no API, no lock.
 */
import { readPlanFile } from "../planfile.js";
import { runFiles } from "./files.js";
import { print, useColor, type CliIo } from "./io.js";
import { checkFormat, renderPlan } from "./plan.js";

export interface ShowOptions {
  format: string;
  /** With `--format json`: also the fingerprint of every live object read, as `plan --fingerprints`. */
  fingerprints?: boolean;
}

export async function showCommand(io: CliIo, file: string, options: ShowOptions): Promise<number> {
  checkFormat(options.format);
  const plan = await readPlanFile(file, runFiles(io));
  print(
    io,
    await renderPlan(plan, options.format, {
      fingerprints: options.fingerprints,
      color: useColor(io, io.stdout),
    }),
  );
  return 0;
}
