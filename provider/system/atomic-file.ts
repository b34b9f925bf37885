/**
 * Writing a file so that a reader, or a kill at any instant, sees the old file or the new one, never
 * a part: the text goes to a temporary file beside it, which is renamed over it. The temporary name
 * is random, so two writers in one process (or two processes) never write into each other's file.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { open, rename, unlink, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export interface AtomicWriteOptions {
  /** The file's mode, set outright (the creation mode passes through the umask). */
  mode: number;
  /**
   * Also fsync the file before the rename and the folder after it, so that the new file is on disk
   * once the call returns (for what must survive a power cut: passwords).
   */
  durable?: boolean;
  /** How the temporary file's name starts (default `.<name>.`); it ends with `<random>.tmp`. */
  temporaryPrefix?: string;
}

/** Writes `text` to `file` (absolute) through a temporary file renamed over it; the folder must exist. */
export async function writeFileAtomically(
  file: string,
  text: string,
  options: AtomicWriteOptions,
): Promise<void> {
  const prefix = options.temporaryPrefix ?? `.${basename(file)}.`;
  const temporary = join(dirname(file), `${prefix}${randomBytes(8).toString("hex")}.tmp`);
  try {
    const handle = await open(temporary, "wx", options.mode);
    try {
      await handle.chmod(options.mode);
      await handle.writeFile(text, "utf8");
      if (options.durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  if (options.durable) await syncFolder(dirname(file));
}

/** The rename is durable once the folder's entry is on disk. */
async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a folder (EINVAL, EISDIR on Windows): the rename stands.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
