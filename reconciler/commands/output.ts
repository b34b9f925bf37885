/** Where a command's main output goes when the user names a file: written atomically. */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Writes `file` (an absolute path) through a temporary file beside it, renamed over it: a reader
 * sees the old file or the new one. The temporary name is unique, so two runs in one process (or
 * two processes) writing the same file never write into each other's temporary file.
 */
export async function writeOutputFile(file: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temp, text, { mode });
    await chmod(temp, mode);
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
