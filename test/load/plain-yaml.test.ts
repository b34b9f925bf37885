/**
 * The fast reader of plain YAML (reconciler/load/plain-yaml.ts) against the full `yaml` library:
 * on every document it accepts, the same value and the same `line:col` for every place in it;
 * everything it does not read, it hands over (and the full library's messages stay the ones users
 * see). Checked on every manifest of the repository and on generated manifests written in many ways.
 */
import fc from "fast-check";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readPlainYaml } from "../../reconciler/load/plain-yaml.js";
import type { DocPath } from "../../reconciler/load/source.js";
import { fullYamlSource, yamlSource } from "../../reconciler/load/yaml-source.js";
import { REPO } from "../support/cli.js";

/** Every path to a node of a plain document, the root included. */
function pathsOf(value: unknown, path: (string | number)[] = []): DocPath[] {
  const paths: DocPath[] = [path];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...pathsOf(item, [...path, i])));
  else if (value !== null && typeof value === "object")
    for (const [key, member] of Object.entries(value)) paths.push(...pathsOf(member, [...path, key]));
  return paths;
}

/** The list at `path` in a document, if one is there. */
function listAt(document: unknown, path: DocPath): unknown[] | null {
  let node = document;
  for (const segment of path) {
    node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return Array.isArray(node) ? node : null;
}

/** Checks that the fast reader agrees with the full library; returns whether it read the text itself. */
function agreesWithFullYaml(text: string): boolean {
  const plain = readPlainYaml(text);
  if (!plain.ok) return false;
  const full = fullYamlSource(text, "f.yaml");
  // The full library must accept what the fast reader accepts, or the fast reader is too lenient.
  expect(full.ok ? [] : full.problems).toEqual([]);
  if (!full.ok) return true;
  const fast = yamlSource(text, "f.yaml");
  if (!fast.ok) throw new Error("the fast reader accepted the text but yamlSource refused it");
  expect(fast.source.document).toEqual(full.source.document);
  // A path that goes one step beyond what is written, as schema errors about missing fields do.
  const paths = [...pathsOf(full.source.document)].flatMap((p) => [p, [...p, "missing"], [...p, 99]]);
  // Every list's items at once, as the model asks for a platform's accounts: each where locate puts it.
  // Compared in one assertion (each entry names its path): an expect() per position cost more than
  // reading the positions.
  const lists = [...pathsOf(full.source.document)];
  expect(lists.map((path) => [path, fast.source.locateItems?.(path) ?? null])).toEqual(
    lists.map((path) => [
      path,
      listAt(full.source.document, path)?.map((_, i) => full.source.locate([...path, i])) ?? null,
    ]),
  );
  const targets = paths.flatMap((path) =>
    (["key", "value"] as const).map((target) => [path, target] as const),
  );
  expect(targets.map(([path, target]) => [path, target, fast.source.locate(path, target)])).toEqual(
    targets.map(([path, target]) => [path, target, full.source.locate(path, target)]),
  );
  return true;
}

function yamlFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe("the repository's manifests", () => {
  const files = [
    join(REPO, "examples", "demo.yaml"),
    ...yamlFilesUnder(join(REPO, "test", "fixtures", "manifests")),
    ...yamlFilesUnder(join(REPO, "test", "fixtures", "broken")),
    ...yamlFilesUnder(join(REPO, "test", "gitops")),
  ];

  it.each(files.map((f) => [f.slice(REPO.length + 1), f]))(
    "%s reads the same through both, or goes to the full library",
    (_name, file) => {
      agreesWithFullYaml(readFileSync(file, "utf8"));
    },
  );

  it("the fast reader reads the demo and the good manifests itself", () => {
    const good = [
      join(REPO, "examples", "demo.yaml"),
      ...yamlFilesUnder(join(REPO, "test/fixtures/manifests")),
    ];
    expect(good.filter((file) => !readPlainYaml(readFileSync(file, "utf8")).ok)).toEqual([]);
  });
});

describe("what the fast reader hands to the full library", () => {
  const cases: [string, string][] = [
    ["an anchor and an alias", "a: &x 1\nb: *x\n"],
    ["a tag", "a: !!str 1\n"],
    ["a tab", "a:\n\tb: 1\n"],
    ["a carriage return that ends no line", "a: 1\rb: 2\n"],
    ["a duplicate key", "a: 1\na: 2\n"],
    ["a duplicate key in a flow map", "a: { b: 1, b: 2 }\n"],
    ["a multi-line plain value", "a: one\n  two\n"],
    ["a block scalar", "a: |\n  text\n"],
    ["a quoted value with an escape", 'a: "x\\ny"\n'],
    ["a quoted value over two lines", 'a: "x\n  y"\n'],
    ["a second document", "a: 1\n---\nb: 2\n"],
    ["a directive", "%YAML 1.2\n---\na: 1\n"],
    ["a quoted key", '"a": 1\n'],
    ["a key YAML reads as a boolean", "true: 1\n"],
    ["a key that would set the prototype", "__proto__: 1\n"],
    ["a key YAML reads as null", "Null: x\n"],
    ["a key longer than 1,024 characters", `${"k".repeat(1025)}: x\n`],
    ["a merge key", "<<: { a: 1 }\n"],
    ["a nested flow collection", "a: { b: [1] }\n"],
    ["a flow collection over two lines", "a: { b: 1,\n  c: 2 }\n"],
    ["a float", "a: 1.5\n"],
    ["a hexadecimal number", "a: 0x1F\n"],
    ["a negative number", "a: -1\n"],
    ["`: ` inside a value", "a: b: c\n"],
    ["odd indentation", "a:\n    b: 1\n  c: 2\n"],
    ["an empty list item", "a:\n  -\n  - b\n"],
    ["a list in a list", "a:\n  - - b\n"],
    ["a scalar document", "hello\n"],
    ["a flow document", "{ a: 1 }\n"],
    ["an indented document", "  a: 1\n"],
    ["an empty file", ""],
    ["a complex key", "? a\n: 1\n"],
  ];
  it.each(cases)("%s", (_name, text) => {
    expect(readPlainYaml(text).ok).toBe(false);
  });

  it("says where it stopped, for files too large for the full library", () => {
    expect(readPlainYaml("a: 1\nb:\n  c: &x 2\n")).toEqual({
      ok: false,
      offset: 13,
      reason: "a YAML indicator",
    });
  });
});

describe("plain values the fast reader reads as YAML 1.2 does", () => {
  const cases: [string, string, unknown][] = [
    ["a small integer", "a: 1", 1],
    ["a signed integer", "a: +7", 7],
    ["null words", "a: ~", null],
    ["an empty value", "a:", null],
    ["booleans", "a: True", true],
    ["yes stays a string", "a: yes", "yes"],
    ["an address starting with a digit", "a: 2fa@acme.example", "2fa@acme.example"],
    ["a value with a colon", "a: http://x:8080/y", "http://x:8080/y"],
    ["a hash without a space", "a: b#c", "b#c"],
    ["a comment after a value", "a: b   # c", "b"],
    ["single quotes", "a: 'it''s # here'", "it's # here"],
    ["double quotes", 'a: "x: y"', "x: y"],
    ["an empty flow map", "a: {}", {}],
    ["an empty flow list", "a: [ ]", []],
    ["a flow map", "a: { license: basic, renewal: 'yearly' }", { license: "basic", renewal: "yearly" }],
    ["a flow list", "a: [x, 'y', 3]", ["x", "y", 3]],
    ["a Windows line end", "a: b\r", "b"],
    // The edges of the one-line path that most lines of a manifest take.
    ["null written out", "a: null", null],
    ["a boolean in capitals", "a: FALSE", false],
    ["a word that starts like null", "a: nulls", "nulls"],
    ["a word that starts like true", "a: Truth", "Truth"],
    ["a value after two spaces", "a:  b", "b"],
    ["a value with spaces inside", "a: b  c   # d", "b  c"],
    ["a value with a colon and no space", "a: b:c", "b:c"],
    ["a value with flow characters inside", "a: b,c [d] {e}", "b,c [d] {e}"],
    ["a value with a quote inside", "a: it's", "it's"],
    ["a value starting with a dot", "a: .x", ".x"],
    ["a value starting with a tilde", "a: ~x", "~x"],
    ["a comment right after the value", "a: b #", "b"],
    ["trailing spaces", "a: b   ", "b"],
    ["a long run of spaces inside a value", `a: b${" ".repeat(5000)}c`, `b${" ".repeat(5000)}c`],
    ["a long run of spaces before a comment", `a: b${" ".repeat(5000)}# c`, "b"],
  ];
  it.each(cases)("%s", (_name, text, expected) => {
    const plain = readPlainYaml(`${text}\n`);
    expect(plain.ok && (plain.yaml.document as { a: unknown }).a).toEqual(expected);
    agreesWithFullYaml(`${text}\n`);
  });
});

describe("maps whose entries follow one another on plain lines", () => {
  const account = (lines: string[]) =>
    `version: 1\nplatforms:\n  - organization: o\n    accounts:\n${lines.join("")}`;
  const read: [string, string][] = [
    ["one entry a line", account(["      - email: a@x.example\n", "        license: basic\n"])],
    [
      "a comment line between",
      account(["      - email: a@x.example\n", "        # a note\n", "        license: basic\n"]),
    ],
    ["a blank line between", account(["      - email: a@x.example\n", "\n", "        license: basic\n"])],
    ["no line end at the end", account(["      - email: a@x.example\n", "        license: basic"])],
    ["Windows line ends", account(["      - email: a@x.example\r\n", "        license: basic\r\n"])],
    [
      "an entry of another kind after",
      account(["      - email: a@x.example\n", "        protect: true\n", "        displayName: 'B'\n"]),
    ],
    ["a nested map after", "a: b\nc: d\ne:\n  f: g\nh: i\n"],
    ["the next item right after", account(["      - email: a@x.example\n", "      - email: b@x.example\n"])],
    ["a shallower key after", "a:\n  b: c\n  d: e\nf: g\n"],
  ];
  it.each(read)("%s: read as the full library reads it", (_name, text) => {
    expect(agreesWithFullYaml(text)).toBe(true);
  });

  const handedOver: [string, string][] = [
    ["a deeper line after", account(["      - email: a@x.example\n", "          license: basic\n"])],
    [
      "a key twice",
      account(["      - email: a@x.example\n", "        license: basic\n", "        license: standard\n"]),
    ],
    ["a line that is not an entry", account(["      - email: a@x.example\n", "        license basic\n"])],
  ];
  it.each(handedOver)("%s: handed over", (_name, text) => {
    expect(readPlainYaml(text).ok).toBe(false);
    agreesWithFullYaml(text);
  });
});

/** A manifest written in one of the ways people write them: a random mix of equivalent forms. */
const manifestText = fc
  .record({
    marker: fc.boolean(),
    headerComment: fc.boolean(),
    crlf: fc.boolean(),
    sameIndentList: fc.boolean(),
    platforms: fc.array(
      fc.record({
        org: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
        offer: fc.constantFrom("hosted", "private", "Hosted", "dedicated"),
        flowDefaults: fc.boolean(),
        emptyAccounts: fc.constantFrom("none", "empty", "flow"),
        accounts: fc.array(
          fc.record({
            email: fc.stringMatching(/^[a-z0-9][a-z0-9.]{0,8}@[a-z]{1,6}\.example$/),
            quote: fc.constantFrom("", "'", '"'),
            license: fc.option(fc.constantFrom("basic", "standard", "enterprise", "7", "null", "~", "")),
            displayName: fc.option(
              fc.oneof(
                { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z é-]{0,12}[A-Za-z]$/) },
                // Rarely, what is not plain: a ` #` that starts a comment, a `: ` that is an error.
                { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z #:]{0,6}[A-Za-z#:]$/) },
              ),
            ),
            protect: fc.option(fc.constantFrom("true", "false", "yes", "True")),
            comment: fc.boolean(),
            blankLine: fc.boolean(),
          }),
          { maxLength: 5 },
        ),
      }),
      { maxLength: 4 },
    ),
  })
  .map((m) => {
    const lines: string[] = [];
    if (m.headerComment) lines.push("# a manifest", "");
    if (m.marker) lines.push("---");
    lines.push("version: 1", "platforms:");
    for (const p of m.platforms) {
      const item = m.sameIndentList ? "" : "  ";
      lines.push(
        `${item}- organization: ${p.org}`,
        `${item}  service: ${p.org}`,
        `${item}  offer: ${p.offer}`,
      );
      if (p.flowDefaults) lines.push(`${item}  defaults: { license: basic, renewal: yearly }`);
      else lines.push(`${item}  defaults:`, `${item}    license: basic`);
      if (p.accounts.length === 0) {
        if (p.emptyAccounts === "empty") lines.push(`${item}  accounts:`);
        if (p.emptyAccounts === "flow") lines.push(`${item}  accounts: []`);
        continue;
      }
      lines.push(`${item}  accounts:`);
      for (const a of p.accounts) {
        if (a.blankLine) lines.push("");
        const comment = a.comment ? " # expires soon" : "";
        lines.push(`${item}    - email: ${a.quote}${a.email}${a.quote}${comment}`);
        if (a.license !== null) lines.push(`${item}      license: ${a.license}`);
        if (a.displayName !== null) lines.push(`${item}      displayName: ${a.displayName}`);
        if (a.protect !== null) lines.push(`${item}      protect: ${a.protect}`);
      }
    }
    const eol = m.crlf ? "\r\n" : "\n";
    return `${lines.join(eol)}${eol}`;
  });

describe("generated manifests", () => {
  it("read the same through both, and the fast reader reads most of them itself", () => {
    let readFast = 0;
    let runs = 0;
    fc.assert(
      fc.property(manifestText, (text) => {
        runs++;
        if (agreesWithFullYaml(text)) readFast++;
      }),
      { numRuns: 300 },
    );
    // Odd display names are not plain, nor numbers other than small integers; nearly all else is.
    expect(readFast).toBeGreaterThan(runs / 2);
  });
});
