/**
 * The small INI dialect of `ovh.conf`, as OVHcloud's python and go clients read it:
 * `[section]` headers, `key = value` or `key: value` lines, full-line comments starting with `#`
 * or `;`, blank lines. Keys are case-insensitive (python's ConfigParser lower-cases them); values
 * are trimmed. Anything else is refused with its line number rather than guessed at.
 */

export interface IniValue {
  value: string;
  /** 1-based line in the file. */
  line: number;
}

/** Section name → lower-cased key → value. */
export type IniDocument = Map<string, Map<string, IniValue>>;

export class IniSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

const SECTION = /^\[([^\]]+)\]$/;
const ENTRY = /^([^=:\s][^=:]*?)\s*[=:]\s*(.*)$/;

export function parseIni(text: string): IniDocument {
  const doc: IniDocument = new Map();
  let current: Map<string, IniValue> | null = null;
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) return;
    const section = SECTION.exec(trimmed)?.[1];
    if (section !== undefined) {
      const name = section.trim();
      current = doc.get(name) ?? new Map();
      doc.set(name, current);
      return;
    }
    if (/^\s/.test(raw)) {
      throw new IniSyntaxError(line, "indented line (continuation lines are not supported)");
    }
    const [, key, value] = ENTRY.exec(trimmed) ?? [];
    // The line itself is not quoted: it could be a secret pasted in the wrong place.
    if (key === undefined || value === undefined)
      throw new IniSyntaxError(line, 'expected "[section]" or "key = value"');
    if (current === null) throw new IniSyntaxError(line, `"${key}" appears before any [section]`);
    current.set(key.toLowerCase(), { value: value.trim(), line });
  });
  return doc;
}
