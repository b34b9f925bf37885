/**
 * A fast reader for the plain YAML that manifests are written in: block maps and lists, plain and
 * quoted one-line scalars, one-line flow maps and lists of scalars (`{ license: basic }`), comments.
 * A 100,000-account manifest reads in a fraction of a second here, against seconds through the full
 * `yaml` library, because nothing is kept but the values and the offsets where they start; and
 * inside a map of scalars only (an account), not even those: they are read again from the map's
 * start the few times a problem needs them.
 *
 * It answers exactly what the `yaml` library answers for the documents it accepts, and accepts only
 * documents it is sure of: at the first thing it does not read (an anchor, a tag, a multi-line
 * scalar, a tab, a duplicate key, odd indentation, a second document...) it stops and says where,
 * and the caller hands the file to the full library, whose messages are the ones users see.
 */

/**
 * A map as read: the map itself, and where each entry's key and value start (entry `i` at `at[2i]`
 * and `at[2i + 1]`). Few allocations per map, because a manifest holds one per account: its keys are
 * listed only when a position is asked for, and `children` only exists when an entry holds a
 * collection.
 */
interface MapPositions {
  kind: "map";
  start: number;
  value: Record<string, unknown>;
  /**
   * Where an empty value (`email:`) would be is kept as its bitwise complement (negative), so that
   * a position of the value itself points at the key, as yaml-source does.
   */
  at: number[];
  /** The keys in the order of `at`: `Object.keys(value)`, listed on the first position asked for. */
  keys: string[] | null;
  children: (Positions | undefined)[] | null;
}

interface SeqPositions {
  kind: "seq";
  start: number;
  value: unknown[];
  itemAt: number[];
  children: (Positions | undefined)[] | null;
}

type Positions = MapPositions | SeqPositions;

export interface PlainYaml {
  document: unknown;
  /** Offset of the node at `path` (or of the deepest one on the way that exists), as yaml-source locates. */
  offsetOf: (path: readonly (string | number)[], target: "key" | "value") => number;
  /**
   * The offsets of the items of the list at `path` (what offsetOf gives for each item's path), or
   * null when no list is there.
   */
  itemOffsets: (path: readonly (string | number)[]) => readonly number[] | null;
}

export type PlainYamlResult = { ok: true; yaml: PlainYaml } | { ok: false; offset: number; reason: string };

/** Thrown inside the reader only, to stop at the first construct it does not read. */
class NotPlain extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const SPACE = 0x20;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;

/** Keys the reader takes as they are: identifiers, not words YAML would read as null or booleans. */
const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$.-]*$/;
const RESERVED_KEYS = new Set([
  "null",
  "Null",
  "NULL",
  "true",
  "True",
  "TRUE",
  "false",
  "False",
  "FALSE",
  "__proto__",
]);
/** Characters that start something other than a plain scalar in YAML (or an error). */
const INDICATORS = new Set(["&", "*", "!", "|", ">", "%", "@", "`", "?", ",", "[", "]", "{", "}", "#", ":"]);
const DECIMAL = /^[-+]?[0-9]+$/;

/** A line's indentation of each width met, made once. */
const MARGINS: (string | undefined)[] = [];

/** The spaces from where it is set (`lastIndex`): what a line is indented by. */
const LEADING_SPACES = / */y;

/**
 * A `key: value` line of the commonest kind, from its key to its end: a plain name that is not a
 * reserved word, then a one-line plain scalar that holds no `:` or `#` and starts with none of the
 * characters that could make it a number, a quoted or flow value or a YAML indicator, then perhaps a
 * comment. Such a line means the same as the general path reads it (and YAML does): the key, and
 * the scalar without its trailing spaces, which resolvePlain still tells from null and booleans.
 * One match does in the engine's regular expression code what the general path does a character
 * at a time, which matters most while this code is still interpreted, as it is for most of a
 * manifest of a few thousand accounts. Groups: the key, the spaces after its `:`, the scalar.
 * The scalar is read as runs of spaces each followed by a character, so that the engine never
 * tries a run of spaces two ways: a line of a million spaces is read in linear time.
 */
const SIMPLE_ENTRY =
  /(?!(?:null|Null|NULL|true|True|TRUE|false|False|FALSE|__proto__):)([A-Za-z_$][A-Za-z0-9_$.-]{0,1023}):( +)([^\s#'"&*!|>%@`?,[\]{}:~0-9+.-](?: *[^ :#\r\n])*) *(?: #[^\r\n]*)?(?=\r?\n|$)/y;
/** Every plain scalar YAML 1.2's core schema reads as a number (its int and float tags' patterns). */
const CORE_NUMBER =
  /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;

/**
 * The words a manifest repeats on every account: its keys, and the plain values of its enums. Each
 * is matched in place and the one copy here is used, rather than cutting a new string out of the
 * text (and hashing it as a property name) a hundred thousand times. Any other word is cut out.
 */
const KEY_WORDS = [
  "version",
  "platforms",
  "organization",
  "service",
  "offer",
  "prune",
  "removal",
  "storageQuota",
  "defaults",
  "accounts",
  "email",
  "state",
  "license",
  "renewal",
  "displayName",
  "protect",
];
/** Plain words that are strings under YAML 1.2's core schema (none is null, a boolean or a number). */
const VALUE_WORDS = [
  "hosted",
  "private",
  "basic",
  "standard",
  "enterprise",
  "monthly",
  "yearly",
  "present",
  "absent",
  "expire",
  "reset",
];
const KNOWN_KEYS = byLength(KEY_WORDS);
const KNOWN_WORDS = byLength(VALUE_WORDS);
/**
 * The same words, found by a string cut out by a regular expression: the one copy is kept, as
 * above, so that the document holds one string per word and compares them by identity.
 */
const CANONICAL_KEYS = new Map(KEY_WORDS.map((word) => [word, word]));
const CANONICAL_WORDS = new Map(VALUE_WORDS.map((word) => [word, word]));

function byLength(words: readonly string[]): (readonly string[] | undefined)[] {
  const table: string[][] = [];
  for (const word of words) (table[word.length] ??= []).push(word);
  return table;
}

/** The word of `table` written at `text[at, end)`, or null. */
function knownWord(table: readonly (readonly string[] | undefined)[], text: string, at: number, end: number) {
  const candidates = table[end - at];
  if (candidates === undefined) return null;
  // Compared a character at a time: `startsWith` with a position is several times slower here.
  next: for (const word of candidates) {
    for (let i = 0; i < word.length; i++) {
      if (text.charCodeAt(at + i) !== word.charCodeAt(i)) continue next;
    }
    return word;
  }
  return null;
}

export function readPlainYaml(text: string): PlainYamlResult {
  try {
    const reader = new Reader(text);
    const positions = reader.readDocument();
    const reread = (at: number) => new Reader(text, true).rereadMap(at);
    return {
      ok: true,
      yaml: {
        document: positions.value,
        offsetOf: (path, target) => locate(positions, path, target, reread),
        itemOffsets: (path) => {
          const node = nodeAt(positions, path, reread);
          return node?.kind === "seq" ? node.itemAt : null;
        },
      },
    };
  } catch (error) {
    if (error instanceof NotPlain) return { ok: false, offset: error.offset, reason: error.reason };
    throw error;
  }
}

class Reader {
  /** The current content line: where it starts, its indentation, and where it ends (before "\n"). */
  private lineStart = 0;
  private indent = 0;
  private lineEnd = 0;
  /** False once past the last content line. */
  private more = false;
  /** Where the next line starts. */
  private next = 0;
  /** Whether a content line was seen: a `---` may only open the document, before any. */
  private seenContent = false;
  /** Where the last scalar read ends (before trailing spaces and comments). */
  scalarEnd = 0;
  /** The positions of the last value readInline read: a flow collection's, or undefined for a scalar. */
  private inlinePositions: Positions | undefined = undefined;
  /** The last match of SIMPLE_ENTRY, until readSimpleEntries takes it. */
  private simpleEntry: RegExpExecArray | null = null;
  /** The next `:` and the next ` #` (a comment's start) in the text, as the reader moves on. */
  private readonly colons: NextOf;
  private readonly comments: NextOf;

  /** A reader of `text`; `checked`: the whole text was read once already, with these checks. */
  constructor(
    readonly text: string,
    checked = false,
  ) {
    this.colons = new NextOf(text, ":");
    this.comments = new NextOf(text, " #");
    if (checked) return;
    const tab = text.indexOf("\t");
    if (tab !== -1) throw new NotPlain(tab, "a tab character");
    // Windows line ends (CRLF) are line ends; a carriage return anywhere else is not plain.
    for (let cr = text.indexOf("\r"); cr !== -1; cr = text.indexOf("\r", cr + 1)) {
      if (text.charCodeAt(cr + 1) !== 0x0a) throw new NotPlain(cr, "a carriage return");
    }
  }

  readDocument(): Positions {
    this.advance();
    if (!this.more) throw new NotPlain(0, "no content");
    if (this.startsDocumentMarker()) {
      const rest = this.lineStart + 3;
      if (!this.onlyCommentFrom(rest)) throw new NotPlain(rest, "content after ---");
      this.advance();
      if (!this.more) throw new NotPlain(0, "no content");
    }
    if (this.indent !== 0) throw new NotPlain(this.lineStart + this.indent, "an indented document");
    const positions = this.readBlock(0, this.lineStart);
    if (this.more) throw new NotPlain(this.lineStart + this.indent, "content after the document");
    return positions;
  }

  /**
   * The block map that starts at `at`, read again as readSeq first read it (the text was read
   * whole before, so it reads the same).
   */
  rereadMap(at: number): MapPositions {
    this.next = this.text.lastIndexOf("\n", at - 1) + 1;
    this.advance();
    return this.readMap(at - this.lineStart, at);
  }

  /** Moves to the next line that holds more than spaces and a comment. */
  private advance(): void {
    const text = this.text;
    while (this.next < text.length) {
      const start = this.next;
      let end = text.indexOf("\n", start);
      if (end === -1) end = text.length;
      this.next = end + 1;
      if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
      // The indentation, measured by the regular expression engine rather than a character at a time.
      LEADING_SPACES.lastIndex = start;
      LEADING_SPACES.test(text);
      const i = LEADING_SPACES.lastIndex;
      if (i >= end || text.charCodeAt(i) === HASH) continue;
      this.lineStart = start;
      this.indent = i - start;
      this.lineEnd = end;
      this.more = true;
      if (this.indent === 0 && (this.startsDocumentEnd() || text.charCodeAt(i) === 0x25) /* % */) {
        if (this.seenContent || !this.startsDocumentMarker())
          throw new NotPlain(start, "a document marker or directive");
      }
      this.seenContent = true;
      return;
    }
    this.more = false;
  }

  private startsDocumentMarker(): boolean {
    return this.text.startsWith("---", this.lineStart) && this.separatedAt(this.lineStart + 3);
  }

  private startsDocumentEnd(): boolean {
    const s = this.lineStart;
    return (
      (this.text.startsWith("---", s) || this.text.startsWith("...", s)) &&
      this.separatedAt(this.lineStart + 3)
    );
  }

  /** The end of the line, or a space, at `i`. */
  private separatedAt(i: number): boolean {
    return i >= this.lineEnd || this.text.charCodeAt(i) === SPACE;
  }

  private onlyCommentFrom(i: number): boolean {
    const text = this.text;
    while (i < this.lineEnd && text.charCodeAt(i) === SPACE) i++;
    return i >= this.lineEnd || text.charCodeAt(i) === HASH;
  }

  /** The collection starting at column `col` of the current line (`col` is beyond the indent for `- key: v`). */
  private readBlock(indent: number, at: number): Positions {
    if (this.isSeqItem(at)) return this.readSeq(indent);
    return this.readMap(indent, at);
  }

  private isSeqItem(at: number): boolean {
    return this.text.charCodeAt(at) === DASH && this.separatedAt(at + 1);
  }

  /** A block list whose `-` are at column `indent`; the current line is its first item. */
  private readSeq(indent: number): SeqPositions {
    const values: unknown[] = [];
    const positions: SeqPositions = {
      kind: "seq",
      start: this.lineStart + indent,
      value: values,
      itemAt: [],
      children: null,
    };
    const text = this.text;
    while (this.more && this.indent === indent) {
      const dash = this.lineStart + indent;
      if (!this.isSeqItem(dash)) break;
      let at = dash + 1;
      while (at < this.lineEnd && text.charCodeAt(at) === SPACE) at++;
      let child: Positions | undefined;
      if (at >= this.lineEnd || text.charCodeAt(at) === HASH) {
        // The item's value starts on a following line.
        this.advance();
        if (!this.more || this.indent <= indent) throw new NotPlain(dash, "an empty list item");
        child = this.readBlock(this.indent, this.lineStart + this.indent);
        values.push(child.value);
        positions.itemAt.push(child.start);
        if (isFlatMap(child)) child = undefined;
      } else if (this.isSeqItem(at)) {
        throw new NotPlain(at, "a list in a list on one line");
      } else if (this.matchSimpleEntry(at) !== null || this.keyEnd(at) !== -1) {
        // `- email: a` opens a map whose keys line up with `email`.
        child = this.readMap(at - this.lineStart, at);
        values.push(child.value);
        positions.itemAt.push(child.start);
        if (isFlatMap(child)) child = undefined;
      } else {
        values.push(this.readInline(at));
        positions.itemAt.push(at);
        child = this.inlinePositions;
        this.advance();
      }
      if (child !== undefined) (positions.children ??= [])[values.length - 1] = child;
      if (this.more && this.indent > indent)
        throw new NotPlain(this.lineStart + this.indent, "odd indentation");
    }
    return positions;
  }

  /** A block map whose keys are at column `indent`; its first key starts at `at` on the current line. */
  private readMap(indent: number, at: number): MapPositions {
    const value: Record<string, unknown> = {};
    const positions: MapPositions = { kind: "map", start: at, value, at: [], keys: null, children: null };
    const offsets = positions.at;
    const text = this.text;
    let first = true;
    while (this.more) {
      if (!first) {
        if (this.indent !== indent) break;
        at = this.lineStart + indent;
        if (this.isSeqItem(at)) break;
      }
      first = false;
      if (this.readSimpleEntries(indent, at, value, offsets)) {
        if (this.more && this.indent > indent)
          throw new NotPlain(this.lineStart + this.indent, "odd indentation");
        continue;
      }
      const end = this.keyEnd(at);
      if (end === -1) throw new NotPlain(at, "not a `key: value` line");
      const key = knownWord(KNOWN_KEYS, text, at, end) ?? plainKey(text, at, end);
      if (Object.hasOwn(value, key)) throw new NotPlain(at, "a duplicate key");
      offsets.push(at);
      let v = end + 1;
      while (v < this.lineEnd && text.charCodeAt(v) === SPACE) v++;
      let child: Positions | undefined;
      if (v >= this.lineEnd || text.charCodeAt(v) === HASH) {
        this.advance();
        const nestedHere =
          this.more &&
          (this.indent > indent || (this.indent === indent && this.isSeqItem(this.lineStart + indent)));
        if (nestedHere) {
          child = this.readBlock(this.indent, this.lineStart + this.indent);
          value[key] = child.value;
          offsets.push(child.start);
        } else {
          value[key] = null;
          offsets.push(~v);
        }
      } else {
        value[key] = this.readInline(v);
        offsets.push(v);
        child = this.inlinePositions;
        this.advance();
      }
      if (child !== undefined) (positions.children ??= [])[offsets.length / 2 - 1] = child;
      if (this.more && this.indent > indent)
        throw new NotPlain(this.lineStart + this.indent, "odd indentation");
    }
    return positions;
  }

  /** SIMPLE_ENTRY matched at `at`, or null; kept for readSimpleEntries, which a list item calls next. */
  private matchSimpleEntry(at: number): RegExpExecArray | null {
    SIMPLE_ENTRY.lastIndex = at;
    return (this.simpleEntry = SIMPLE_ENTRY.exec(this.text));
  }

  /**
   * The entries of the block map whose keys are at column `indent` from `at`, for as long as they
   * are whole lines of the commonest kind (SIMPLE_ENTRY), one after the other: each set in `value`
   * and `offsets` as the general path of readMap would set it. The lines are followed by the match
   * alone, without the line-by-line state of `advance`, which is brought up to date once, at the
   * first line that is not one. False, with nothing read, when the line at `at` is not one.
   */
  private readSimpleEntries(
    indent: number,
    at: number,
    value: Record<string, unknown>,
    offsets: number[],
  ): boolean {
    const text = this.text;
    const cached = this.simpleEntry;
    this.simpleEntry = null;
    let match = cached !== null && cached.index === at ? cached : this.matchSimpleEntry(at);
    if (match === null) return false;
    const margin = (MARGINS[indent] ??= " ".repeat(indent));
    for (;;) {
      // Indexed, not destructured: destructuring runs the iterator protocol, slow while interpreted.
      const cut = match[1] ?? "";
      const key = CANONICAL_KEYS.get(cut) ?? cut;
      const scalar = match[3] ?? "";
      if (Object.hasOwn(value, key)) throw new NotPlain(at, "a duplicate key");
      const valueAt = at + cut.length + 1 + (match[2] ?? "").length;
      // Only a word of four or five letters can be null, true or false here (see SIMPLE_ENTRY).
      value[key] =
        CANONICAL_WORDS.get(scalar) ??
        (scalar.length === 4 || scalar.length === 5 ? resolvePlain(scalar, valueAt) : scalar);
      offsets.push(at, valueAt);
      // The match ends at its line's end: a "\n", a "\r\n" (no other carriage return is read), or the
      // end of the text.
      const lineEnd = at + match[0].length;
      const next = lineEnd + (text.charCodeAt(lineEnd) === 0x0d ? 2 : 1);
      this.next = next;
      // The next line holds the next entry if it starts with exactly the map's indentation, then one.
      if (next >= text.length || !text.startsWith(margin, next)) break;
      at = next + indent;
      match = this.matchSimpleEntry(at);
      if (match === null) break;
    }
    this.simpleEntry = null;
    this.advance();
    return true;
  }

  /** Where the `:` of a `key:` starting at `at` is (followed by a space or the end of the line), or -1. */
  private keyEnd(at: number): number {
    const text = this.text;
    const code = text.charCodeAt(at);
    if (code === 0x22 /* " */ || code === 0x27 /* ' */ || INDICATORS.has(text.charAt(at))) return -1;
    return this.separatedColon(at, this.commentOrLineEnd(at));
  }

  /** Where a ` #` comment starts on the current line from `at`, or the line's end. */
  private commentOrLineEnd(at: number): number {
    const comment = this.comments.from(at);
    return comment !== -1 && comment < this.lineEnd ? comment : this.lineEnd;
  }

  /** The first `:` from `at` and before `stop` that is followed by a space or the line's end, or -1. */
  private separatedColon(at: number, stop: number): number {
    for (
      let colon = this.colons.from(at);
      colon !== -1 && colon < stop;
      colon = this.colons.from(colon + 1)
    ) {
      if (this.separatedAt(colon + 1)) return colon;
    }
    return -1;
  }

  /**
   * A value written on the rest of the current line from `at`: a scalar or a one-line flow
   * collection, whose positions are left in `inlinePositions`.
   */
  private readInline(at: number): unknown {
    const text = this.text;
    const code = text.charCodeAt(at);
    if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      const flow = new FlowReader(this, at, this.lineEnd);
      const positions = code === 0x7b ? flow.readMap() : flow.readSeq();
      this.expectLineEnd(flow.position);
      this.inlinePositions = positions;
      return positions.value;
    }
    const value = this.readScalar(at, this.lineEnd, false);
    this.expectLineEnd(this.scalarEnd);
    this.inlinePositions = undefined;
    return value;
  }

  private expectLineEnd(i: number): void {
    const text = this.text;
    const after = i;
    while (i < this.lineEnd && text.charCodeAt(i) === SPACE) i++;
    if (i >= this.lineEnd) return;
    if (text.charCodeAt(i) === HASH && i > after) return;
    throw new NotPlain(i, "more on the line than one value");
  }

  /** A one-line scalar from `at`: its value; where it ends is left in `scalarEnd`. */
  readScalar(at: number, end: number, flow: boolean): unknown {
    const text = this.text;
    const c = text.charAt(at);
    if (c === '"') {
      const close = text.indexOf('"', at + 1);
      if (close === -1 || close >= end) throw new NotPlain(at, "a quoted value over several lines");
      const inner = text.slice(at + 1, close);
      if (inner.includes("\\")) throw new NotPlain(at, "an escape sequence");
      this.scalarEnd = close + 1;
      return inner;
    }
    if (c === "'") {
      let value = "";
      let i = at + 1;
      for (;;) {
        const close = text.indexOf("'", i);
        if (close === -1 || close >= end) throw new NotPlain(at, "a quoted value over several lines");
        value += text.slice(i, close);
        if (text.charCodeAt(close + 1) === 0x27 /* ' */) {
          value += "'";
          i = close + 2;
          continue;
        }
        this.scalarEnd = close + 1;
        return value;
      }
    }
    if (INDICATORS.has(c) || c === "-") throw new NotPlain(at, "a YAML indicator");
    if (!flow) {
      // A block value runs to a comment or the line's end, found with string searches rather than
      // a look at every character (the engine's searches are faster, and much faster while this
      // code is still interpreted, as it is for most of a small file).
      const stop = this.commentOrLineEnd(at);
      const colon = this.separatedColon(at, stop);
      if (colon !== -1) throw new NotPlain(colon, "a `: ` inside a value");
      let last = stop;
      while (last > at && text.charCodeAt(last - 1) === SPACE) last--;
      this.scalarEnd = last;
      return knownWord(KNOWN_WORDS, text, at, last) ?? resolvePlain(text.slice(at, last), at);
    }
    let i = at;
    let last = at;
    for (; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code === SPACE) {
        if (text.charCodeAt(i + 1) === HASH) break;
        continue;
      }
      if (code === COLON && (i + 1 >= end || text.charCodeAt(i + 1) === SPACE))
        throw new NotPlain(i, "a `: ` inside a value");
      if (flow && (code === 0x2c || code === 0x5b || code === 0x5d || code === 0x7b || code === 0x7d)) break;
      last = i + 1;
    }
    this.scalarEnd = last;
    return knownWord(KNOWN_WORDS, text, at, last) ?? resolvePlain(text.slice(at, last), at);
  }
}

/**
 * A block map whose values are all scalars, such as an account: its positions are not kept, and
 * locate reads it again from where it starts the few times a position inside it is asked for.
 * Kept for 100,000 accounts, they would double what the garbage collector copies while the
 * document is read.
 */
function isFlatMap(positions: Positions): boolean {
  return positions.kind === "map" && positions.children === null && positions.at.length > 0;
}

/**
 * Where `needle` next occurs in `text` from a position: one search serves every position up to
 * the place it found, so that asking at each line, in the order of the text, costs one pass.
 */
class NextOf {
  private searchedFrom = 0;
  private found = -2;

  constructor(
    private readonly text: string,
    private readonly needle: string,
  ) {}

  /** The first index at or after `at` where `needle` starts, or -1. */
  from(at: number): number {
    if (this.found === -2 || at < this.searchedFrom || (this.found !== -1 && this.found < at)) {
      this.found = this.text.indexOf(this.needle, at);
      this.searchedFrom = at;
    }
    return this.found;
  }
}

/** A key cut out of the text, if the reader takes it as it is. */
function plainKey(text: string, at: number, end: number): string {
  const key = text.slice(at, end);
  if (key.length > 1024 || !PLAIN_KEY.test(key) || RESERVED_KEYS.has(key))
    throw new NotPlain(at, "a key that is not a plain name");
  return key;
}

/** A flow map or list on one line, holding scalars only. */
class FlowReader {
  position: number;
  private readonly text: string;

  constructor(
    private readonly reader: Reader,
    start: number,
    private readonly end: number,
  ) {
    this.text = reader.text;
    this.position = start;
  }

  readMap(): MapPositions {
    const text = this.text;
    const value: Record<string, unknown> = {};
    const positions: MapPositions = {
      kind: "map",
      start: this.position,
      value,
      at: [],
      keys: null,
      children: null,
    };
    this.position++;
    this.skipSpaces();
    if (text.charCodeAt(this.position) === 0x7d /* } */) {
      this.position++;
      return positions;
    }
    for (;;) {
      const at = this.position;
      let i = at;
      while (i < this.end && text.charCodeAt(i) !== COLON && !",{}[]# ".includes(text.charAt(i))) i++;
      if (text.charCodeAt(i) !== COLON || text.charCodeAt(i + 1) !== SPACE)
        throw new NotPlain(at, "a flow map entry that is not `key: value`");
      const key = knownWord(KNOWN_KEYS, text, at, i) ?? plainKey(text, at, i);
      if (Object.hasOwn(value, key)) throw new NotPlain(at, "a duplicate key");
      this.position = i + 1;
      this.skipSpaces();
      const valueAt = this.position;
      value[key] = this.reader.readScalar(valueAt, this.end, true);
      positions.at.push(at, valueAt);
      this.position = this.reader.scalarEnd;
      if (this.closes("}")) return positions;
    }
  }

  readSeq(): SeqPositions {
    const text = this.text;
    const values: unknown[] = [];
    const positions: SeqPositions = {
      kind: "seq",
      start: this.position,
      value: values,
      itemAt: [],
      children: null,
    };
    this.position++;
    this.skipSpaces();
    if (text.charCodeAt(this.position) === 0x5d /* ] */) {
      this.position++;
      return positions;
    }
    for (;;) {
      const at = this.position;
      values.push(this.reader.readScalar(at, this.end, true));
      positions.itemAt.push(at);
      this.position = this.reader.scalarEnd;
      if (this.closes("]")) return positions;
    }
  }

  /** After an entry: true at the closing bracket (consumed), false after a `,` followed by another entry. */
  private closes(bracket: "}" | "]"): boolean {
    this.skipSpaces();
    const c = this.text.charAt(this.position);
    if (c === bracket) {
      this.position++;
      return true;
    }
    if (c !== ",") throw new NotPlain(this.position, "an unclosed or nested flow collection");
    this.position++;
    this.skipSpaces();
    const after = this.text.charAt(this.position);
    if (after === bracket || after === ",") throw new NotPlain(this.position, "an empty flow entry");
    return false;
  }

  private skipSpaces(): void {
    while (this.position < this.end && this.text.charCodeAt(this.position) === SPACE) this.position++;
    if (this.position >= this.end) throw new NotPlain(this.position, "a flow collection over several lines");
  }
}

/** A plain scalar's value under YAML 1.2's core schema, for the forms the reader is sure of. */
function resolvePlain(source: string, at: number): unknown {
  switch (source) {
    case "~":
    case "null":
    case "Null":
    case "NULL":
      return null;
    case "true":
    case "True":
    case "TRUE":
      return true;
    case "false":
    case "False":
    case "FALSE":
      return false;
  }
  const c = source.charCodeAt(0);
  const numberLike = (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e;
  if (!numberLike || !CORE_NUMBER.test(source)) return source;
  if (DECIMAL.test(source) && source.length < 16) return Number(source);
  throw new NotPlain(at, "a number other than a small integer");
}

/**
 * The offset for `path`, walking the positions the reader kept, with yaml-source's rules; a map
 * of a list that was not kept is read again (`reread`), once.
 */
function locate(
  root: Positions,
  path: readonly (string | number)[],
  target: "key" | "value",
  reread: (at: number) => MapPositions,
): number {
  let node: Positions | undefined = root;
  let best = root.start;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (node === undefined || segment === undefined) return best;
    if (node.kind === "map") {
      const index = (node.keys ??= Object.keys(node.value)).indexOf(String(segment));
      if (index === -1) return best;
      const keyAt = node.at[2 * index] ?? best;
      const valueAt = node.at[2 * index + 1] ?? best;
      if (i === path.length - 1 && (target === "key" || valueAt < 0)) return keyAt;
      best = valueAt < 0 ? ~valueAt : valueAt;
      node = node.children?.[index];
    } else {
      const index = Number(segment);
      const itemAt = node.itemAt[index];
      if (itemAt === undefined) return best;
      best = itemAt;
      const item = node.value[index];
      let child = node.children?.[index];
      if (child === undefined && i < path.length - 1 && isMapValue(item)) {
        child = reread(itemAt);
        (node.children ??= [])[index] = child;
      }
      node = child;
    }
  }
  return best;
}

/** The positions of the collection at `path`, if one is there. */
function nodeAt(
  root: Positions,
  path: readonly (string | number)[],
  reread: (at: number) => MapPositions,
): Positions | undefined {
  let node: Positions | undefined = root;
  for (const segment of path) {
    if (node === undefined) return undefined;
    if (node.kind === "map") {
      node = node.children?.[(node.keys ??= Object.keys(node.value)).indexOf(String(segment))];
    } else {
      const index = Number(segment);
      const itemAt = node.itemAt[index];
      let child: Positions | undefined = node.children?.[index];
      if (child === undefined && itemAt !== undefined && isMapValue(node.value[index])) {
        child = reread(itemAt);
        (node.children ??= [])[index] = child;
      }
      node = child;
    }
  }
  return node;
}

function isMapValue(value: unknown): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
