/**
 * YAML manifests → ManifestSource, so that every later check can say `file:line:col`. A manifest in
 * plain YAML (what people and `exrec import` write) is read by plain-yaml.ts, which keeps only the
 * offsets where values start; anything else goes through the full `yaml` library, which keeps every
 * node's source range and words every error.
 *
 * Hostile input: duplicate keys are errors (`uniqueKeys`), a file holds exactly one document,
 * unknown tags are errors, and aliases are capped (`maxAliasCount`) so that an alias bomb ("billion
 * laughs") is refused instead of expanding into gigabytes.
 */
import { createRequire } from "node:module";
import type { Document, Node as YamlNode, YAMLError, YAMLWarning } from "yaml";
import { readPlainYaml } from "./plain-yaml.js";
import { problemAt, START, type Position, type Problem } from "./problem.js";
import type { DocPath, LocateTarget, ManifestSource } from "./source.js";

/** Expanding one alias counts as many nodes as it copies; a real manifest needs a handful at most. */
export const MAX_ALIAS_COUNT = 100;

/**
 * Nesting limits checked on the raw text before the parser sees it. The `yaml` parser recurses once
 * per level; a few hundred levels exhaust the stack, and Node 20 can then abort the whole process
 * (V8 compiling a regular expression without stack left) instead of throwing. A manifest nests five
 * levels; these limits keep far away from the stack.
 */
export const MAX_FLOW_DEPTH = 64;
export const MAX_INDENT = 120;

/**
 * The largest file the full `yaml` library is given. It holds about 70 bytes of memory per byte of
 * text; a larger file must be plain YAML (plain-yaml.ts), which needs a tenth of that.
 */
export const MAX_FULL_YAML_CHARS = 8 * 1024 * 1024;

export type YamlSourceResult = { ok: true; source: ManifestSource } | { ok: false; problems: Problem[] };

export function yamlSource(text: string, file: string): YamlSourceResult {
  const starts = lineStarts(text);
  const tooDeep = excessiveNesting(text, starts);
  if (tooDeep !== null) {
    return { ok: false, problems: [problemAt(file, tooDeep.at, tooDeep.message)] };
  }

  const plain = readPlainYaml(text);
  if (plain.ok) {
    const positionOf = lineIndex(starts);
    const { document, offsetOf, itemOffsets } = plain.yaml;
    const locate = (path: DocPath, target: LocateTarget = "value"): Position =>
      positionOf(offsetOf(path, target));
    const locateItems = (path: DocPath): Position[] | null => {
      const offsets = itemOffsets(path);
      return offsets === null ? null : positionsInOrder(starts, offsets);
    };
    return { ok: true, source: { file, document, locate, locateItems } };
  }
  if (text.length > MAX_FULL_YAML_CHARS) {
    return {
      ok: false,
      problems: [
        problemAt(
          file,
          lineIndex(starts)(plain.offset),
          `YAML: ${plain.reason} here; a manifest over ${MAX_FULL_YAML_CHARS} characters must be plain YAML (block maps and lists, one-line values, no anchors, tags or tabs): write this plainly, or split the file`,
        ),
      ],
    };
  }
  return fullYamlSource(text, file);
}

/** Where each line of the text starts: 0, and the offset after every "\n". */
export function lineStarts(text: string): number[] {
  const starts: number[] = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * The positions of offsets in the order of the text, as the items of a list are (a platform's
 * accounts): one walk down the table of line starts from the first one's line, rather than a
 * search for each. Offsets out of order are each searched for.
 */
function positionsInOrder(starts: readonly number[], offsets: readonly number[]): Position[] {
  const positions: Position[] = [];
  const first = offsets[0];
  if (first === undefined) return positions;
  let line = lineOf(starts, first);
  for (let i = 0; i < offsets.length; i++) {
    const offset = offsets[i] ?? 0;
    if (offset < (starts[line] ?? 0)) line = lineOf(starts, offset);
    while ((starts[line + 1] ?? Infinity) <= offset) line++;
    positions.push({ line: line + 1, col: offset - (starts[line] ?? 0) + 1 });
  }
  return positions;
}

/** The 0-based line an offset is on: the last line that starts at or before it. */
function lineOf(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] ?? Infinity) <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * Line and column (1-based) of an offset, from a table of where each line starts. The model asks
 * for every account's position in the order of the file, a few lines apart: the search starts
 * with the few lines after the one found last, before it halves the whole table.
 */
function lineIndex(starts: readonly number[]): (offset: number) => Position {
  // The line after the last starts past any offset.
  const startOf = (line: number): number => starts[line] ?? Infinity;
  const search = (offset: number): number => lineOf(starts, offset);
  let last = 0;
  return (offset) => {
    let line = last;
    if (startOf(line) <= offset) {
      const stop = line + 8;
      while (line < stop && startOf(line + 1) <= offset) line++;
      if (startOf(line + 1) <= offset) line = search(offset);
    } else {
      line = search(offset);
    }
    last = line;
    return { line: line + 1, col: offset - startOf(line) + 1 };
  };
}

/**
 * The full `yaml` library, loaded on the first file the fast reader hands over: the plain
 * manifests of most runs never pay for loading it.
 */
let yamlLibrary: typeof import("yaml") | undefined;
function yaml(): typeof import("yaml") {
  return (yamlLibrary ??= createRequire(import.meta.url)("yaml") as typeof import("yaml"));
}

export function fullYamlSource(text: string, file: string): YamlSourceResult {
  const { LineCounter, parseAllDocuments } = yaml();
  const lineCounter = new LineCounter();
  const positionOf = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };

  let documents: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, {
      lineCounter,
      uniqueKeys: true,
      prettyErrors: false,
      strict: true,
      // Every error and warning becomes a Problem here; nothing goes to the process's stderr.
      logLevel: "silent",
    });
    documents = Array.isArray(parsed) ? parsed : [];
  } catch (error) {
    // The parser recurses into nested collections; absurd nesting exhausts the stack.
    return {
      ok: false,
      problems: [problemAt(file, START, `cannot parse this YAML: ${parserFailure(error)}`)],
    };
  }

  const first = documents[0];
  if (first === undefined || (isEmptyNode(first.contents) && first.errors.length === 0)) {
    return {
      ok: false,
      problems: [
        problemAt(
          file,
          START,
          "the file is empty: a manifest starts with `version: 1` and lists its `platforms`",
        ),
      ],
    };
  }

  const problems: Problem[] = [];
  for (const issue of [...first.errors, ...first.warnings]) {
    problems.push(problemAt(file, positionOf(issue.pos[0]), yamlIssueMessage(issue)));
  }
  problems.push(...complexKeyProblems(first, file, positionOf));
  const second = documents[1];
  if (second !== undefined) {
    problems.push(
      problemAt(
        file,
        positionOf(second.range[0]),
        "a second YAML document starts here: a manifest file holds one document (remove the `---` separator, or split the file in two)",
      ),
    );
  }
  if (problems.length > 0) return { ok: false, problems };

  let document: unknown;
  try {
    document = first.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // `yaml` throws a ReferenceError ("Excessive alias count ...") when aliases expand beyond the cap.
    if (!(error instanceof ReferenceError)) {
      return {
        ok: false,
        problems: [problemAt(file, START, `cannot parse this YAML: ${parserFailure(error)}`)],
      };
    }
    return {
      ok: false,
      problems: [
        problemAt(
          file,
          firstAliasPosition(first, positionOf),
          `YAML aliases here expand to too many nodes (exrec's limit is ${MAX_ALIAS_COUNT} per document, against "billion laughs" alias bombs): write the values out`,
        ),
      ],
    };
  }

  const locate = (path: DocPath, target: LocateTarget = "value"): Position => {
    const offset = offsetOf(first.contents, path, target);
    return offset === null ? START : positionOf(offset);
  };
  return { ok: true, source: { file, document, locate } };
}

/**
 * The first place where the text nests deeper than the limits allow, counted conservatively:
 * every `[` and `{` counts (even inside quotes or comments), and a line's indentation includes the
 * `- `, `? ` and `: ` indicators that open nested collections on the same line.
 *
 * The two limits are looked for apart, each with the string searches the engine runs fastest (a
 * 100,000-account manifest is read here before anything else), and the one met first in the text
 * is reported, as a single pass over every character would.
 */
export function excessiveNesting(
  text: string,
  starts: readonly number[] = lineStarts(text),
): { at: Position; message: string } | null {
  const indented = firstDeepIndent(text, starts);
  const nested = firstDeepBracket(text, indented === -1 ? text.length : indented);
  if (nested !== -1) {
    return {
      at: lineIndex(starts)(nested),
      message: `brackets ([ and {) nest more than ${MAX_FLOW_DEPTH} levels deep here; a manifest nests a few levels only`,
    };
  }
  if (indented !== -1) {
    return {
      at: lineIndex(starts)(indented),
      message: `this line is indented more than ${MAX_INDENT} columns deep; a manifest nests a few levels only`,
    };
  }
  return null;
}

/** Spaces, tabs and the `-`, `?` and `:` indicators: what a line's indentation is counted in. */
function isIndentation(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x2d || code === 0x3f || code === 0x3a;
}

/**
 * The offset of the first character of a line's indentation beyond MAX_INDENT columns, or -1.
 * Only lines longer than that can hold one: the others are skipped by their length alone.
 */
function firstDeepIndent(text: string, starts: readonly number[]): number {
  for (let line = 0; line < starts.length; line++) {
    const start = starts[line] ?? 0;
    const end = (starts[line + 1] ?? text.length + 1) - 1;
    if (end - start <= MAX_INDENT) continue;
    let i = start;
    while (i < start + MAX_INDENT && isIndentation(text.charCodeAt(i))) i++;
    if (i === start + MAX_INDENT && isIndentation(text.charCodeAt(i))) return i;
  }
  return -1;
}

/**
 * The offset of the first `[` or `{` that opens more than MAX_FLOW_DEPTH levels (a closing
 * bracket closes one, never below none), looked for before `before`; or -1.
 */
function firstDeepBracket(text: string, before: number): number {
  let depth = 0;
  // The next of each bracket from `at`, found with indexOf: most manifests hold none at all.
  let openSquare = text.indexOf("[");
  let openCurly = text.indexOf("{");
  let closeSquare = text.indexOf("]");
  let closeCurly = text.indexOf("}");
  const next = (at: number) => (at === -1 ? Infinity : at);
  for (;;) {
    const open = Math.min(next(openSquare), next(openCurly));
    const close = Math.min(next(closeSquare), next(closeCurly));
    const at = Math.min(open, close);
    if (at >= before) return -1;
    if (at === open) {
      depth++;
      if (depth > MAX_FLOW_DEPTH) return at;
      if (at === openSquare) openSquare = text.indexOf("[", at + 1);
      else openCurly = text.indexOf("{", at + 1);
    } else {
      if (depth > 0) depth--;
      if (at === closeSquare) closeSquare = text.indexOf("]", at + 1);
      else closeCurly = text.indexOf("}", at + 1);
    }
  }
}

/** No node, or the empty scalar a document made only of `---` holds. */
function isEmptyNode(node: unknown): boolean {
  return node === null || (yaml().isScalar(node) && node.value === null && node.source === "");
}

function parserFailure(error: unknown): string {
  return error instanceof RangeError ? "it nests too deeply" : "the parser failed";
}

/** Messages of the `yaml` library, made specific where the library's words are vague. */
function yamlIssueMessage(issue: YAMLError | YAMLWarning): string {
  switch (issue.code) {
    case "TAB_AS_INDENT":
      return "YAML: a tab is used for indentation; indent with spaces";
    case "DUPLICATE_KEY":
      return "YAML: this key appears twice in the same map; keep one";
    case "BAD_INDENT":
    case "MULTILINE_IMPLICIT_KEY":
    case "BLOCK_AS_IMPLICIT_KEY":
      return `YAML: ${firstLine(issue.message)} (check the indentation here and on the lines around)`;
    case "TAG_RESOLVE_FAILED":
      return `YAML: ${firstLine(issue.message)} (a manifest uses no tags)`;
    default:
      return `YAML: ${firstLine(issue.message)}`;
  }
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
}

function firstAliasPosition(document: Document.Parsed, positionOf: (offset: number) => Position): Position {
  let offset: number | null = null;
  yaml().visit(document, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? null;
      return yaml().visit.BREAK;
    },
  });
  return offset === null ? START : positionOf(offset);
}

/** Keys that are lists, maps or aliases (`? [a, b]: c`, `*x: c`): a manifest's keys are plain names. */
function complexKeyProblems(
  document: Document.Parsed,
  file: string,
  positionOf: (offset: number) => Position,
): Problem[] {
  const problems: Problem[] = [];
  yaml().visit(document, {
    Pair(_key, pair) {
      if (pair.key === null || yaml().isScalar(pair.key)) return;
      const offset = (pair.key as YamlNode).range?.[0];
      problems.push(
        problemAt(
          file,
          offset === undefined ? START : positionOf(offset),
          "YAML: a key here is a list, a map or an alias; manifest keys are plain names",
        ),
      );
    },
  });
  return problems;
}

/** The source offset of the node at `path`, or of the deepest node on the way that exists. */
function offsetOf(root: unknown, path: DocPath, target: LocateTarget): number | null {
  let node = root as YamlNode | null;
  let best = startOf(node);
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    if (yaml().isMap(node)) {
      const pair = node.items.find((p) => yaml().isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) return best;
      const keyStart = startOf(pair.key as YamlNode | null);
      const valueStart = startOf(pair.value as YamlNode | null);
      // A key with no value (`email:`) has an empty value node; point at the key instead.
      const valueIsEmpty =
        yaml().isScalar(pair.value) && pair.value.value === null && pair.value.source === "";
      if (last && (target === "key" || valueIsEmpty || valueStart === null)) return keyStart ?? best;
      node = pair.value as YamlNode | null;
      best = valueStart ?? keyStart ?? best;
    } else if (yaml().isSeq(node)) {
      const item = node.items[Number(segment)] as YamlNode | undefined;
      if (item === undefined) return best;
      node = item;
      best = startOf(item) ?? best;
    } else {
      // A scalar or an alias: the path goes beyond what is written in the file.
      return best;
    }
  }
  return best;
}

function startOf(node: YamlNode | null | undefined): number | null {
  if (node === null || node === undefined) return null;
  return node.range?.[0] ?? null;
}
