import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DEFAULT_SCHEMA_FILE,
  generateValidator,
  validatorInputsDigest,
} from "../../reconciler/load/generate-validator.js";

describe("the build step that writes the manifest validator", () => {
  let dir: string;
  let schemaFile: string;
  let outFile: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "exrec-validator-"));
    schemaFile = join(dir, "manifest.schema.json");
    outFile = join(dir, "gen", "manifest-validator.ts");
    await writeFile(schemaFile, await readFile(DEFAULT_SCHEMA_FILE));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes the validator once, then leaves it alone while its inputs are unchanged", async () => {
    const first = await generateValidator({ schemaFile, outFile });
    expect(first.written).toBe(true);
    const text = await readFile(outFile, "utf8");
    expect(text).toContain(`inputs sha256: ${first.digest}`);
    expect(text).toContain("export const validate");
    const before = await stat(outFile);

    const second = await generateValidator({ schemaFile, outFile });
    expect(second).toMatchObject({ written: false, digest: first.digest });
    expect(await readFile(outFile, "utf8")).toBe(text);
    expect((await stat(outFile)).mtimeMs).toBe(before.mtimeMs);
  });

  it("writes it again when the schema changes, with the change in the code", async () => {
    const first = await generateValidator({ schemaFile, outFile });
    const schema = await readFile(schemaFile, "utf8");
    // The longest e-mail address the schema allows is 254 characters: make it 200.
    expect(schema).toContain('"maxLength": 254');
    expect(await readFile(outFile, "utf8")).not.toContain("> 200");
    await writeFile(schemaFile, schema.replace('"maxLength": 254', '"maxLength": 200'));

    const second = await generateValidator({ schemaFile, outFile });
    expect(second.written).toBe(true);
    expect(second.digest).not.toBe(first.digest);
    const text = await readFile(outFile, "utf8");
    expect(text).toContain(`inputs sha256: ${second.digest}`);
    expect(text).toContain("> 200");
  });

  it("writes it again when the file was damaged or holds no digest", async () => {
    await generateValidator({ schemaFile, outFile });
    await writeFile(outFile, "// half a file");
    expect((await generateValidator({ schemaFile, outFile })).written).toBe(true);
    expect(await readFile(outFile, "utf8")).toContain(validatorInputsDigest(schemaFile));
  });
});
