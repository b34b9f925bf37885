/**
 * The bindings generator: from schemas/provider.schema.json to TypeScript that compiles under the
 * repository's NodeNext, strict settings, offline and without a terraform binary.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_OUT_DIR, generateBindings, type GenerateResult } from "../../provider/cdktf/generate.js";
import { addMissingOverrides } from "../../provider/cdktf/generated-source-fixes.js";

const REPO = resolve(import.meta.dirname, "..", "..");
// Inside the repository (under node_modules, which nothing compiles or commits), so that the
// generated files resolve `cdktf` and `constructs` while the generator type-checks them.
const SCRATCH = join(REPO, "node_modules", ".cache");

const EXPECTED_FILES = [
  "providers/exrec/account/index.ts",
  "providers/exrec/index.ts",
  "providers/exrec/platform/index.ts",
  "providers/exrec/provider/index.ts",
];

let outDir: string;
let first: GenerateResult;

beforeAll(async () => {
  await mkdir(SCRATCH, { recursive: true });
  outDir = await mkdtemp(join(SCRATCH, "exrec-cdktf-gen-"));
  first = await generateBindings({ outDir });
});

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

const read = (file: string, dir = outDir) => readFile(join(dir, file), "utf8");

describe("generateBindings", () => {
  it("writes one module per resource, the provider and an index, and no CommonJS lazy-index", async () => {
    expect(first.files).toEqual(EXPECTED_FILES);
    expect(existsSync(join(outDir, "providers/exrec/lazy-index.ts"))).toBe(false);
  });

  it("generates the resources of the schema with their Terraform types and snake_case attributes", async () => {
    const platform = await read("providers/exrec/platform/index.ts");
    expect(platform).toContain("export class Platform extends cdktf.TerraformResource");
    expect(platform).toContain(`terraformResourceType: 'exrec_platform'`);
    expect(platform).toContain("default_license: cdktf.stringToTerraform(this._defaultLicense)");
    const account = await read("providers/exrec/account/index.ts");
    expect(account).toContain("export class Account extends cdktf.TerraformResource");
    expect(account).toContain("display_name: cdktf.stringToTerraform(this._displayName)");
    expect(account).toContain("readonly protect?: boolean | cdktf.IResolvable;");
    const provider = await read("providers/exrec/provider/index.ts");
    expect(provider).toContain("export class ExrecProvider extends cdktf.TerraformProvider");
    expect(provider).toContain("terraformProviderSource: 'registry.terraform.io/exrec/exrec'");
  });

  it("carries the schema's descriptions into the generated documentation comments", async () => {
    const schema = JSON.parse(await readFile(join(REPO, "schemas/provider.schema.json"), "utf8"));
    const description: string =
      schema.provider_schemas["registry.terraform.io/exrec/exrec"].resource_schemas.exrec_account.block
        .attributes.protect.description;
    expect(await read("providers/exrec/account/index.ts")).toContain(description);
  });

  it("gives every relative import a full file name, as NodeNext requires", async () => {
    for (const file of first.files) {
      const specifiers = [...(await read(file)).matchAll(/from\s+'(\.[^']*)'/g)].map((m) => m[1]!);
      for (const specifier of specifiers) expect(specifier, `${file} imports ${specifier}`).toMatch(/\.js$/);
    }
    expect(await read("providers/exrec/index.ts")).toContain(
      "export * as platform from './platform/index.js';",
    );
  });

  it("marks the members that override cdktf's base classes with override, for noImplicitOverride", async () => {
    const platform = await read("providers/exrec/platform/index.ts");
    expect(platform).toContain("protected override synthesizeAttributes()");
    expect(platform).toContain("protected override synthesizeHclAttributes()");
    expect(await read("providers/exrec/provider/index.ts")).toContain("public override get alias()");
  });

  it("is idempotent: a second run removes stray files and writes the same text", async () => {
    const before = await Promise.all(first.files.map((f) => read(f)));
    await writeFile(join(outDir, "providers/exrec/stale.ts"), "export const stale = true;\n");
    const second = await generateBindings({ outDir });
    expect(second.files).toEqual(first.files);
    expect(existsSync(join(outDir, "providers/exrec/stale.ts"))).toBe(false);
    expect(await Promise.all(second.files.map((f) => read(f)))).toEqual(before);
  });

  it("refuses a schema without a provider, naming the file, and leaves the output folder alone", async () => {
    const schemaFile = `${outDir}-empty.schema.json`;
    await writeFile(schemaFile, JSON.stringify({ format_version: "1.0", provider_schemas: {} }));
    try {
      await expect(generateBindings({ schemaFile, outDir })).rejects.toThrow(
        `${schemaFile}: no provider in "provider_schemas"`,
      );
      expect(existsSync(join(outDir, first.files[0]!))).toBe(true);
    } finally {
      await rm(schemaFile, { force: true });
    }
  });
});

describe("addMissingOverrides", () => {
  const TSCONFIG = join(REPO, "tsconfig.json");

  it("reports a type error in a checked file, and sees a changed dependency on the next call", async () => {
    const dir = await mkdtemp(join(SCRATCH, "exrec-override-check-"));
    try {
      const shapes = join(dir, "shapes.ts");
      const checked = join(dir, "uses-shapes.ts");
      await writeFile(shapes, "export interface Shape { sides: number }\n");
      await writeFile(
        checked,
        "import type { Shape } from './shapes.js';\nexport const square: Shape = { sides: 4 };\n",
      );
      expect(addMissingOverrides([checked], TSCONFIG)).toEqual({ fixed: new Map(), otherProblems: [] });

      // The dependency was parsed by the first call; the second must read its new text.
      await writeFile(shapes, "export interface Shape { sides: string }\n");
      const { fixed, otherProblems } = addMissingOverrides([checked], TSCONFIG);
      expect(fixed.size).toBe(0);
      expect(otherProblems).toHaveLength(1);
      expect(otherProblems[0]).toContain("uses-shapes.ts(2,32): error TS2322");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("the bindings the build generated (npm run build)", () => {
  it("exist in provider/cdktf/gen and match what the schema generates now", async () => {
    expect(existsSync(DEFAULT_OUT_DIR), "provider/cdktf/gen is missing: run `npm run build`").toBe(true);
    for (const file of first.files) {
      expect(await read(file, DEFAULT_OUT_DIR), `${file} is out of date: run \`npm run build\``).toBe(
        await read(file),
      );
    }
  });
});
