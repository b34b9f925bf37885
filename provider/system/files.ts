/**
 * The engine's file port (reconciler/ports.ts `FileSystem`) on this machine's file system. The
 * edges (the CLI commands, the Terraform provider) hand it to the loader and to saved plans.
 */
import { constants } from "node:fs";
import { open, readdir, stat, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { fileFailureOf, type FileKind, type FileRead, type FileSystem } from "../../reconciler/ports.js";
import { writeFileAtomically } from "./atomic-file.js";

export const localFileSystem: FileSystem = {
  read: readBounded,

  async kindOf(path) {
    try {
      return kindOfStats(await stat(path));
    } catch {
      return null;
    }
  },

  async list(folder) {
    try {
      const entries = await readdir(folder, { withFileTypes: true });
      return await Promise.all(
        entries.map(async (entry) => ({
          name: entry.name,
          kind: entry.isSymbolicLink()
            ? await kindOfLinkTarget(join(folder, entry.name))
            : kindOfStats(entry),
        })),
      );
    } catch {
      return null;
    }
  },

  async writeAtomically(path, text, options) {
    await writeFileAtomically(path, text, { mode: options.mode, durable: options.durable ?? false });
  },
};

/**
 * A link in a folder counts as what it points to, as `kindOf` and the shell see it: a manifest kept
 * elsewhere and linked into the folder is read, not silently left out. A dangling link counts as a
 * file, so that reading it fails with its name rather than the folder losing a manifest unnoticed.
 */
async function kindOfLinkTarget(path: string): Promise<FileKind> {
  try {
    return kindOfStats(await stat(path));
  } catch {
    return "file";
  }
}

function kindOfStats(stats: { isFile(): boolean; isDirectory(): boolean }): FileKind {
  return stats.isFile() ? "file" : stats.isDirectory() ? "folder" : "other";
}

async function readBounded(path: string, maxBytes: number): Promise<FileRead> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO must not hang waiting for a writer; regular files ignore it.
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { kind: "failed", during: "open", failure: fileFailureOf(error) };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { kind: "not-a-file" };
    if (stats.size > maxBytes) return { kind: "too-large", size: stats.size };
    // One byte more than allowed: a file that grew since stat() is still caught.
    const buffer = Buffer.alloc(Math.min(stats.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) return { kind: "too-large", size: length };
    return { kind: "read", bytes: buffer.subarray(0, length) };
  } catch (error) {
    return { kind: "failed", during: "read", failure: fileFailureOf(error) };
  } finally {
    await handle.close().catch(() => undefined);
  }
}
