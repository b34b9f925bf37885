#!/usr/bin/env node
// `npm run build`: the generated code (CDKTF bindings, manifest validator, plugin protocol
// descriptor, help texts), then the compiler into dist/. `npm ci` builds, and `npm test` builds
// again, so a build with nothing changed must cost next to nothing:
// - the generators run in this one process (through tsx's loader, as they are TypeScript)
//   rather than one process each, and each leaves its output untouched when the digest of its
//   inputs recorded in it has not changed;
// - `tsc --build` compares the sources with what its last build recorded (dist/.tsbuildinfo) and
//   exits without parsing anything when none is newer, where `tsc -p` parses the whole program.
import { spawnSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const load = (path) => tsImport(join(root, path), import.meta.url);

const cdktf = await load("provider/cdktf/generate.ts");
console.log(cdktf.describeBindingsResult(await cdktf.generateDefaultBindingsIfChanged()));
const validator = await load("reconciler/load/generate-validator.ts");
console.log(validator.describeValidatorResult(await validator.generateValidator()));
const protocol = await load("provider/terraform/generate-protocol.ts");
console.log(protocol.describeProtocolResult(await protocol.generateProtocolDescriptor()));
const help = await load("reconciler/commands/generate-help.ts");
const helpResult = await help.generateHelp();
console.log(
  helpResult.written
    ? `exrec: wrote the help texts (${helpResult.answers} requests) into reconciler/commands/gen`
    : "exrec: the help texts in reconciler/commands/gen are up to date",
);

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const compiled = spawnSync(process.execPath, [tsc, "--build", join(root, "tsconfig.json")], {
  stdio: "inherit",
});
if (compiled.error) throw compiled.error;
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
chmodSync(join(root, "dist", "reconciler", "cli.js"), 0o755);
