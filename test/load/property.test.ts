import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { loadDesired, ManifestError } from "../../reconciler/load/index.js";
import { tempDir } from "./helpers.js";
import { localFileSystem } from "../../provider/system/files.js";

const dir = tempDir();
afterAll(() => dir.remove());

let counter = 0;

/** Loads `content` as a file with `extension`: it must load, or fail with a ManifestError only. */
async function loadsOrFailsCleanly(content: string | Uint8Array, extension: string): Promise<void> {
  const file = dir.write(`case-${counter++}${extension}`, content);
  try {
    await loadDesired([file], { files: localFileSystem });
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    expect(error.problems.length).toBeGreaterThan(0);
    // One assertion for all of them: an expect() per problem cost more than loading the file.
    expect(error.problems.filter((problem) => !(problem.line >= 1 && problem.col >= 1))).toEqual([]);
  }
}

/** Text made of the pieces YAML manifests are made of, so that the parser gets past the first line. */
const yamlIsh = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        "version: 1\n",
        "platforms:\n",
        "  - ",
        "    ",
        "organization: o\n",
        "service: s\n",
        "offer: hosted\n",
        "offer: private\n",
        "accounts:\n",
        "      - email: a@b.example\n",
        "renewal: yearly\n",
        "state: absent\n",
        "protect: true\n",
        "license: basic\n",
        "&a ",
        "*a",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        "- ",
        "\t",
        "---\n",
        "#",
        "'",
        '"',
        "!tag ",
        "? ",
        "|\n",
        ">\n",
        "\n",
        "<<: *a\n",
        "\u00e9",
        "\ufeff",
      ),
      fc.string({ maxLength: 12 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(""));

describe("hostile input never crashes the loader", () => {
  it("random YAML-ish text loads or fails with a ManifestError", async () => {
    await fc.assert(
      fc.asyncProperty(yamlIsh, (text) => loadsOrFailsCleanly(text, ".yaml")),
      { numRuns: 300 },
    );
  });

  it("random bytes load or fail with a ManifestError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), (bytes) => loadsOrFailsCleanly(bytes, ".yaml")),
      {
        numRuns: 150,
      },
    );
  });

  it("any JSON value, written as YAML or as a cdk.tf.json, loads or fails with a ManifestError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (value) => {
        const text = JSON.stringify(value) ?? "null";
        await loadsOrFailsCleanly(text, ".yaml");
        await loadsOrFailsCleanly(text, ".json");
      }),
      { numRuns: 200 },
    );
  });

  it("manifest-shaped values with random leaves load or fail with a ManifestError", async () => {
    const leaf = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom("hosted", "private", "yearly", "monthly", "absent", "a@b.example"),
    );
    const account = fc.dictionary(
      fc.constantFrom("email", "state", "license", "renewal", "displayName", "protect", "emial"),
      leaf,
    );
    const platform = fc.record(
      {
        organization: leaf,
        service: leaf,
        offer: leaf,
        removal: leaf,
        defaults: fc.dictionary(fc.constantFrom("license", "renewal", "x"), leaf),
        accounts: fc.oneof(fc.array(account, { maxLength: 4 }), leaf),
      },
      { requiredKeys: [] },
    );
    const manifest = fc.record(
      {
        version: fc.oneof(fc.constant(1), leaf),
        platforms: fc.oneof(fc.array(platform, { maxLength: 3 }), leaf),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(manifest, (value) => loadsOrFailsCleanly(JSON.stringify(value), ".yaml")),
      { numRuns: 300 },
    );
  });
});
