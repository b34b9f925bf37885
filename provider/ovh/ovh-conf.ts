/**
 * The `ovh.conf` files OVHcloud's own clients read: `~/.ovh.conf`, then `./ovh.conf` (the one in the
 * working directory wins, key by key, as with python's ConfigParser reading both). A missing file
 * is fine; an unreadable or malformed one is a ConfigError naming the file (and line).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "./errors.js";
import { IniSyntaxError, parseIni, type IniDocument } from "./ini.js";

export interface ConfFile {
  /** How the file is shown to the user: `~/.ovh.conf` or `./ovh.conf`. */
  display: string;
  path: string;
  doc: IniDocument;
}

/** A value found in a conf file, with where it was found. */
export interface ConfValue {
  value: string;
  file: ConfFile;
  section: string;
  key: string;
  line: number;
}

/** The existing conf files, lowest precedence first. */
export function readConfFiles(homeDir: string, cwd: string): ConfFile[] {
  const candidates = [
    { display: "~/.ovh.conf", path: join(homeDir, ".ovh.conf") },
    { display: "./ovh.conf", path: join(cwd, "ovh.conf") },
  ];
  const files: ConfFile[] = [];
  for (const candidate of candidates) {
    const text = readIfPresent(candidate.path, candidate.display);
    if (text === null) continue;
    try {
      files.push({ ...candidate, doc: parseIni(text) });
    } catch (error) {
      if (!(error instanceof IniSyntaxError)) throw error;
      throw new ConfigError(
        `${candidate.path}:${error.line}`,
        `malformed ${candidate.display}: ${error.problem}`,
        {
          hint: `fix line ${error.line} of ${candidate.path}; the format is "[default]\\nendpoint=ovh-eu\\n\\n[ovh-eu]\\napplication_key=…"`,
        },
      );
    }
  }
  return files;
}

/** The value of `key` in `[section]`, from the file with the highest precedence that has it. */
export function lookupConf(files: ConfFile[], section: string, key: string): ConfValue | undefined {
  for (const file of [...files].reverse()) {
    const found = file.doc.get(section)?.get(key);
    if (found !== undefined && found.value !== "")
      return { value: found.value, file, section, key, line: found.line };
  }
  return undefined;
}

/** Sections (other than [default]) that hold any credential key, for "you forgot the endpoint" errors. */
export function sectionsWithCredentials(files: ConfFile[], keys: readonly string[]): string[] {
  const found = new Set<string>();
  for (const file of files) {
    for (const [section, entries] of file.doc) {
      if (section !== "default" && keys.some((k) => (entries.get(k)?.value ?? "") !== ""))
        found.add(`[${section}] of ${file.display}`);
    }
  }
  return [...found];
}

function readIfPresent(path: string, display: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw new ConfigError(path, `${display} cannot be read (${code ?? "unknown error"})`, {
      hint: `make ${path} a readable file, or remove it`,
    });
  }
}
