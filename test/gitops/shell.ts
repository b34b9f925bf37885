/**
 * Just enough of the POSIX shell grammar to read the `run:` and `script:` blocks of CI files the
 * way bash would: quoting, `$VAR` expansion, globs, redirections, `&&`/`||`/`|`/`;` lists,
 * comments, line continuations and here-documents. What it cannot read safely (command
 * substitution, GitHub `${{ }}` expressions inside a command it must run) it refuses loudly, so
 * a test built on it can never pass by misreading a step.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export type WordPart =
  | { kind: "text"; text: string; quoted: boolean }
  | { kind: "variable"; name: string }
  /** `$?`, `$$`, `$1`…: known to the shell at run time only. */
  | { kind: "special"; name: string }
  /** `$(…)` or backquotes: would run another command. */
  | { kind: "substitution"; text: string }
  /** GitHub's `${{ … }}`, replaced by the runner before the shell sees the script. */
  | { kind: "expression"; text: string };

export interface Word {
  /** The word as written, quotes included. */
  raw: string;
  parts: WordPart[];
}

export type RedirectOp = ">" | ">>" | "<" | ">&" | "<&" | "<<";

export interface Redirect {
  /** The file descriptor redirected: 1 for `>`, 0 for `<`, or the number written before it. */
  fd: number;
  op: RedirectOp;
  target: Word;
}

export interface SimpleCommand {
  /** `NAME=value` words before the command name. */
  assignments: Word[];
  words: Word[];
  redirects: Redirect[];
}

/** A command and how it is joined to the one before it in its list. */
export interface ListItem {
  /** `null` for the first command of a list; `|` joins commands into a pipeline. */
  joiner: "&&" | "||" | "|" | null;
  command: SimpleCommand;
}

/** Commands separated by `;`, `&` or a new line. */
export type CommandList = ListItem[];

export class ShellSyntaxError extends Error {}

type Token =
  | { kind: "word"; word: Word }
  | { kind: "operator"; op: "&&" | "||" | "|" | ";" | "&" | "(" | ")" | "newline" }
  | { kind: "redirect"; fd: number; op: RedirectOp | "<<-" };

const OPERATOR_START = new Set(["&", "|", ";", "(", ")", "<", ">", "\n"]);

/** Splits a script into tokens; here-document bodies are read and dropped. */
function tokenize(script: string): Token[] {
  const tokens: Token[] = [];
  const pendingHeredocs: { delimiter: string; stripTabs: boolean }[] = [];
  let i = 0;

  const skipHeredocBodies = (): void => {
    for (const doc of pendingHeredocs.splice(0)) {
      for (;;) {
        if (i >= script.length) throw new ShellSyntaxError(`here-document not closed by ${doc.delimiter}`);
        const end = script.indexOf("\n", i);
        const line = script.slice(i, end === -1 ? script.length : end);
        i = end === -1 ? script.length : end + 1;
        if ((doc.stripTabs ? line.replace(/^\t+/, "") : line) === doc.delimiter) break;
      }
    }
  };

  while (i < script.length) {
    const c = script[i]!;
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    if (c === "\\" && script[i + 1] === "\n") {
      i += 2;
      continue;
    }
    if (c === "#") {
      while (i < script.length && script[i] !== "\n") i++;
      continue;
    }
    if (c === "\n") {
      tokens.push({ kind: "operator", op: "newline" });
      i++;
      skipHeredocBodies();
      continue;
    }
    const two = script.slice(i, i + 2);
    if (two === "&&" || two === "||") {
      tokens.push({ kind: "operator", op: two });
      i += 2;
      continue;
    }
    if (c === "|" || c === ";" || c === "&" || c === "(" || c === ")") {
      tokens.push({ kind: "operator", op: c });
      i++;
      continue;
    }
    // A redirection, with an optional file descriptor number right before it.
    const redirect = /^(\d*)(<<-|<<|>>|>&|<&|>|<)/.exec(script.slice(i));
    if (redirect && (redirect[1] === "" || /[<>]/.test(script[i + redirect[1]!.length]!))) {
      const op = redirect[2] as RedirectOp | "<<-";
      const fd = redirect[1] !== "" ? Number(redirect[1]) : op.startsWith("<") ? 0 : 1;
      tokens.push({ kind: "redirect", fd, op });
      i += redirect[0].length;
      if (op === "<<" || op === "<<-") {
        while (script[i] === " " || script[i] === "\t") i++;
        const { word, next } = readWord(script, i);
        i = next;
        const delimiter = word.parts.map((p) => (p.kind === "text" ? p.text : "")).join("");
        pendingHeredocs.push({ delimiter, stripTabs: op === "<<-" });
        tokens.push({ kind: "word", word });
      }
      continue;
    }
    const { word, next } = readWord(script, i);
    tokens.push({ kind: "word", word });
    i = next;
  }
  if (pendingHeredocs.length > 0)
    throw new ShellSyntaxError(`here-document not closed by ${pendingHeredocs[0]!.delimiter}`);
  return tokens;
}

/** Reads one word from `start`: quotes, escapes and expansions, up to white space or an operator. */
function readWord(script: string, start: number): { word: Word; next: number } {
  const parts: WordPart[] = [];
  let i = start;
  const text = (t: string, quoted: boolean): void => {
    const last = parts[parts.length - 1];
    if (last?.kind === "text" && last.quoted === quoted) last.text += t;
    else parts.push({ kind: "text", text: t, quoted });
  };

  /** Reads `$…` at i; returns the index after it. */
  const dollar = (at: number, quoted: boolean): number => {
    const rest = script.slice(at);
    if (rest.startsWith("${{")) {
      const end = script.indexOf("}}", at);
      if (end === -1) throw new ShellSyntaxError("unclosed ${{");
      parts.push({ kind: "expression", text: script.slice(at, end + 2) });
      return end + 2;
    }
    if (rest.startsWith("$(")) {
      let depth = 0;
      for (let j = at + 1; j < script.length; j++) {
        if (script[j] === "(") depth++;
        else if (script[j] === ")" && --depth === 0) {
          parts.push({ kind: "substitution", text: script.slice(at, j + 1) });
          return j + 1;
        }
      }
      throw new ShellSyntaxError("unclosed $(");
    }
    const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
    if (braced) {
      parts.push({ kind: "variable", name: braced[1]! });
      return at + braced[0].length;
    }
    if (rest.startsWith("${"))
      throw new ShellSyntaxError(`unsupported parameter expansion in ${rest.split("}")[0]}}`);
    const named = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (named) {
      parts.push({ kind: "variable", name: named[1]! });
      return at + named[0].length;
    }
    const special = /^\$([?$!#*@0-9-])/.exec(rest);
    if (special) {
      parts.push({ kind: "special", name: special[1]! });
      return at + 2;
    }
    text("$", quoted);
    return at + 1;
  };

  while (i < script.length) {
    const c = script[i]!;
    if (c === " " || c === "\t" || OPERATOR_START.has(c)) break;
    if (c === "\\") {
      if (script[i + 1] === "\n") {
        i += 2;
        continue;
      }
      text(script[i + 1] ?? "", true);
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end === -1) throw new ShellSyntaxError("unclosed single quote");
      text(script.slice(i + 1, end), true);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      for (;;) {
        if (i >= script.length) throw new ShellSyntaxError("unclosed double quote");
        const d = script[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === "\\" && /["\\$`\n]/.test(script[i + 1] ?? "")) {
          if (script[i + 1] !== "\n") text(script[i + 1]!, true);
          i += 2;
        } else if (d === "$") {
          i = dollar(i, true);
        } else if (d === "`") {
          throw new ShellSyntaxError("backquote command substitution is not supported");
        } else {
          text(d, true);
          i++;
        }
      }
      // An empty "" still makes a word.
      if (parts.length === 0) text("", true);
      continue;
    }
    if (c === "$") {
      i = dollar(i, false);
      continue;
    }
    if (c === "`") throw new ShellSyntaxError("backquote command substitution is not supported");
    text(c, false);
    i++;
  }
  return { word: { raw: script.slice(start, i), parts }, next: i };
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Parses a script into lists of simple commands. Compound commands are read as their words. */
export function parseScript(script: string): CommandList[] {
  const tokens = tokenize(script);
  const lists: CommandList[] = [];
  let list: CommandList = [];
  let joiner: ListItem["joiner"] = null;
  let command: SimpleCommand | null = null;

  const endCommand = (): void => {
    if (command === null) return;
    list.push({ joiner, command });
    command = null;
  };
  const endList = (): void => {
    endCommand();
    if (list.length > 0) lists.push(list);
    list = [];
    joiner = null;
  };

  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    if (token.kind === "operator") {
      if (token.op === "&&" || token.op === "||" || token.op === "|") {
        if (command === null) throw new ShellSyntaxError(`nothing before ${token.op}`);
        endCommand();
        joiner = token.op;
      } else if (token.op === "newline" && joiner !== null && command === null) {
        // `a &&` at the end of a line continues on the next one.
      } else {
        endList();
      }
      continue;
    }
    command ??= { assignments: [], words: [], redirects: [] };
    if (token.kind === "redirect") {
      const target = tokens[++t];
      if (target?.kind !== "word") throw new ShellSyntaxError(`redirection ${token.op} without a target`);
      command.redirects.push({ fd: token.fd, op: token.op === "<<-" ? "<<" : token.op, target: target.word });
      continue;
    }
    if (command.words.length === 0 && ASSIGNMENT.test(token.word.raw)) command.assignments.push(token.word);
    else command.words.push(token.word);
  }
  endList();
  return lists;
}

export interface ExpandContext {
  /** Variables the shell would know. A variable not here is an error, never an empty string. */
  variables: Record<string, string>;
  /** Where globs are matched. */
  cwd: string;
}

/** A word as the shell hands it to the program: variables replaced, unquoted globs matched. */
export function expandWord(word: Word, context: ExpandContext): string[] {
  let pattern = "";
  let literal = "";
  let hasGlob = false;
  for (const part of word.parts) {
    switch (part.kind) {
      case "text":
        literal += part.text;
        if (!part.quoted && /[*?[]/.test(part.text)) {
          hasGlob = true;
          pattern += part.text;
        } else {
          pattern += escapeGlob(part.text);
        }
        break;
      case "variable": {
        const value = context.variables[part.name];
        if (value === undefined)
          throw new ShellSyntaxError(`$${part.name} in ${word.raw} is not a known variable`);
        literal += value;
        pattern += escapeGlob(value);
        break;
      }
      default:
        throw new ShellSyntaxError(
          `${word.raw}: cannot expand ${part.kind} ${"text" in part ? part.text : `$${part.name}`}`,
        );
    }
  }
  if (!hasGlob) return [literal];
  const matches = globMatches(pattern, context.cwd);
  // As bash without nullglob: a glob that matches nothing is passed on as written.
  return matches.length > 0 ? matches : [literal];
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\\]/g, (c) => `\\${c}`);
}

/** Paths matching a relative glob pattern (`*`, `?`, `[…]` within one path segment), sorted as bash does in the C locale. */
function globMatches(pattern: string, cwd: string): string[] {
  if (pattern.startsWith("/")) throw new ShellSyntaxError(`absolute glob ${pattern} is not supported`);
  let found = [""];
  for (const segment of pattern.split("/")) {
    const next: string[] = [];
    for (const base of found) {
      if (!/(^|[^\\])[*?[]/.test(segment)) {
        next.push(join(base, segment.replace(/\\(.)/g, "$1")));
        continue;
      }
      const dir = join(cwd, base);
      if (!isDirectory(dir)) continue;
      const regex = segmentRegex(segment);
      for (const name of readdirSync(dir)) {
        if (name.startsWith(".") && !segment.startsWith(".")) continue;
        if (regex.test(name)) next.push(join(base, name));
      }
    }
    found = next;
  }
  return found.filter((p) => p !== "" && exists(join(cwd, p))).sort();
}

function segmentRegex(segment: string): RegExp {
  let source = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === "\\") source += escapeRegex(segment[++i] ?? "");
    else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "[") {
      const end = segment.indexOf("]", i + 2);
      if (end === -1) source += "\\[";
      else {
        source += `[${segment.slice(i + 1, end).replace(/^!/, "^")}]`;
        i = end;
      }
    } else source += escapeRegex(c);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
