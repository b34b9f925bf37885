/**
 * The nesting limits checked before any YAML parser sees a file. The check looks for deep
 * indentation and deep brackets apart, with string searches; here it is held to the plain
 * definition, one pass over every character, written out below: the same place and the same
 * message for every text, or null for both.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { excessiveNesting, MAX_FLOW_DEPTH, MAX_INDENT } from "../../reconciler/load/yaml-source.js";

/** The definition: the first character, in the order of the text, past either limit. */
function byDefinition(text: string): { at: { line: number; col: number }; message: string } | null {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let leading = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === "\n") {
      line++;
      lineStart = i + 1;
      leading = true;
      continue;
    }
    if (leading && [" ", "\t", "-", "?", ":"].includes(c)) {
      if (i - lineStart + 1 > MAX_INDENT) {
        return {
          at: { line, col: i - lineStart + 1 },
          message: `this line is indented more than ${MAX_INDENT} columns deep; a manifest nests a few levels only`,
        };
      }
      continue;
    }
    leading = false;
    if (c === "[" || c === "{") {
      depth++;
      if (depth > MAX_FLOW_DEPTH) {
        return {
          at: { line, col: i - lineStart + 1 },
          message: `brackets ([ and {) nest more than ${MAX_FLOW_DEPTH} levels deep here; a manifest nests a few levels only`,
        };
      }
    } else if ((c === "]" || c === "}") && depth > 0) {
      depth--;
    }
  }
  return null;
}

/** Text made of pieces that reach the limits in a few steps: runs of indentation and of brackets. */
const nestingText = fc
  .array(
    fc.oneof(
      fc.constantFrom("\n", "\r\n", "a", "é", "# [", "- ", "? ", ": ", "\t", "key: ", "'[' "),
      fc
        .constantFrom(" ", "-", "[", "{", "]", "}", "[{", "}]")
        .chain((piece) => fc.integer({ min: 1, max: 70 }).map((times) => piece.repeat(times))),
    ),
    { maxLength: 40 },
  )
  .map((pieces) => pieces.join(""));

describe("nesting limits", () => {
  it("finds the same first place and message as the one-pass definition, on any text", () => {
    fc.assert(
      fc.property(nestingText, (text) => {
        expect(excessiveNesting(text)).toEqual(byDefinition(text));
      }),
      { numRuns: 3000 },
    );
  });

  const cases: [string, string, { line: number; col: number } | null][] = [
    ["a manifest", "version: 1\nplatforms:\n  - organization: a\n    accounts: [ ]\n", null],
    ["indentation at the limit", `${" ".repeat(MAX_INDENT)}a: 1\n`, null],
    ["indentation one past the limit", `a:\n${" ".repeat(MAX_INDENT + 1)}b: 1\n`, { line: 2, col: 121 }],
    ["list indicators count as indentation", `${"- ".repeat(61)}a\n`, { line: 1, col: 121 }],
    ["brackets at the limit", `${"[".repeat(MAX_FLOW_DEPTH)}${"]".repeat(MAX_FLOW_DEPTH)}\n`, null],
    ["brackets one past the limit", `a: 1\nb: ${"{[".repeat(33)}\n`, { line: 2, col: 68 }],
    ["brackets in a comment count", `# ${"[".repeat(MAX_FLOW_DEPTH + 1)}\n`, { line: 1, col: 67 }],
    ["closed brackets do not add up", `${"[]".repeat(500)}\n`, null],
    [
      "the first of the two in the text",
      `${"[".repeat(MAX_FLOW_DEPTH + 1)}\n${" ".repeat(200)}a\n`,
      { line: 1, col: 65 },
    ],
    [
      "deep indentation before deep brackets",
      `${" ".repeat(200)}a\n${"[".repeat(MAX_FLOW_DEPTH + 1)}\n`,
      { line: 1, col: 121 },
    ],
  ];
  it.each(cases)("%s", (_name, text, at) => {
    expect(excessiveNesting(text)?.at ?? null).toEqual(at);
    expect(excessiveNesting(text)).toEqual(byDefinition(text));
  });
});
