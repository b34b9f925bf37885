import { loadDesired } from "../load/index.js";
import { manifestReading } from "./manifests.js";
import { isEmpty, type Desired, type Plan, type Pricing } from "../model.js";
import { existsSync } from "node:fs";
import { platformKey } from "../model.js";
import type { Backend, ExchangeApi } from "../ports.js";
import { UsageError } from "../errors.js";
import { runFiles } from "./files.js";
import { note, pathIn, print, useColor, type CliIo } from "./io.js";
import {
  loadPlanner,
  planWithQuotes,
  readLive,
  readPlacedOrders,
  readPrices,
  selectedDesired,
} from "./pipeline.js";
import { declaredRecurringQuoteRequests, readQuotes } from "../prices.js";
import {
  backendSpec,
  openBackendFor,
  openSession,
  STATE_DIR,
  planningClock,
  resolveConfig,
  type Connection,
  type GlobalOptions,
} from "./session.js";
import { validateSelection, type Selection } from "./select.js";

export interface PlanOptions extends GlobalOptions, Selection {
  format: string;
  detailedExitcode?: boolean;
  out?: string;
  fingerprints?: boolean;
}

const loadTextRenderer = () => import("../render/plan-text.js");

/** The plan in a format; the Markdown and JSON renderers are loaded only for their format. */
export async function renderPlan(
  plan: Plan,
  format: string,
  options: { fingerprints?: boolean; color?: boolean } = {},
): Promise<string> {
  switch (format) {
    case "text":
      return (await loadTextRenderer()).renderPlanText(plan, { color: options.color ?? false });
    case "markdown":
      return (await import("../render/plan-markdown.js")).renderPlanMarkdown(plan);
    case "json":
      return (await import("../render/plan-json.js")).renderPlanJson(plan, options);
    default:
      throw new UsageError(`--format takes text, markdown or json, not ${JSON.stringify(format)}`);
  }
}

/** What a command plans for: the selected declared platforms, and where to read them. Reads no API. */
export interface PlanInput {
  connection: Connection;
  desired: Desired;
}

/** Checks the flags, resolves the configuration and loads the manifests: all before any request. */
export async function loadPlanInput(
  io: CliIo,
  files: string[],
  options: GlobalOptions & Selection,
): Promise<PlanInput> {
  if (files.length === 0)
    throw new UsageError("name at least one manifest file (YAML, cdk.tf.json or a cdktf.out folder)");
  validateSelection(options);
  const connection = resolveConfig(io, options);
  const desired = selectedDesired(await loadDesired(files, manifestReading(io)), options);
  if (desired.platforms.length === 0)
    throw new UsageError("no declared platform matches --platform/--exclude");
  return { connection, desired };
}

/**
 * Refreshes and plans: the part `plan` and `apply FILE...` share. The caller closes the session.
 * `backend`: the one apply holds; without it, the journal is read from the configured backend.
 * `pricing`: what the output shows (see Pricing); priced for its `changes` only, the plan reads
 * the quotes of the platforms it changes once it knows them, instead of every one's up front.
 */
export async function planInput(
  io: CliIo,
  input: PlanInput,
  options: GlobalOptions,
  pricing: Pricing,
  signal?: AbortSignal,
  backend?: Backend,
): Promise<{ plan: Plan; api: ExchangeApi; close: () => Promise<void> }> {
  const now = planningClock(io);
  // The backend first, as `terraform plan` initialises its backend first: an unreachable database
  // stops the plan before any request to the API, not after a long read of the live state.
  const journal = backend ? null : await openJournalBackend(io, options);
  try {
    const session = await openSession(io, input.connection, options, signal);
    // What depends only on the manifest (the price catalog, the recurring-price quotes its Hosted
    // platforms call for, the journal's open orders) is read while the platforms are refreshed, not
    // after: each is a round of requests the plan would otherwise wait for. The refresh asks first,
    // so its requests are the first in flight. No promise here rejects unhandled when another fails
    // first: each is awaited below, or settled before the connection closes.
    const scope = input.desired.platforms.map(platformKey);
    const reading = readLive(session.api, input.desired, {
      progress: wantsProgress(io, options),
      stream: io.stderr,
    });
    reading.catch(() => undefined);
    const prices = readPrices(session.api, subsidiaryOf(io));
    // When the refresh fails, the quotes not yet asked for are not asked for at all.
    const givenUp = new AbortController();
    const early = readQuotes(
      session.api,
      pricing === "estate" ? declaredRecurringQuoteRequests(input.desired) : [],
      { signal: givenUp.signal },
    );
    const from = backend ?? journal;
    const placed = from ? readPlacedOrders(session.api, from, scope) : Promise.resolve([]);
    placed.catch(() => undefined);
    // What only planning and rendering use loads while the first answer is awaited, once the first
    // request is on its way (a failed load fails again, and is reported, where the module is used).
    afterFirstRequestIsSent(() => {
      loadPlanner().catch(() => undefined);
      loadTextRenderer().catch(() => undefined);
    });
    try {
      const live = await reading;
      const plan = await planWithQuotes(
        session.api,
        live,
        now,
        await prices,
        (line) => note(io, line),
        await placed,
        await early,
        pricing,
      );
      return { plan, api: session.api, close: () => session.close() };
    } catch (error) {
      // The reads in flight answer (or fail) before the connection closes: none is left half done.
      givenUp.abort();
      await Promise.allSettled([reading, prices, early, placed]);
      await session.close();
      throw error;
    }
  } finally {
    await journal?.close();
  }
}

/**
 * Runs `work` (CPU only, e.g. loading modules) two turns of the event loop from now. The first
 * request of a run is handed to the connection pool at once, but it is written only when its
 * connection is made, one turn later (undici compiles its HTTP parser then): work started before
 * that turn would hold the request back by its own length, while started after it, it fills the
 * wait for the first answer. Against a remote API (DNS, TCP, TLS) it runs while they are awaited.
 */
function afterFirstRequestIsSent(work: () => void): void {
  setImmediate(() => setImmediate(work));
}

/**
 * Where the orders earlier applies placed and left undelivered are read from, so that the plan
 * names them instead of showing them as bought again. Read-only: no lock, no write, and no local
 * state folder is created where none exists (then no apply ran here, and there is no journal).
 */
async function openJournalBackend(io: CliIo, options: GlobalOptions): Promise<Backend | null> {
  const local = !backendSpec(io, options);
  if (local && !existsSync(pathIn(io, STATE_DIR))) return null;
  return openBackendFor(io, options);
}

export function wantsProgress(io: CliIo, options: GlobalOptions): boolean {
  return options.progress ?? (Boolean(io.stderr.isTTY) && !io.env.CI);
}

/** The OVHcloud subsidiary whose catalog gives the prices (`EXREC_SUBSIDIARY`, default FR). */
export function subsidiaryOf(io: CliIo): string {
  return io.env.EXREC_SUBSIDIARY ?? "FR";
}

const PLAN_FORMATS = ["text", "markdown", "json"];

export function checkFormat(format: string, allowed: string[] = PLAN_FORMATS): void {
  if (!allowed.includes(format)) {
    throw new UsageError(`--format takes ${allowed.join(", ")}, not ${JSON.stringify(format)}`);
  }
}

/** `exrec plan FILE...`: exit 0, or 2 with --detailed-exitcode when there are changes. */
export async function planCommand(io: CliIo, files: string[], options: PlanOptions): Promise<number> {
  checkFormat(options.format);
  // The run rate is in the JSON plan and the plan file only; the text and Markdown plans show the
  // changes' costs, so they price the changes alone.
  const pricing = options.format === "json" || options.out !== undefined ? "estate" : "changes";
  const { plan, close } = await planInput(io, await loadPlanInput(io, files, options), options, pricing);
  await close();
  print(
    io,
    await renderPlan(plan, options.format, {
      fingerprints: options.fingerprints,
      color: useColor(io, io.stdout),
    }),
  );
  if (options.out) {
    // The plan file's writer (and its canonical JSON) only for --out.
    const { manifestPathsToStore, writePlanFile } = await import("../planfile.js");
    const out = pathIn(io, options.out);
    await writePlanFile(
      options.out,
      {
        ...plan,
        manifest_files: manifestPathsToStore(
          out,
          files.map((f) => pathIn(io, f)),
        ),
      },
      runFiles(io),
    );
    note(io, `Plan saved to ${options.out}. Apply exactly this plan with: exrec apply ${options.out}`);
  }
  return options.detailedExitcode && !isEmpty(plan) ? 2 : 0;
}
