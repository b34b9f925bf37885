/**
 * undici's connection Pool, without the rest of undici. `import { Pool } from "undici"` evaluates
 * undici's whole index: fetch, WebSocket, EventSource, caches, mock, proxy and retry agents, about
 * 100 ms of CPU at every start of exrec (more than a bare Node.js start) for one class. The Pool
 * here is the very class the index exports, from the same file and module cache; the index's one
 * side effect a Pool needs is done here as the index does it: `request` put on the Dispatcher
 * prototype (the index puts the whole request API there; when it is loaded too, it is the same
 * function). The types are the package's.
 */
import { createRequire } from "node:module";
import type { Dispatcher as UndiciDispatcher, Pool as UndiciPool } from "undici";

const require = createRequire(import.meta.url);

const dispatcher = require("undici/lib/dispatcher/dispatcher.js") as typeof UndiciDispatcher;
// The one method of the request API the client calls (the index also adds stream, pipeline, upgrade
// and connect, each a module of its own).
if (typeof dispatcher.prototype.request !== "function") {
  dispatcher.prototype.request = require("undici/lib/api/api-request.js") as UndiciDispatcher["request"];
}

export const Pool = require("undici/lib/dispatcher/pool.js") as typeof UndiciPool;
export type Pool = UndiciPool;
export type { Dispatcher } from "undici";
