/**
 * undici's connection Pool, without the rest of undici (nor its HTTP/2 half, see below). `import { Pool } from "undici"` evaluates
 * undici's whole index: fetch, WebSocket, EventSource, caches, mock, proxy and retry agents, about
 * 100 ms of CPU at every start of exrec (more than a bare Node.js start) for one class. The Pool
 * here is the very class the index exports, from the same file and module cache; the index's one
 * side effect a Pool needs is done here as the index does it: `request` put on the Dispatcher
 * prototype (the index puts the whole request API there; when it is loaded too, it is the same
 * function). The types are the package's.
 */
import { Module, createRequire } from "node:module";
import type { Dispatcher as UndiciDispatcher, Pool as UndiciPool } from "undici";

const require = createRequire(import.meta.url);

/*
 * undici's connection Client loads its HTTP/2 half, and with it node:http2 (several milliseconds
 * of every start, before the first request), as soon as it is itself loaded, although a Pool speaks
 * HTTP/2 only when asked to (`allowH2`), which exrec never does. That module (one function, the
 * HTTP/2 connection's setup) is put in the require cache as a stand-in that loads the real one on
 * the first HTTP/2 connection: nothing changes if one is ever made. Already loaded (by undici's
 * index, elsewhere in this process), it is left as it is.
 */
const http2Half = require.resolve("undici/lib/dispatcher/client-h2.js");
if (require.cache[http2Half] === undefined) {
  type ConnectH2 = (...args: unknown[]) => unknown;
  let real: ConnectH2 | undefined;
  const standIn = new Module(http2Half);
  standIn.filename = http2Half;
  standIn.loaded = true;
  standIn.exports = function connectH2(...args: unknown[]): unknown {
    if (real === undefined) {
      delete require.cache[http2Half];
      real = require(http2Half) as ConnectH2;
    }
    return real(...args);
  };
  require.cache[http2Half] = standIn;
}

const dispatcher = require("undici/lib/dispatcher/dispatcher.js") as typeof UndiciDispatcher;
// The one method of the request API the client calls (the index also adds stream, pipeline, upgrade
// and connect, each a module of its own).
if (typeof dispatcher.prototype.request !== "function") {
  dispatcher.prototype.request = require("undici/lib/api/api-request.js") as UndiciDispatcher["request"];
}

export const Pool = require("undici/lib/dispatcher/pool.js") as typeof UndiciPool;
export type Pool = UndiciPool;
export type { Dispatcher } from "undici";
