/**
 * Reading one manifest file: a size limit checked before anything is parsed, and strict UTF-8
 * (a file that is not UTF-8 is refused, naming where the first bad byte is, rather than silently
 * turned into replacement characters).
 */
import { resolve } from "node:path";
import type { FileFailure, FileSystem } from "../ports.js";
import { problemAt, START, type Position, type Problem } from "./problem.js";

/**
 * The largest manifest file exrec reads: 32 MiB holds about 270,000 accounts as `exrec import` writes
 * them (120 bytes each), and loads in well under a gigabyte of memory. Larger estates are split
 * into a folder of files.
 */
export const DEFAULT_MAX_MANIFEST_BYTES = 32 * 1024 * 1024;

/** The size limit, which `EXREC_MAX_MANIFEST_BYTES` (a positive integer) overrides, for tests. */
export function maxManifestBytes(env: Readonly<Record<string, string | undefined>>): number {
  const override = env.EXREC_MAX_MANIFEST_BYTES;
  if (override !== undefined && /^[1-9][0-9]{0,15}$/.test(override)) return Number(override);
  return DEFAULT_MAX_MANIFEST_BYTES;
}

export type ReadResult = { ok: true; text: string } | { ok: false; problem: Problem };

/**
 * The file's text, or the one problem that stops it from being read. A relative `file` is read
 * from `cwd` (by default the process's working folder) and named as given.
 */
export async function readManifestText(
  files: FileSystem,
  file: string,
  limit = DEFAULT_MAX_MANIFEST_BYTES,
  cwd?: string,
): Promise<ReadResult> {
  const read = await files.read(cwd === undefined ? file : resolve(cwd, file), limit);
  switch (read.kind) {
    case "read":
      return decodeUtf8(read.bytes, file);
    case "not-a-file":
      return {
        ok: false,
        problem: problemAt(
          file,
          START,
          "not a regular file: give a YAML manifest, a cdk.tf.json or a cdktf.out folder",
        ),
      };
    case "too-large":
      return { ok: false, problem: tooLarge(file, read.size, limit) };
    case "failed":
      return {
        ok: false,
        problem: problemAt(file, START, `cannot read this file: ${describeFsError(read.failure)}`),
      };
  }
}

function tooLarge(file: string, size: number, limit: number): Problem {
  return problemAt(
    file,
    START,
    `the file is ${size} bytes, over exrec's limit of ${limit} bytes for a manifest; it was not read (split it into several files)`,
  );
}

function describeFsError({ code }: FileFailure): string {
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a directory";
  return code ?? "unknown error";
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The text of UTF-8 bytes (a leading byte-order mark dropped), or where the first invalid byte is. */
export function decodeUtf8(bytes: Uint8Array, file: string): ReadResult {
  try {
    return { ok: true, text: STRICT_UTF8.decode(bytes) };
  } catch {
    const offset = invalidUtf8Offset(bytes);
    const position = offset === null ? START : positionOfByte(bytes, offset);
    const where = offset === null ? "" : ` at byte ${offset}`;
    return {
      ok: false,
      problem: problemAt(
        file,
        position,
        `the file is not valid UTF-8 (invalid byte sequence${where}); save it as UTF-8`,
      ),
    };
  }
}

/** The offset of the first byte that does not start a valid UTF-8 sequence, or null if all are valid. */
export function invalidUtf8Offset(bytes: Uint8Array): number | null {
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return null;
}

/** Length of the well-formed UTF-8 sequence starting at `i` (Unicode Table 3-7), or 0. */
function validSequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i];
  if (b0 === undefined) return 0;
  if (b0 < 0x80) return 1;
  const continuation = (k: number, low = 0x80, high = 0xbf): boolean => {
    const b = bytes[i + k];
    return b !== undefined && b >= low && b <= high;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return continuation(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [low, high] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [low, high] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

/** Line and column (in characters) of a byte offset, given that every byte before it is valid UTF-8. */
function positionOfByte(bytes: Uint8Array, offset: number): Position {
  const before = STRICT_UTF8.decode(bytes.subarray(0, offset));
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, col: before.length - lineStart + 1 };
}
