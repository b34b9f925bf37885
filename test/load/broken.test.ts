import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatProblem, loadDesired, ManifestError, validateFiles } from "../../reconciler/load/index.js";
import { BROKEN } from "./corpus.js";
import { localFileSystem } from "../../provider/system/files.js";

describe("the broken-manifest corpus", () => {
  it("has an entry for every file in test/fixtures/broken, and at least 25", () => {
    const files = readdirSync("test/fixtures/broken")
      .filter((name) => name !== "companions")
      .map((name) => `test/fixtures/broken/${name}`)
      .sort();
    expect(BROKEN.map((entry) => entry.file).sort()).toEqual(files);
    expect(BROKEN.length).toBeGreaterThanOrEqual(25);
  });

  describe.each(BROKEN)("$file", (entry) => {
    const paths = [entry.file, ...(entry.extraFiles ?? [])];

    it("validateFiles reports exactly the expected problems, at their line:col, in order", async () => {
      const problems = await validateFiles(paths, { files: localFileSystem });
      expect(problems.map(formatProblem)).toHaveLength(entry.expect.length);
      entry.expect.forEach((expected, index) => {
        const problem = problems[index]!;
        expect({ file: problem.file, line: problem.line, col: problem.col }).toEqual({
          file: expected.file ?? entry.file,
          line: expected.line,
          col: expected.col,
        });
        expect(problem.message).toMatch(expected.message);
        expect(problem.rule).toBe(expected.rule);
      });
    });

    it("loadDesired throws a ManifestError with the same problems", async () => {
      const error = await loadDesired(paths, { files: localFileSystem }).then(
        () => null,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(ManifestError);
      const manifestError = error as ManifestError;
      expect(manifestError.code).toBe("EXREC_MANIFEST");
      expect(manifestError.problems).toEqual(await validateFiles(paths, { files: localFileSystem }));
      expect(manifestError.message).toBe(manifestError.problems.map(formatProblem).join("\n"));
    });
  });
});
