import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ValidateFunction } from "ajv/dist/2020.js";
import fc from "fast-check";
import { createRequire } from "node:module";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { codePointLength } from "../../reconciler/load/code-points.js";
import { inlineLocalRefs } from "../../reconciler/load/inline-refs.js";
import { manifestAjv } from "../../reconciler/load/manifest-ajv.js";
import { manifestSchema } from "../../reconciler/load/schema.js";
import {
  AJV_UCS2LENGTH,
  DEFAULT_SCHEMA_FILE,
  generateValidator,
  validatorInputsDigest,
} from "../../reconciler/load/generate-validator.js";

const ajvUcs2length = (
  createRequire(import.meta.url)("ajv/dist/runtime/ucs2length") as { default: (text: string) => number }
).default;

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

  it("counts string lengths with codePointLength, not ajv's helper", async () => {
    const { outFile: written } = await generateValidator({ schemaFile, outFile });
    const text = await readFile(written, "utf8");
    // The helper is written as ajv writes it, or the replacement would silently not happen.
    expect(text).not.toContain(AJV_UCS2LENGTH);
    expect(text).not.toContain("createRequire");
    const helper = /const (\w+) = codePointLength;/.exec(text)?.[1];
    expect(helper).toBeDefined();
    expect(text).toMatch(new RegExp(`${helper}\\(data\\d*\\) > 254`));
  });
});

describe("codePointLength, the validator's string length", () => {
  /** UTF-16 code units, often surrogates, paired or alone, so that every case of a pair is met. */
  const units = fc
    .array(
      fc.oneof(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0xd800, max: 0xdbff }),
        fc.integer({ min: 0xdc00, max: 0xdfff }),
        fc.constantFrom(0x61, 0x40, 0xe9),
      ),
      { maxLength: 40 },
    )
    .map((codes) => String.fromCharCode(...codes));

  it("counts as ajv's ucs2length does, surrogates included", () => {
    fc.assert(
      fc.property(fc.oneof(units, fc.string({ unit: "binary" })), (text) => {
        expect(codePointLength(text)).toBe(ajvUcs2length(text));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ["", 0],
    ["user@acme.example", 17],
    ["\u{1F600}", 1],
    ["a\uD83Db", 3],
    ["\uDE00\uD83D", 2],
    ["\uD83D", 1],
  ])("%j has %i code points", (text, expected) => {
    expect(codePointLength(text)).toBe(expected);
  });
});

describe("the schema with its references written out in place", () => {
  const original = manifestAjv().compile(manifestSchema);
  const inlined = manifestAjv().compile(
    inlineLocalRefs(manifestSchema as unknown as Record<string, unknown>),
  );
  /** What the loader reads of an error: where, which keyword, its parameters, the value, the keys allowed. */
  const seen = (validate: ValidateFunction, document: unknown) => {
    validate(document);
    return (validate.errors ?? []).map((e) => ({
      at: e.instancePath,
      keyword: e.keyword,
      params: e.params,
      message: e.message,
      data: e.data,
      allowed: Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}),
    }));
  };
  const value = fc.oneof(
    fc.constantFrom("hosted", "private", "basic", "yearly", "monthly", "absent", "a@b.example", "x/y", ""),
    fc.jsonValue({ maxDepth: 1 }),
  );
  const account = fc.dictionary(
    fc.constantFrom("email", "state", "license", "renewal", "displayName", "protect", "emial"),
    value,
  );
  const platform = fc.record(
    {
      organization: value,
      service: value,
      offer: value,
      prune: value,
      removal: value,
      storageQuota: fc.oneof(value, fc.constantFrom(50, 300, "50")),
      defaults: fc.oneof(fc.dictionary(fc.constantFrom("license", "renewal", "other"), value), value),
      accounts: fc.oneof(fc.array(fc.oneof(account, value), { maxLength: 4 }), value),
      extra: value,
    },
    { requiredKeys: [] },
  );
  const document = fc.record(
    {
      version: fc.oneof(fc.constant(1), value),
      platforms: fc.oneof(fc.array(platform), value),
      other: value,
    },
    { requiredKeys: [] },
  );

  it("reports the same errors as the schema itself", () => {
    fc.assert(
      fc.property(document, (doc) => {
        expect(seen(inlined, doc)).toEqual(seen(original, doc));
      }),
      { numRuns: 1500 },
    );
  });

  it("leaves no reference and no definitions behind", () => {
    const text = JSON.stringify(inlineLocalRefs(manifestSchema));
    expect(text).not.toContain('"$ref"');
    expect(text).not.toContain('"$defs"');
  });

  it("refuses what it cannot write out faithfully", () => {
    const defs = { a: { $ref: "#/$defs/a" }, b: { type: "string" } };
    expect(() => inlineLocalRefs({ $defs: defs, properties: { x: { $ref: "#/$defs/a" } } })).toThrow(
      /itself/,
    );
    expect(() =>
      inlineLocalRefs({ $defs: defs, properties: { x: { $ref: "#/$defs/b", minLength: 1 } } }),
    ).toThrow(/beside/);
    expect(() => inlineLocalRefs({ properties: { x: { $ref: "other.json" } } })).toThrow(/cannot inline/);
  });
});
