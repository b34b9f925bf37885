/** Where a command's main output goes when the user names a file: written atomically. */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { writeFileAtomically } from "../../provider/system/atomic-file.js";

/** Writes `file` (an absolute path), making its folder: a reader sees the old file or the new one. */
export async function writeOutputFile(file: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomically(file, text, { mode });
}
