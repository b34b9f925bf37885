/**
 * Initial passwords for accounts exrec creates. They are generated here, never printed or logged,
 * and written only to the file the user named with `--secrets-out` (mode 0600), BEFORE the request
 * that uses them is sent: a crash after the request must not lose the password of a created account.
 */
import { randomInt } from "node:crypto";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

const LOWER = "abcdefghijkmnopqrstuvwxyz";
const UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS = "23456789";
const SYMBOLS = "!#%+-=?@_";

/** 20 characters with every class Exchange's complexity policy asks for. */
export function generatePassword(): string {
  const all = LOWER + UPPER + DIGITS + SYMBOLS;
  const pick = (set: string) => set[randomInt(set.length)]!;
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < 20) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join("");
}

export interface SecretRecord {
  platform: string;
  email: string;
  password: string;
  createdAt: string;
}

/** Adds (or replaces) one account's password in the secrets file, atomically, mode 0600. */
export async function recordSecret(file: string, record: SecretRecord): Promise<void> {
  let existing: SecretRecord[] = [];
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as { accounts?: SecretRecord[] };
    if (Array.isArray(parsed.accounts)) existing = parsed.accounts;
  } catch {
    // Absent or unreadable: start a new file (never print what was there).
  }
  const accounts = [
    ...existing.filter((r) => !(r.platform === record.platform && r.email === record.email)),
    record,
  ];
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify({ accounts }, null, 2) + "\n", { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, file);
}
