/**
 * A module hook that writes down every ES module a process loads, one URL a line, into the file
 * named by EXREC_MODULE_LOG: `node --import dist/test/support/module-log.js …`. For the tests that
 * show a command loads only what it uses. CommonJS files a package requires from inside are not
 * seen, only the package's entry.
 */
import { appendFileSync } from "node:fs";
import { register } from "node:module";
import { isMainThread } from "node:worker_threads";

const log = process.env.EXREC_MODULE_LOG;

// The hooks run in a thread of their own, which loads this file again: register only once.
if (isMainThread && log) register(import.meta.url);

type NextLoad = (url: string, context: unknown) => Promise<unknown>;

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<unknown> {
  if (log) appendFileSync(log, `${url}\n`);
  return nextLoad(url, context);
}
