/**
 * Reads the log test/support/module-log.ts wrote for one CLI process: the packages it loaded, by
 * name, our own compiled modules (relative to dist/) and the packages' files (relative to the
 * repository). The bin is bundled (dist/cli/, scripts/bundle-cli.mjs): a file of the bundle counts
 * as every compiled module and package the build's dist/cli/modules.json says it holds, so loading
 * a chunk counts as loading everything in it.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO } from "./cli.js";
import { REQUIRED_MARKER } from "./module-log.js";

/** What each file of the bundled bin holds. */
type BundleMap = Record<string, { modules: string[]; packages: string[] } | undefined>;

export interface LoadedModules {
  packages: string[];
  own: string[];
  files: string[];
}

let bundle: Promise<BundleMap> | undefined;

export async function loadedModules(log: string): Promise<LoadedModules> {
  const map = await (bundle ??= readFile(join(REPO, "dist", "cli", "modules.json"), "utf8").then(
    (text) => JSON.parse(text) as BundleMap,
  ));
  const [esm = "", required = ""] = (await readFile(log, "utf8")).split(`${REQUIRED_MARKER}\n`);
  const urls = esm.split("\n").filter(Boolean);
  const packages = new Set<string>();
  const own: string[] = [];
  for (const url of urls) {
    const inPackage = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (inPackage) packages.add(inPackage[1]!);
    else if (url.includes("/dist/cli/")) {
      const file = url.slice(url.indexOf("/dist/cli/") + "/dist/cli/".length);
      const held = map[file];
      if (!held) throw new Error(`${file} was loaded from the bundle but is not in dist/cli/modules.json`);
      own.push(...held.modules);
      for (const name of held.packages) packages.add(name);
    } else if (url.includes("/dist/")) own.push(url.slice(url.indexOf("/dist/") + "/dist/".length));
  }
  // Every file of a package loaded from node_modules, ES module or CommonJS.
  const files = [...urls, ...required.split("\n").filter(Boolean)]
    .filter((url) => url.includes("/node_modules/"))
    .map((url) => url.slice(url.indexOf("/node_modules/") + 1));
  return { packages: [...packages].sort(), own, files };
}
