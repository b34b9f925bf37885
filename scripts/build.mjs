#!/usr/bin/env node
// `npm run build`: the generated code (CDKTF bindings, manifest and plan validators, plugin
// protocol descriptor, help texts), then the compiler into dist/. `npm ci` builds, and `npm test` builds
// again, so a build with nothing changed must cost next to nothing:
// - the generators run in this one process (through tsx's loader, as they are TypeScript)
//   rather than one process each, and each leaves its output untouched when the digest of its
//   inputs recorded in it has not changed;
// - `tsc --build` compares the sources with what its last build recorded (dist/.tsbuildinfo) and
//   exits without parsing anything when none is newer, where `tsc -p` parses the whole program
//   (which it still does after an install, below).
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, statSync, utimesSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";
import { bundleCli } from "./bundle-cli.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const load = (path) => tsImport(join(root, path), import.meta.url);

const cdktf = await load("provider/cdktf/generate.ts");
console.log(cdktf.describeBindingsResult(await cdktf.generateDefaultBindingsIfChanged()));
const validator = await load("reconciler/load/generate-validator.ts");
console.log(validator.describeValidatorResult(await validator.generateValidator()));
const planValidators = await load("reconciler/load/generate-plan-validator.ts");
console.log(planValidators.describePlanValidatorsResult(await planValidators.generatePlanValidators()));
const protocol = await load("provider/terraform/generate-protocol.ts");
console.log(protocol.describeProtocolResult(await protocol.generateProtocolDescriptor()));
const help = await load("reconciler/commands/generate-help.ts");
const helpResult = await help.generateHelp();
console.log(
  helpResult.written
    ? `exrec: wrote the help texts (${helpResult.answers} requests) into reconciler/commands/gen`
    : "exrec: the help texts in reconciler/commands/gen are up to date",
);

// `tsc --build` decides from the sources alone; the declarations of the dependencies count too. npm
// rewrites node_modules/.package-lock.json at every install: after one, `tsc -p` (incremental all the
// same) compares every file of the program, the dependencies' included, with the last build.
const buildInfo = join(root, "dist", ".tsbuildinfo");
const installed = join(root, "node_modules", ".package-lock.json");
const installedSinceBuild =
  !existsSync(buildInfo) ||
  !existsSync(installed) ||
  statSync(installed).mtimeMs > statSync(buildInfo).mtimeMs;
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const mode = installedSinceBuild ? "-p" : "--build";
const compiled = spawnSync(process.execPath, [tsc, mode, join(root, "tsconfig.json")], { stdio: "inherit" });
if (compiled.error) throw compiled.error;
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
// An up-to-date `tsc -p` writes nothing: mark the build as newer than the install it has checked.
if (installedSinceBuild) utimesSync(buildInfo, new Date(), new Date());
chmodSync(join(root, "dist", "reconciler", "cli.js"), 0o755);
// The executable the package ships (bin `exrec`): the compiled CLI bundled, see bundle-cli.mjs.
console.log(`exrec: bundled the CLI into dist/cli (${await bundleCli(root)} files)`);
chmodSync(join(root, "dist", "cli", "exrec.js"), 0o755);
