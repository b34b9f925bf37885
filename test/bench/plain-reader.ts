/**
 * The floor of a reader's CPU: the plainest reader of the same pages, batches or single GETs that
 * exrec's refresh makes, straight on undici. One `Pool` to the origin, signed requests, a fixed
 * number in flight, `body.json()`, and nothing else: no retries, no shape checks, no redaction, no
 * model. It knows the read mode in advance and only counts what it read, so that exrec's reader
 * CPU can be put beside the least any reader of these answers needs. Knowing the mode spares it
 * the probes that cost a request (the batch exrec tries per platform where the API answers none);
 * what no reader can spare is kept: in batch mode each platform's first batch is answered before
 * its other batches are sent, since whether the API answers a platform's batches (unverified on
 * Exchange, and refused for some platforms while answered for others: see docs/OVH-API.md) is
 * known only from an answer. exrec does exactly that, with the first batch it needs anyway.
 *
 * Also a whole process of its own (`node plain-reader.js SPEC_JSON`), for the comparison of whole
 * `exrec plan` processes with the plainest program that reads the same fleet.
 */
import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";
import { Pool } from "undici";
import { SANDBOX_CREDENTIALS } from "../../provider/sandbox/types.js";
import type { PlatformRef } from "../../reconciler/model.js";

export type PlainMode = "pages" | "batch" | "single";

export interface PlainReaderSpec {
  mode: PlainMode;
  /** Base URL including `/1.0`. */
  url: string;
  targets: PlatformRef[];
  concurrency: number;
  expectedAccounts: number;
}

export interface PlainReaderResult {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  requests: number;
  accounts: number;
}

const PAGE_SIZE = 500;
const BATCH_SIZE = 50;

export async function runPlainReader(spec: PlainReaderSpec): Promise<PlainReaderResult> {
  const base = new URL(spec.url);
  const origin = base.origin;
  const prefix = base.pathname.replace(/\/$/, "");
  const pool = new Pool(origin, { connections: spec.concurrency, pipelining: 1 });
  const { applicationKey, applicationSecret, consumerKey } = SANDBOX_CREDENTIALS;
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  let requests = 0;
  let offset = 0;

  async function get(path: string, headers: Record<string, string> = {}, signed = true) {
    while (inFlight >= spec.concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight++;
    requests++;
    try {
      const fullPath = `${prefix}${path}`;
      const all: Record<string, string> = { ...headers };
      if (signed) {
        const timestamp = String(Math.floor(Date.now() / 1000) + offset);
        const text = `${applicationSecret}+${consumerKey}+GET+${origin}${fullPath}++${timestamp}`;
        all["x-ovh-application"] = applicationKey;
        all["x-ovh-consumer"] = consumerKey;
        all["x-ovh-timestamp"] = timestamp;
        all["x-ovh-signature"] = `$1$${createHash("sha1").update(text).digest("hex")}`;
      }
      const answer = await pool.request({ method: "GET", path: fullPath, headers: all });
      const body = await answer.body.json();
      if (answer.statusCode !== 200) throw new Error(`GET ${path}: ${answer.statusCode}`);
      return { body, headers: answer.headers };
    } finally {
      inFlight--;
      waiting.shift()?.();
    }
  }

  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  offset = ((await get("/auth/time", {}, false)).body as number) - Math.floor(Date.now() / 1000);
  const counts = await Promise.all(
    spec.targets.map(async ({ organization, service }) => {
      const platform = `/email/exchange/${encodeURIComponent(organization)}/service/${encodeURIComponent(service)}`;
      const list = `${platform}/account`;
      const [, , first] = await Promise.all([
        get(platform),
        get(`${platform}/domain`),
        spec.mode === "pages"
          ? get(list, {
              "x-pagination-mode": "CachedObjectList-Pages",
              "x-pagination-size": String(PAGE_SIZE),
              "x-pagination-number": "1",
            })
          : get(list),
      ]);
      const items = first.body as unknown[];
      if (spec.mode === "pages") {
        const total = Number(first.headers["x-pagination-elements"]);
        const pages = Math.ceil(total / PAGE_SIZE);
        const rest = await Promise.all(
          Array.from({ length: Math.max(0, pages - 1) }, (_, i) =>
            get(list, {
              "x-pagination-mode": "CachedObjectList-Pages",
              "x-pagination-size": String(PAGE_SIZE),
              "x-pagination-number": String(i + 2),
            }),
          ),
        );
        return items.length + rest.reduce((n, page) => n + (page.body as unknown[]).length, 0);
      }
      const ids = items as string[];
      if (spec.mode === "batch") {
        const batches: string[][] = [];
        for (let i = 0; i < ids.length; i += BATCH_SIZE) batches.push(ids.slice(i, i + BATCH_SIZE));
        const batchGet = (batch: string[]) =>
          get(`${list}/${batch.map(encodeURIComponent).join(",")}`, { "x-ovh-batch": "," });
        // This platform's first batch, alone: it says whether the API answers its batches.
        const first = batches[0] === undefined ? [] : [await batchGet(batches[0])];
        const answers = [...first, ...(await Promise.all(batches.slice(first.length).map(batchGet)))];
        return answers.reduce((n, answer) => n + (answer.body as unknown[]).length, 0);
      }
      // One GET per account, at most `concurrency` waiting per platform (as refresh does).
      let next = 0;
      let read = 0;
      await Promise.all(
        Array.from({ length: Math.min(spec.concurrency, ids.length) }, async () => {
          while (next < ids.length) {
            await get(`${list}/${encodeURIComponent(ids[next++]!)}`);
            read++;
          }
        }),
      );
      return read;
    }),
  );
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  await pool.close();
  const accounts = counts.reduce((a, b) => a + b, 0);
  if (accounts !== spec.expectedAccounts)
    throw new Error(`read ${accounts} accounts, expected ${spec.expectedAccounts}`);
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    requests,
    accounts,
  };
}

// A whole process of its own: `node plain-reader.js SPEC_JSON` prints its result as JSON.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runPlainReader(JSON.parse(process.argv[2] ?? "{}") as PlainReaderSpec).then(
    (result) => process.stdout.write(JSON.stringify(result)),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
