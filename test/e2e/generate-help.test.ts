import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateHelp, helpInputsDigest } from "../../reconciler/commands/generate-help.js";

describe("the build step that writes the help table", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "exrec-help-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes the table once, then leaves it alone while its inputs are unchanged", async () => {
    const file = join(dir, "gen", "help.ts");
    const first = await generateHelp(file);
    expect(first.written).toBe(true);
    expect(first.answers).toBeGreaterThan(30);
    const text = await readFile(file, "utf8");
    expect(text).toContain(`inputs sha256: ${helpInputsDigest()}`);
    expect(text).toContain("Usage: exrec plan [options] <files...>");
    const before = await stat(file);

    const second = await generateHelp(file);
    expect(second.written).toBe(false);
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
  });
});
