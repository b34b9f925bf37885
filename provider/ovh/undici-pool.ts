/**
 * undici's connection Pool, without the rest of undici. `import { Pool } from "undici"` evaluates
 * undici's whole index: fetch, WebSocket, EventSource, caches, mock, proxy and retry agents, about
 * 100 ms of CPU at every start of exrec (more than a bare Node.js start) for one class. The Pool
 * here is the very class the index exports, from the same file and module cache; the index's one
 * side effect a Pool needs is done here as the index does it: the request API (`request`,
 * `stream`…) put on the Dispatcher prototype. The types are the package's.
 */
import { createRequire } from "node:module";
import type { Dispatcher as UndiciDispatcher, Pool as UndiciPool } from "undici";

const require = createRequire(import.meta.url);

const dispatcher = require("undici/lib/dispatcher/dispatcher.js") as typeof UndiciDispatcher;
Object.assign(dispatcher.prototype, require("undici/lib/api/index.js") as object);

export const Pool = require("undici/lib/dispatcher/pool.js") as typeof UndiciPool;
export type Pool = UndiciPool;
export type { Dispatcher } from "undici";
