/**
 * The sandbox: a local HTTP server that speaks the subset of OVHcloud's API v1 that exrec uses
 * (docs/OVH-API.md), under `/1.0`, with the billing rules of docs/RULES.md, so that the same client
 * code runs against it and against OVHcloud. Tests run against it over real HTTP, and users try
 * exrec on it without an OVHcloud account. Its control API lives under `/_sandbox`.
 *
 * Known gaps against the real API (what a test passing here does not prove):
 *
 * Simplified
 * - Only the routes of docs/OVH-API.md exist; any other path under /1.0 answers 404.
 * - One set of credentials with every right: consumer-key access rules (ACLs) are not checked;
 *   the OAuth2 `scope` is ignored; issued tokens live in memory and die with the process.
 * - The signature is checked over the public base URL given as `publicUrl` (`--public-url`) and
 *   the path and query after `/1.0`, or, without one, over the scheme, Host header, path and query
 *   as received. HTTPS (`tls`) uses a self-signed certificate made at start.
 * - No rate limit: 429 and 5xx only happen when injected as faults.
 * - Tasks go `todo` → `doing` (half their delay) → `done`/`error`; they are never `cancelled`, and
 *   only addAccount, deleteAccount, changePassword and the demo's setAccount exist. The demo's two transitional
 *   accounts have tasks that never end by themselves (patch them through the control API).
 * - Expiry (H4): an account set to expire disappears on its expiration date; OVHcloud suspends
 *   it first. Renewals at expiry record no invoice.
 * - Writes on an account with a task in progress, or not `ok`, answer 409 (OVHcloud's exact
 *   behaviour is not documented).
 * - Accounts and services carry the schema's main fields; the others hold fixed neutral values.
 *   The service's `taskPendingId` reads 0 (the schema says it cannot be null).
 * - One payment method (id 1, a bank account whose payment mean is 1234), default unless the
 *   control API says otherwise; registered means are a fidelity account (whose balance pays
 *   only orders that cost 0) and that bank account. Orders cannot be cancelled; an order has
 *   one detail line.
 * - Some answers follow older shapes unless `answers` (AnswerModes) asks for the schema's: an
 *   idle account's `taskPendingId` (null, or OVHcloud's 0), `billing.OrderDetail.quantity`
 *   (number, or the schema's string), `priceInUcents`/`billing.Order.date` (never null unless
 *   asked), and registered payment means with ids.
 * - `changePassword` requires a password (the schema marks it optional) and keeps it in memory
 *   only, for tests (`passwordChanges`); no complexity policy is checked.
 * - A new account's password is only checked to be present (no complexity policy); only its
 *   SHA-256 is kept, in memory, for `passwordMatches` (what a log-in would check); changePassword
 *   replaces it. Logins are checked against the sandbox's own rule (letters, digits, `.`, `_`, `-`).
 *
 * Guessed (not confirmed by public material)
 * - Error bodies other than the three authentication errors of docs/OVH-API.md and the `class`
 *   errors: 401 `NOT_AUTHENTICATED` "You must login first" (no credentials), 401
 *   `INVALID_CREDENTIAL` (unknown or expired bearer token), 405, 409, 413, 429, 500, and the
 *   OAuth2 errors of the token endpoint (RFC 6749's). Messages of 404s and 400s.
 * - Pages (`X-Pagination-Mode: CachedObjectList-Pages`) on `…/account` and batches (`X-Ovh-Batch`)
 *   of accounts: both are unverified for Exchange, so both are off unless `readModes` turns them
 *   on. Page size defaults to 100 and page number to 1 when their headers are missing. Batch
 *   elements are `{key, value, error}`.
 * - Catalog: the plan codes `exchange-{hosted,private}-{basic,standard,enterprise}`, every price
 *   (plausible figures, not OVHcloud's), a `price` that covers the whole `interval` (12 months
 *   for the yearly pricing), and the FR subsidiary only.
 * - Orders: the placeholder `url`, an `expirationDate` 14 days after the order, the detail's
 *   `domain` being the service name, the quote's description texts, the price `text` format.
 * - The renewal screen: OVHcloud's control panel uses an internal route; the sandbox offers the
 *   schema's `PUT renewPeriod` and `POST …/terminate`, whose exact effects are unverified.
 * - Private (dedicated) accounts read `renewPeriod`, `deleteAtExpiration` and `expirationDate`
 *   as null; PUT of renewPeriod or deleteAtExpiration, and `…/terminate`, answer 400 there.
 * - A reset (H5) keeps the account `ok` with its task pending, then gives it a random 10-letter
 *   login on configureme.me; the licence, expiry, renewal and deleteAtExpiration stay.
 * - Delivered accounts: renewPeriod monthly for "01", yearly for "12", expiry = delivery + duration,
 *   mailbox 50 GB (300 GB for enterprise) unless `storageQuota` said otherwise.
 *
 * Checked against OVHcloud's published schema
 * - With EXREC_SANDBOX_CONFORMANCE set (the whole test suite sets it), every request and answer
 *   under /1.0 is held against the schema subset in test/fixtures/ovh-api/; KNOWN_GAPS below lists,
 *   as data the checker reads, what differs on purpose.
 *
 * Not implemented
 * - Aliases, domains, service settings, mailing lists, resources,
 *   devices, anything outside /email/exchange, /order and /me/order.
 * - Payment methods other than the one above; registering one; bills, refunds, contracts, vouchers; orders other than Exchange accounts; order cancellation.
 */
import { createHash } from "node:crypto";
import {
  loadConformanceChecker,
  type CheckedRequest,
  type ConformanceChecker,
  type KnownGap,
} from "./conformance.js";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { Authenticator } from "./auth.js";
import { control, controlFailure, type Controls } from "./control.js";
import { ApiFailure, SandboxControlError } from "./errors.js";
import { FaultBook } from "./faults.js";
import { readBody, sendJson, sleep, type BodyResult } from "./http.js";
import { PasswordBook } from "./passwords.js";
import { QueryIds } from "./query-id.js";
import { patchAccountRecord } from "./patch.js";
import { apiRouter, settle } from "./routes/index.js";
import { decodedPath, type Answer, type ApiCall, type EffectFault, type Method } from "./router.js";
import { seedState } from "./seed.js";
import { loadState, StateFileWriter, toDocument } from "./state-file.js";
import type { SandboxState } from "./state.js";
import { StatsRecorder } from "./stats.js";
import { selfSignedCertificate } from "./tls.js";
import {
  DEFAULT_ANSWER_MODES,
  SANDBOX_CREDENTIALS,
  type AnswerModes,
  type FaultSpec,
  type ReadModes,
  type Sandbox,
  type SandboxOptions,
} from "./types.js";
import { World } from "./world.js";

/**
 * Known gaps as data: where the sandbox's requests or answers differ from OVHcloud's published
 * schema on purpose, and why. The conformance checker (EXREC_SANDBOX_CONFORMANCE) fails every
 * other difference.
 */
export const KNOWN_GAPS: readonly KnownGap[] = [
  {
    route: "GET /order/catalog/public/exchange",
    field: "answer",
    reason:
      "the catalog's model is not in the schema subset; the sandbox's plan codes and prices are its own (see Guessed)",
  },
  {
    route: "GET /me/order/{orderId}/availableRegisteredPaymentMean",
    field: "answer[1].paymentMeanId",
    reason:
      "older answers (AnswerModes.legacyPaymentMeans, off by default) name the bank account's id, which billing.order.RegisteredPaymentMean lacks",
  },
];

const API_PREFIX = "/1.0";
const CONTROL_PREFIX = "/_sandbox";
const TOKEN_PATH = "/auth/oauth2/token";
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;
const WRITE_METHODS = new Set(["POST", "PUT", "DELETE"]);
const EFFECT_FAULTS = new Set<FaultSpec["kind"]>(["effect-then-500", "task-error", "never-deliver"]);

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? (() => new Date());
  const stateFile = options.stateFile ?? null;
  const writer = stateFile === null ? null : new StateFileWriter(stateFile);
  const state = openState(writer, options, now);
  const world = new World(state, {
    now,
    taskDelayMs: options.taskDelayMs ?? 0,
    deliveryDelayMs: options.deliveryDelayMs ?? 0,
  });
  const checker = await loadConformanceChecker(KNOWN_GAPS);
  const runtime = new SandboxRuntime(world, writer, options, checker);
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    runtime.handle(req, res).catch((error: unknown) => {
      process.stderr.write(`exrec sandbox: ${(error as Error).stack ?? String(error)}\n`);
      sendJson(res, 500, { class: "Server::InternalServerError", message: "Internal sandbox error" });
    });
  };
  const bindHost = options.host ?? "127.0.0.1";
  const tls = options.tls ? await selfSignedCertificate(bindHost) : null;
  const server: Server = tls
    ? createTlsServer({ cert: tls.cert, key: tls.key }, listener)
    : createServer(listener);
  await listen(server, options.port ?? 0, bindHost);
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `${tls ? "https" : "http"}://${host}:${address.port}${API_PREFIX}`;
  return runtime.facade(url, server, tls?.cert ?? null);
}

/** The state to start from: the file's when there is one, else the seed's (written out at once). */
function openState(writer: StateFileWriter | null, options: SandboxOptions, now: () => Date): SandboxState {
  const loaded = writer === null ? null : loadState(writer.file);
  if (loaded) return loaded;
  const seeded = seedState(options.seed ?? { kind: "demo" }, now());
  writer?.save(seeded, null);
  return seeded;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

class SandboxRuntime {
  private readonly router = apiRouter();
  private readonly faults = new FaultBook();
  /** The requests a `hold` fault holds, each waiting to be told whether to go on. */
  private held: ((go: boolean) => void)[] = [];
  private readonly recorder = new StatsRecorder();
  private readonly passwords = new PasswordBook();
  private readonly queryIds = new QueryIds();
  private readonly violations: string[] = [];
  private readonly auth: Authenticator;
  private readonly maxBodyBytes: number;
  private readModes: ReadModes;
  private answers: AnswerModes;
  private latencyMs: number;
  private readonly publicUrl: string | null;
  private readonly scheme: "http" | "https";

  constructor(
    private readonly world: World,
    private readonly writer: StateFileWriter | null,
    options: SandboxOptions,
    private readonly checker: ConformanceChecker | null = null,
  ) {
    this.auth = new Authenticator(
      options.credentials ?? SANDBOX_CREDENTIALS,
      options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
    );
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.readModes = { ...(options.readModes ?? { pages: false, batch: false }) };
    this.latencyMs = options.latencyMs ?? 0;
    this.answers = { ...DEFAULT_ANSWER_MODES, ...(options.answers ?? {}) };
    this.publicUrl = options.publicUrl === undefined ? null : publicBase(options.publicUrl);
    this.scheme = options.tls ? "https" : "http";
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    const rawQuery = queryAt < 0 ? "" : rawUrl.slice(queryAt + 1);
    if (rawPath === API_PREFIX || rawPath.startsWith(`${API_PREFIX}/`)) {
      await this.serveApi(req, res, rawPath.slice(API_PREFIX.length), rawQuery, this.signedUrl(req, rawUrl));
    } else if (rawPath === TOKEN_PATH) {
      await this.serveToken(req, res);
    } else if (rawPath === CONTROL_PREFIX || rawPath.startsWith(`${CONTROL_PREFIX}/`)) {
      await this.serveControl(req, res, rawPath.slice(CONTROL_PREFIX.length));
    } else {
      req.resume();
      sendJson(res, 404, {
        message: `Nothing here: the API is under ${API_PREFIX}, the control API under ${CONTROL_PREFIX}`,
      });
    }
  }

  /**
   * The URL a client signed: the public base URL the sandbox stands for followed by what comes
   * after `/1.0`, or else the URL the request reached.
   */
  private signedUrl(req: IncomingMessage, rawUrl: string): string {
    if (this.publicUrl !== null) return `${this.publicUrl}${rawUrl.slice(API_PREFIX.length)}`;
    return `${this.scheme}://${req.headers.host ?? ""}${rawUrl}`;
  }

  // -------------------------------------------------------------------------------------------
  // /1.0

  private async serveApi(
    req: IncomingMessage,
    res: ServerResponse,
    rawPath: string,
    rawQuery: string,
    fullUrl: string,
  ): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const match = this.router.match(method, rawPath);
    const pattern =
      match.kind === "found"
        ? match.route.pattern
        : match.kind === "wrong-method"
          ? match.pattern
          : "(unknown route)";
    const path = decodedPath(rawPath);
    this.recorder.begin(`${method} ${pattern}`);
    res.once("close", () => this.recorder.end());

    let answer: Answer | "dropped";
    try {
      answer = await this.answerApi(req, method, match, rawQuery, fullUrl, path);
    } catch (error) {
      answer = failureAnswer(error);
    }
    if (answer !== "dropped") {
      try {
        this.saveIfChanged();
      } catch (error) {
        answer = {
          status: 500,
          body: {
            class: "Server::InternalServerError",
            message: `The sandbox could not save its state: ${(error as Error).message}`,
          },
        };
      }
    }
    if (WRITE_METHODS.has(method))
      this.recorder.write(method, path, answer === "dropped" ? 0 : (answer.status ?? 200));
    if (answer === "dropped") {
      req.socket.destroy();
      return;
    }
    // Every answer carries a query id, as OVHcloud's do: support asks for it.
    sendJson(res, answer.status ?? 200, answer.body, {
      ...answer.headers,
      "X-Ovh-QueryID": this.queryIds.next(),
    });
  }

  private async answerApi(
    req: IncomingMessage,
    method: string,
    match: ReturnType<SandboxRuntime["router"]["match"]>,
    rawQuery: string,
    fullUrl: string,
    path: string,
  ): Promise<Answer | "dropped"> {
    const body: BodyResult = await readBody(req, this.maxBodyBytes);
    if (body.kind === "aborted") return "dropped";
    if (body.kind === "too-large") {
      return failure(
        ApiFailure.of(
          413,
          "Client::RequestEntityTooLarge",
          `The request body is larger than ${body.limit} bytes`,
        ),
      );
    }
    if (this.latencyMs > 0) await sleep(this.latencyMs);

    let effect: EffectFault | null = null;
    const fault = this.faults.take(method, path, this.recorder.inFlightNow);
    if (fault) {
      switch (fault.kind) {
        case "429": {
          const seconds = fault.retryAfterSeconds ?? 1;
          return {
            status: 429,
            body: { class: "Client::TooManyRequests", message: "Too many requests" },
            headers: { "Retry-After": String(seconds) },
          };
        }
        case "500":
          return failure(ApiFailure.of(500, "Server::InternalServerError", "Internal server error"));
        case "drop":
          return "dropped";
        case "slow":
          await sleep(fault.delayMs ?? 1000);
          break;
        case "hold":
          // Released: handled as usual. Still held when the sandbox closes: dropped, doing nothing.
          if (!(await new Promise<boolean>((resolve) => this.held.push(resolve)))) return "dropped";
          break;
        default:
          if (EFFECT_FAULTS.has(fault.kind)) effect = fault.kind;
      }
    }

    if (match.kind === "none") throw ApiFailure.notFound("Got an invalid (or empty) URL");
    if (match.kind === "wrong-method")
      throw ApiFailure.of(
        405,
        "Client::MethodNotAllowed",
        `Method ${method} is not allowed on ${match.pattern}`,
      );
    if (!match.route.public) {
      try {
        this.auth.verify({ method, fullUrl, body: body.text, headers: req.headers });
      } catch (error) {
        this.recorder.authFailure();
        throw error;
      }
    }
    const call: ApiCall = {
      method: method as Method,
      params: match.params,
      rawParams: match.rawParams,
      query: new URLSearchParams(rawQuery),
      headers: req.headers,
      body: parseJson(body.text),
      effect,
    };
    const checked: CheckedRequest = {
      method,
      rawPath: rawApiPath(req.url ?? ""),
      query: call.query,
      headers: req.headers,
      body: call.body,
    };
    const refused = this.conformance(this.checker?.checkRequest(checked) ?? []);
    if (refused) return refused;
    settle(this.world, call.params.org, call.params.svc);
    const answer = match.route.handle(call, {
      world: this.world,
      readModes: this.readModes,
      answers: this.answers,
      passwords: this.passwords,
    });
    if (effect === "effect-then-500") {
      return failure(ApiFailure.of(500, "Server::InternalServerError", "Internal server error"));
    }
    return (
      this.conformance(
        this.checker?.checkAnswer(checked, { status: answer.status ?? 200, body: answer.body }) ?? [],
      ) ?? answer
    );
  }

  /** Records violations and turns them into the answer that names them (null: none). */
  private conformance(problems: string[]): Answer | null {
    if (problems.length === 0) return null;
    this.violations.push(...problems);
    for (const problem of problems) process.stderr.write(`exrec sandbox: conformance: ${problem}\n`);
    return {
      status: 500,
      body: {
        class: "Server::InternalServerError",
        message: `Conformance to OVHcloud's published schema: ${problems.join("; ")}`,
      },
    };
  }

  private saveIfChanged(): void {
    const changed = this.world.takeChanges();
    if (changed !== null && this.writer !== null) this.writer.save(this.world.state, changed);
  }

  // -------------------------------------------------------------------------------------------
  // /auth/oauth2/token

  private async serveToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    this.recorder.begin(`${method} ${TOKEN_PATH}`);
    res.once("close", () => this.recorder.end());
    const body = await readBody(req, this.maxBodyBytes);
    if (body.kind === "aborted") return;
    if (method !== "POST")
      return sendJson(res, 405, { error: "invalid_request", error_description: "use POST" });
    if (body.kind === "too-large")
      return sendJson(res, 413, { error: "invalid_request", error_description: "request too large" });
    const answer = this.auth.issueToken(new URLSearchParams(body.text), req.headers);
    if (answer.issued) this.recorder.tokenIssued();
    else if (answer.status === 401) this.recorder.authFailure();
    sendJson(res, answer.status, answer.body, { "Cache-Control": "no-store" });
  }

  // -------------------------------------------------------------------------------------------
  // /_sandbox

  private async serveControl(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
    const body = await readBody(req, this.maxBodyBytes);
    if (body.kind === "aborted") return;
    let answer: Answer;
    try {
      if (body.kind === "too-large")
        throw new SandboxControlError(`the body is larger than ${body.limit} bytes`);
      const segments = rest
        .split("/")
        .filter((s) => s !== "")
        .map((s) => decodeURIComponent(s));
      let json: unknown;
      try {
        json = parseJson(body.text);
      } catch {
        throw new SandboxControlError("the body is not JSON");
      }
      answer = control(this.controls, (req.method ?? "GET").toUpperCase(), segments, json);
    } catch (error) {
      answer = controlFailure(error);
    }
    sendJson(res, answer.status ?? 200, answer.body);
  }

  /** What tests, benchmarks and the control API may change; the same object serves all three. */
  private readonly controls: Controls = {
    readStats: () => this.recorder.stats,
    resetStats: () => this.recorder.reset(),
    addFault: (fault: FaultSpec) => this.faults.add(fault),
    clearFaults: () => this.faults.clear(),
    releaseHeld: () => this.letHeldGo(true),
    setReadModes: (modes: ReadModes) => {
      this.readModes = { pages: modes.pages, batch: modes.batch };
    },
    setLatency: (ms: number) => {
      if (!Number.isFinite(ms) || ms < 0)
        throw new SandboxControlError(`latency must be a number of milliseconds ≥ 0, not ${ms}`);
      this.latencyMs = ms;
    },
    setAnswerModes: (modes: Partial<AnswerModes>) => {
      this.answers = { ...this.answers, ...modes };
      return { ...this.answers };
    },
    setDefaultPaymentMethod: (present: boolean) => {
      this.world.state.defaultPaymentMethod = present;
      this.world.changed("orders");
      this.saveIfChanged();
    },
    passwordChanges: () => this.passwords.list(),
    conformanceViolations: () => [...this.violations],
    patchAccount: (org: string, svc: string, email: string, patch: Record<string, unknown>) => {
      settle(this.world, org, svc);
      const service = this.world.findService(org, svc);
      if (!service) throw new SandboxControlError(`patchAccount: no service ${org}/${svc}`, 404);
      const account = service.accounts.get(email.toLowerCase());
      if (!account) throw new SandboxControlError(`patchAccount: no account ${email} on ${org}/${svc}`, 404);
      patchAccountRecord(service, account, patch);
      this.world.changed(service);
      this.saveIfChanged();
    },
  };

  /** Ends the wait of every held request: handled (`go`) or dropped; returns how many. */
  letHeldGo(go: boolean): number {
    const held = this.held;
    this.held = [];
    for (const release of held) release(go);
    return held.length;
  }

  facade(url: string, server: Server, certificate: string | null): Sandbox {
    const { controls, world } = this;
    const dropHeld = () => this.letHeldGo(false);
    return {
      url,
      certificate,
      get stats() {
        return controls.readStats();
      },
      resetStats: controls.resetStats,
      addFault: controls.addFault,
      clearFaults: controls.clearFaults,
      releaseHeld: controls.releaseHeld,
      setReadModes: controls.setReadModes,
      setLatency: controls.setLatency,
      setAnswerModes: controls.setAnswerModes,
      setDefaultPaymentMethod: controls.setDefaultPaymentMethod,
      passwordChanges: controls.passwordChanges,
      conformanceViolations: controls.conformanceViolations,
      patchAccount: controls.patchAccount,
      snapshot: () => toDocument(world.state),
      passwordMatches: (org: string, svc: string, email: string, password: string) =>
        world.passwordDigests.get(`${org}/${svc}/${email}`.toLowerCase()) ===
        createHash("sha256").update(password, "utf8").digest("hex"),
      close: () =>
        new Promise<void>((resolve, reject) => {
          // A held request must not keep the sandbox from closing.
          dropHeld();
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        }),
    };
  }
}

/** `https://eu.api.ovh.com/1.0` as given, without a trailing slash; refused unless http(s) and ending in /1.0. */
function publicBase(text: string): string {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new SandboxControlError(`the public URL ${JSON.stringify(text)} is not a URL`);
  }
  const base = text.replace(/\/+$/, "");
  if (
    (parsed.protocol !== "https:" && parsed.protocol !== "http:") ||
    !base.endsWith(API_PREFIX) ||
    parsed.search !== ""
  )
    throw new SandboxControlError(
      `the public URL ${JSON.stringify(text)} must be an http(s) base URL ending in ${API_PREFIX}, e.g. https://eu.api.ovh.com/1.0`,
    );
  return base;
}

/** The path below `/1.0` of a request URL, still URL-encoded. */
function rawApiPath(rawUrl: string): string {
  const queryAt = rawUrl.indexOf("?");
  const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
  return rawPath.slice(API_PREFIX.length);
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw ApiFailure.badRequest("Invalid JSON received");
  }
}

function failure(error: ApiFailure): Answer {
  return { status: error.status, body: error.body, headers: error.headers };
}

function failureAnswer(error: unknown): Answer {
  if (error instanceof ApiFailure) return failure(error);
  process.stderr.write(`exrec sandbox: ${(error as Error).stack ?? String(error)}\n`);
  return { status: 500, body: { class: "Server::InternalServerError", message: "Internal sandbox error" } };
}
