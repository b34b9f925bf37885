import { afterAll, describe, expect, it } from "vitest";
import { formatProblem, loadDesired, ManifestError, validateFiles } from "../../reconciler/load/index.js";
import { tempDir } from "./helpers.js";
import { localFileSystem } from "../../provider/system/files.js";

const dir = tempDir();
afterAll(() => dir.remove());

describe("every problem at once", () => {
  it("reports three independent mistakes in one file as three problems, sorted by line", async () => {
    // A semantic mistake (P1) before a schema mistake (a typo) before another semantic one: the
    // checks run in that other order, the report is still in file order.
    const file = dir.write(
      "three.yaml",
      [
        "version: 1",
        "platforms:",
        "  - organization: private-cd67890-1",
        "    service: exchange.acme.example",
        "    offer: private",
        "    defaults: { renewal: yearly }",
        "    accounts:",
        "      - email: carol@acme.example",
        "        displayNmae: Carol",
        "      - email: blank@configureme.me",
        "",
      ].join("\n"),
    );
    const problems = await validateFiles([file], { files: localFileSystem });
    expect(problems.map((p) => `${p.line}:${p.col}`)).toEqual(["6:26", "9:9", "10:16"]);
    expect(problems[0]).toMatchObject({ rule: "P1", message: expect.stringMatching(/renewal: yearly/) });
    expect(problems[1]!.message).toMatch(
      /unknown field "displayNmae" in account 1; did you mean `displayName`\?/,
    );
    expect(problems[2]!.message).toMatch(/configureme\.me is OVHcloud's placeholder domain/);
  });

  it("reports the problems of every file given, sorted by file then line, in one ManifestError", async () => {
    const b = dir.write(
      "b.yaml",
      "version: 1\nplatforms:\n  - organization: x\n    service: y\n    offer: hosted\n    prune: maybe\n",
    );
    const a = dir.write("a.yaml", "version: 3\nplatforms: []\n");
    const error = await loadDesired([b, a], { files: localFileSystem }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ManifestError);
    const problems = (error as ManifestError).problems;
    expect(problems.map((p) => [p.file, p.line, p.col])).toEqual([
      [a, 1, 10],
      [b, 6, 12],
    ]);
    expect((error as ManifestError).message.split("\n")).toEqual(problems.map(formatProblem));
    expect((error as ManifestError).files).toEqual([b, a]);
  });

  it("formats a problem as file:line:col: message, with the rule when one applies", () => {
    expect(formatProblem({ file: "m.yaml", line: 3, col: 7, message: "wrong" })).toBe("m.yaml:3:7: wrong");
    expect(formatProblem({ file: "m.yaml", line: 3, col: 7, message: "wrong", rule: "P1" })).toBe(
      "m.yaml:3:7: wrong (rule P1)",
    );
  });

  it("refuses to load nothing", async () => {
    const problems = await validateFiles([], { files: localFileSystem });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/no manifest given/);
  });

  it("reads a file named twice once", async () => {
    const file = dir.write(
      "once.yaml",
      "version: 1\nplatforms:\n  - {organization: o, service: s, offer: hosted, accounts: [{email: a@b.example}]}\n",
    );
    expect(await validateFiles([file, file], { files: localFileSystem })).toEqual([]);
    expect((await loadDesired([file, file], { files: localFileSystem })).files).toEqual([file, file]);
  });
});
