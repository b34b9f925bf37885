/**
 * A module hook that writes down every module a process loads, one URL a line, into the file
 * named by EXREC_MODULE_LOG: `node --import dist/test/support/module-log.js …`. For the tests that
 * show a command loads only what it uses. ES modules are written as they load; the CommonJS files
 * (a package's insides, which the hook does not see) are written from the require cache when the
 * process exits, after the REQUIRED_MARKER line.
 */
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";
import { isMainThread } from "node:worker_threads";

const log = process.env.EXREC_MODULE_LOG;
/** The line after which the log lists the CommonJS files. */
export const REQUIRED_MARKER = "# required (CommonJS)";

// The hooks run in a thread of their own, which loads this file again: register only once.
if (isMainThread && log) {
  register(import.meta.url);
  const cache = createRequire(import.meta.url).cache;
  process.on("exit", () => {
    const files = Object.keys(cache).filter((file) => file.startsWith("/"));
    // After a marker line, so that a reader can tell them from the ES modules.
    appendFileSync(
      log,
      `${REQUIRED_MARKER}\n${files.map((file) => `${pathToFileURL(file).href}\n`).join("")}`,
    );
  });
}

type NextLoad = (url: string, context: unknown) => Promise<unknown>;

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<unknown> {
  if (log) appendFileSync(log, `${url}\n`);
  return nextLoad(url, context);
}
