/**
 * A manifest read by the fast reader gets the same problems, at the same `file:line:col` with the
 * same words, as when the full `yaml` library reads it: the fast reader keeps no positions inside
 * an account and finds them again when a problem needs them. Checked on every manifest of the
 * broken corpus the fast reader reads, and on a generated manifest of a thousand accounts with a
 * mistake in one account in ten.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sortProblems, type Problem } from "../../reconciler/load/problem.js";
import { readPlainYaml } from "../../reconciler/load/plain-yaml.js";
import { schemaProblems } from "../../reconciler/load/schema.js";
import { crossSourceProblems, semanticProblems } from "../../reconciler/load/semantics.js";
import type { ManifestSource } from "../../reconciler/load/source.js";
import { fullYamlSource, yamlSource } from "../../reconciler/load/yaml-source.js";
import { REPO } from "../support/cli.js";
import { BROKEN } from "./corpus.js";

function sourceOf(result: ReturnType<typeof yamlSource>): ManifestSource {
  if (!result.ok) throw new Error(`not read: ${JSON.stringify(result.problems)}`);
  return result.source;
}

/** Every check of one file, as the loader runs them. */
function problemsOf(source: ManifestSource): Problem[] {
  return sortProblems([
    ...schemaProblems(source),
    ...semanticProblems(source),
    ...crossSourceProblems([source]),
  ]);
}

/** The problems through the fast reader and through the full library; the text must be plain. */
function bothWays(text: string): { fast: Problem[]; full: Problem[] } {
  expect(readPlainYaml(text).ok).toBe(true);
  return {
    fast: problemsOf(sourceOf(yamlSource(text, "m.yaml"))),
    full: problemsOf(sourceOf(fullYamlSource(text, "m.yaml"))),
  };
}

describe("problems through the fast reader", () => {
  const plainBroken = BROKEN.filter(
    (entry) =>
      entry.extraFiles === undefined &&
      /\.ya?ml$/.test(entry.file) &&
      readText(entry.file) !== null &&
      readPlainYaml(readText(entry.file) ?? "").ok,
  );

  it("the broken corpus holds manifests the fast reader reads itself", () => {
    expect(plainBroken.length).toBeGreaterThan(10);
  });

  it.each(plainBroken.map((entry) => [entry.file]))("%s: the same as through the full library", (file) => {
    const { fast, full } = bothWays(readText(file) ?? "");
    expect(full.length).toBeGreaterThan(0);
    expect(fast).toEqual(full);
  });

  it("a thousand accounts with a mistake in one in ten: every one, in the same place", () => {
    const lines = ["version: 1", "platforms:"];
    for (const offer of ["hosted", "private"]) {
      lines.push(
        `  - organization: ${offer}-1`,
        `    service: ${offer}-1`,
        `    offer: ${offer}`,
        "    accounts:",
      );
      for (let i = 0; i < 500; i++) {
        const email = `user${i}@${offer}.example`;
        lines.push(`      - email: ${email} # account ${i}`);
        switch (i % 50) {
          case 0:
            lines.push("        license: platinum");
            break;
          case 10:
            lines.push("        licence: basic");
            break;
          case 20:
            lines.push("        state: absent", "        displayName: Gone");
            break;
          case 30:
            lines.push("        renewal: yearly");
            break;
          case 40:
            lines.push(`      - email: USER${i}@${offer}.example`);
            break;
          default:
            lines.push("        license: basic", `        displayName: User ${i}`);
        }
      }
    }
    const { fast, full } = bothWays(`${lines.join("\n")}\n`);
    // platinum, licence and absent-with-a-name on both platforms, yearly on Private, duplicates on both.
    expect(fast).toHaveLength(10 * 2 + 10 * 2 + 10 * 2 + 10 + 10 * 2);
    expect(fast).toEqual(full);
  });
});

/** The file's text, or null when it is not UTF-8 (the loader refuses it before any reader). */
function readText(file: string): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(join(REPO, file)));
  } catch {
    return null;
  }
}
