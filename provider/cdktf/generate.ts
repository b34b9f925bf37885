/**
 * Generates the CDKTF bindings (provider/cdktf/gen/) from schemas/provider.schema.json.
 *
 * Run by `npm run build` (scripts/build.mjs) before tsc, or alone: `tsx provider/cdktf/generate.ts`.
 * Offline and fast (about two seconds): it needs no terraform binary and no network, because it
 * feeds our own provider schema straight to @cdktf/provider-generator's generator class instead of
 * going through `cdktf get`. Idempotent: the output folder is replaced as a whole. As a build step,
 * it regenerates only when what the bindings are made from has changed since the last run (a digest
 * kept beside them).
 *
 * The generator writes TypeScript for CommonJS projects; generated-source-fixes.ts makes it
 * compile under the repository's NodeNext, strict settings, and the CommonJS-only
 * `lazy-index.ts` is dropped.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, extname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root, whether this runs from source (provider/cdktf) or from dist/provider/cdktf. */
function repositoryRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  let dir = here;
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${here}`);
    dir = parent;
  }
  return dir;
}

const ROOT = repositoryRoot();
export const DEFAULT_SCHEMA_FILE = join(ROOT, "schemas", "provider.schema.json");
export const DEFAULT_OUT_DIR = join(ROOT, "provider", "cdktf", "gen");
const TSCONFIG_FILE = join(ROOT, "tsconfig.json");
const STAGING_PARENT = join(ROOT, "node_modules", ".cache");

export interface GenerateOptions {
  /** Terraform provider-schema JSON (`terraform providers schema -json`). */
  schemaFile?: string;
  /** Replaced as a whole by the bindings. */
  outDir?: string;
}

export interface GenerateResult {
  outDir: string;
  /** The written TypeScript files, relative to outDir, `/`-separated, sorted. */
  files: string[];
}

export async function generateBindings(options: GenerateOptions = {}): Promise<GenerateResult> {
  const schemaFile = resolve(options.schemaFile ?? DEFAULT_SCHEMA_FILE);
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const schema = readProviderSchema(schemaFile);

  const { CodeMaker, TerraformProviderGenerator } = await importGeneratorOffline();
  const generator = new TerraformProviderGenerator(new CodeMaker(), schema as never);
  generator.generateAll();

  // Written and fixed in a staging folder, then moved into place: a compiler or a test running
  // meanwhile never sees half-written bindings. The staging folder is under node_modules so that
  // the generated files resolve `cdktf` while they are type-checked, and nothing compiles it.
  await mkdir(STAGING_PARENT, { recursive: true });
  const staging = await mkdtemp(join(STAGING_PARENT, "exrec-cdktf-gen-"));
  try {
    await generator.save(staging);
    const files = await fixGeneratedSources(staging, schemaFile);
    await replaceFolder(outDir, staging);
    return { outDir, files };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Makes the generator's output compile here; returns the TypeScript files, relative, sorted. */
async function fixGeneratedSources(dir: string, schemaFile: string): Promise<string[]> {
  // Loaded here, not at the top: it brings in the TypeScript compiler, which a run that finds the
  // bindings up to date does not need.
  const { addMissingOverrides, withNodeNextImports } = await import("./generated-source-fixes.js");
  const tsFiles: string[] = [];
  for (const file of await listFiles(dir)) {
    if (file.endsWith("lazy-index.ts")) {
      await rm(file);
    } else if (file.endsWith(".ts")) {
      await writeFile(file, withNodeNextImports(await readFile(file, "utf8"), dirname(file)));
      tsFiles.push(file);
    }
  }
  const { fixed, otherProblems } = addMissingOverrides(tsFiles, TSCONFIG_FILE);
  if (otherProblems.length > 0) {
    throw new Error(`the bindings generated from ${schemaFile} do not compile:\n${otherProblems.join("\n")}`);
  }
  for (const [file, text] of fixed) await writeFile(file, text);
  return tsFiles.map((f) => relative(dir, f).split("\\").join("/")).sort();
}

/** Idempotent: whatever an earlier run left in `target` (a renamed resource, say) is gone. */
async function replaceFolder(target: string, source: string): Promise<void> {
  await rm(target, { recursive: true, force: true });
  await mkdir(dirname(target), { recursive: true });
  try {
    await rename(source, target);
  } catch (error) {
    // Another file system (EXDEV): copy instead.
    if ((error as { code?: unknown }).code !== "EXDEV") throw error;
    await cp(source, target, { recursive: true });
  }
}

function readProviderSchema(schemaFile: string): unknown {
  let schema: unknown;
  try {
    schema = JSON.parse(readFileSync(schemaFile, "utf8"));
  } catch (error) {
    throw new Error(`${schemaFile}: cannot read the provider schema: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const providers = (schema as { provider_schemas?: unknown } | null)?.provider_schemas;
  if (typeof providers !== "object" || providers === null || Object.keys(providers).length === 0) {
    throw new Error(
      `${schemaFile}: no provider in "provider_schemas"; expected the format of \`terraform providers schema -json\``,
    );
  }
  return schema;
}

/** A command name that cannot exist, so that spawning it fails at once and silently. */
const NO_TERRAFORM = "exrec-generation-needs-no-terraform";

/**
 * Loading @cdktf/commons (the generator imports it) has two side effects we refuse: it calls
 * HashiCorp's checkpoint service unless CHECKPOINT_DISABLE is set, and it runs
 * `$TERRAFORM_BINARY_NAME version -json`, which is slow and prints terraform's own warnings. Both
 * variables are read while the module loads, so they are set first and the import is dynamic.
 */
async function importGeneratorOffline() {
  process.env.CHECKPOINT_DISABLE = "1";
  const binaryBefore = process.env.TERRAFORM_BINARY_NAME;
  process.env.TERRAFORM_BINARY_NAME = NO_TERRAFORM;
  try {
    const { CodeMaker } = await import("codemaker");
    // The package's entry point requires jsii-pacmak, which it does not declare: import the class.
    const { TerraformProviderGenerator } =
      await import("@cdktf/provider-generator/lib/get/generator/provider-generator.js");
    return { CodeMaker, TerraformProviderGenerator };
  } finally {
    if (binaryBefore === undefined) delete process.env.TERRAFORM_BINARY_NAME;
    else process.env.TERRAFORM_BINARY_NAME = binaryBefore;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? listFiles(path) : Promise.resolve([path]);
    }),
  );
  return nested.flat();
}

/** Where a generation records the digest of what it was generated from. */
const INPUTS_DIGEST_FILE = ".inputs-sha256";

/**
 * The digest of everything the default bindings depend on: the schema, this generator and its
 * fixes, the compiler settings the fixes read, and the locked versions of the generator packages.
 */
function defaultInputsDigest(): string {
  const hash = createHash("sha256");
  const here = dirname(fileURLToPath(import.meta.url));
  const ext = extname(fileURLToPath(import.meta.url));
  for (const file of [
    DEFAULT_SCHEMA_FILE,
    join(here, `generate${ext}`),
    join(here, `generated-source-fixes${ext}`),
    TSCONFIG_FILE,
    join(ROOT, "package-lock.json"),
  ]) {
    hash.update(file.slice(ROOT.length)).update("\0");
    hash.update(existsSync(file) ? readFileSync(file) : "(missing)").update("\0");
  }
  return hash.digest("hex");
}

export interface DefaultBindingsResult {
  /** false: the bindings were made from the same inputs and were left untouched. */
  written: boolean;
  outDir: string;
  /** The written files (empty when nothing was written). */
  files: string[];
  ms: number;
}

/**
 * The bindings of the repository's provider schema into provider/cdktf/gen, regenerated only when
 * what they are made from has changed since the last run: `npm ci` builds, and `npm test` builds
 * again, and unchanged inputs give the same bindings.
 */
export async function generateDefaultBindingsIfChanged(): Promise<DefaultBindingsResult> {
  const started = Date.now();
  const digest = defaultInputsDigest();
  const digestFile = join(DEFAULT_OUT_DIR, INPUTS_DIGEST_FILE);
  if (existsSync(digestFile) && readFileSync(digestFile, "utf8").trim() === digest) {
    return { written: false, outDir: DEFAULT_OUT_DIR, files: [], ms: Date.now() - started };
  }
  const result = await generateBindings();
  await writeFile(digestFile, digest + "\n");
  return { written: true, outDir: result.outDir, files: result.files, ms: Date.now() - started };
}

/** What a build prints about this step. */
export function describeBindingsResult(result: DefaultBindingsResult): string {
  const where = relative(process.cwd(), result.outDir) || ".";
  return result.written
    ? `exrec: generated ${result.files.length} CDKTF binding files into ${where} in ${result.ms} ms`
    : `exrec: the CDKTF bindings in ${where} are up to date`;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  console.log(describeBindingsResult(await generateDefaultBindingsIfChanged()));
}
