// The `exrec` executable as the build ships it: the compiled CLI (dist/reconciler/cli.js and what it
// imports) bundled by esbuild into dist/cli/, a few files instead of about a hundred. Node resolves,
// reads and compiles every ES module on its own (a URL, a stat, a read, a parse each), which was a
// quarter of `exrec validate`'s time and about 40 ms of every `exrec plan`; one bundle pays it once.
//
// What stays lazy stays lazy: every `import()` of the sources becomes its own chunk (esbuild's
// code splitting), so `--help` still loads no command and `validate` no HTTP client.
//
// What is not bundled:
// - the packages that are loaded late or in part (undici, whose pool we load without its HTTP/2 half,
//   see provider/ovh/undici-pool.ts; pg, yaml, ajv, only on the paths that need them; the CDKTF and
//   Terraform provider's packages, which the CLI does not load): they are required from node_modules
//   as before. commander and picocolors, loaded by nearly every run, are bundled.
// - the generated validators: the modules that use them import them by a URL computed relative to
//   their own file (`./gen/<name>.js`, with ajv compiling the schema where they were not generated),
//   so each one is also an entry point written at dist/cli/gen/<name>.js, beside the chunks.
//
// dist/cli/modules.json lists, for every file written, the compiled modules it holds (relative to
// dist/) and the packages: what a run loads can still be told module by module
// (test/e2e/startup-modules.test.ts).
import { rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { build } from "esbuild";

/** Packages left in node_modules: see above. */
const EXTERNAL = [
  "undici",
  "undici/*",
  "pg",
  "yaml",
  "ajv",
  "ajv/*",
  "ajv-formats",
  "ajv-formats/*",
  "cdktf",
  "constructs",
  "@peculiar/x509",
  "protobufjs",
  "protobufjs/*",
  "@msgpack/msgpack",
  "typescript",
];

/** The generated modules loaded by a computed URL, by the name the loader asks for. */
const GENERATED = {
  "gen/manifest-validator": "reconciler/load/gen/manifest-validator.js",
  "gen/plan-validator-first-error": "reconciler/plan-format/gen/plan-validator-first-error.js",
  "gen/plan-validator-all-errors": "reconciler/plan-format/gen/plan-validator-all-errors.js",
};

/** Bundles dist/reconciler/cli.js into dist/cli/; returns how many files were written. */
export async function bundleCli(root) {
  const dist = join(root, "dist");
  const out = join(dist, "cli");
  // Chunks are named by their content: the files of an earlier build would stay beside the new ones.
  rmSync(out, { recursive: true, force: true });
  const entryPoints = { exrec: join(dist, "reconciler", "cli.js") };
  for (const [name, file] of Object.entries(GENERATED)) entryPoints[name] = join(dist, file);
  const result = await build({
    entryPoints,
    absWorkingDir: root,
    outdir: out,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: EXTERNAL,
    // A CommonJS package bundled into an ES module (commander) still calls require().
    banner: {
      js: 'import { createRequire as exrecCreateRequire } from "node:module"; const require = exrecCreateRequire(import.meta.url);',
    },
    chunkNames: "chunk-[hash]",
    // Through the compiled files' own maps to the TypeScript sources: `node --enable-source-maps`
    // names the source line in a stack trace of the bin.
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
  });
  const modules = {};
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith(".map")) continue;
    const own = [];
    const packages = new Set();
    for (const input of Object.keys(output.inputs)) {
      const inPackage = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (inPackage) packages.add(inPackage[1]);
      else own.push(relative(dist, join(root, input)));
    }
    modules[relative(out, join(root, file))] = { modules: own.sort(), packages: [...packages].sort() };
  }
  writeFileSync(join(out, "modules.json"), `${JSON.stringify(modules, null, 2)}\n`);
  return Object.keys(result.metafile.outputs).length;
}
