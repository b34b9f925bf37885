/**
 * What the build's generators share (the manifest validator, the plugin protocol descriptor, the
 * help texts): a generated file records the digest of everything it was made from near its top,
 * and is written again only when that digest changes, so that the build `npm test` runs first
 * costs next to nothing. A build script, never run by exrec itself.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** The line of a generated file that holds its inputs' digest. */
export const DIGEST_PREFIX = "// inputs sha256: ";

/** The digest of these named files' contents (a missing file counts as such, not as an error). */
export function inputsDigest(inputs: readonly (readonly [name: string, file: string])[]): string {
  const hash = createHash("sha256");
  for (const [name, file] of inputs) {
    hash.update(name).update("\0");
    hash.update(existsSync(file) ? readFileSync(file) : "(missing)").update("\0");
  }
  return hash.digest("hex");
}

/**
 * The digest a generated file records, or null when there is no file, no digest in its first lines,
 * or the file is not whole (each generated module ends with a statement and a newline).
 */
export async function recordedDigest(file: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return null;
  }
  if (!text.endsWith(";\n")) return null;
  const line = text.split("\n", 4).find((l) => l.startsWith(DIGEST_PREFIX));
  return line ? line.slice(DIGEST_PREFIX.length).trim() : null;
}

/** Writes a generated file beside, then renames it: a compiler or a test never reads half of it. */
export async function writeGenerated(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const staging = `${file}.${process.pid}.tmp`;
  await writeFile(staging, text);
  await rename(staging, file);
}
