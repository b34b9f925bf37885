/**
 * The control API under `/_sandbox` (not part of OVHcloud's API): JSON, no authentication (the
 * sandbox listens on loopback). It drives a sandbox run as a separate process (`exrec sandbox`)
 * the way tests drive an in-process one: stats, faults, read modes, latency, account patches.
 */
import { ApiFailure, SandboxControlError } from "./errors.js";
import type { Answer } from "./router.js";
import type { AnswerModes, FaultSpec, ReadModes, Sandbox, SandboxStats } from "./types.js";

/** The sandbox's knobs, as the control API and the programmatic face (`Sandbox`) both use them. */
export type Controls = Pick<
  Sandbox,
  | "resetStats"
  | "addFault"
  | "clearFaults"
  | "releaseHeld"
  | "setReadModes"
  | "setLatency"
  | "patchAccount"
  | "setAnswerModes"
  | "setDefaultPaymentMethod"
  | "passwordChanges"
  | "conformanceViolations"
> & {
  readStats(): SandboxStats;
};

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new SandboxControlError("the body must be a JSON object");
  return body as Record<string, unknown>;
}

function optional<T>(body: Record<string, unknown>, name: string, type: "string" | "number"): T | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type) throw new SandboxControlError(`${name} must be a ${type}`);
  return value as T;
}

/** A FaultSpec from JSON: `path` is a substring; `times` absent or null means until cleared. */
export function faultFromJson(body: unknown): FaultSpec {
  const input = object(body);
  const kind = optional<string>(input, "kind", "string");
  if (kind === undefined) throw new SandboxControlError("a fault needs a kind");
  const fault: FaultSpec = { kind: kind as FaultSpec["kind"] };
  const method = optional<string>(input, "method", "string");
  const path = optional<string>(input, "path", "string");
  const times = optional<number>(input, "times", "number");
  const retryAfterSeconds = optional<number>(input, "retryAfterSeconds", "number");
  const delayMs = optional<number>(input, "delayMs", "number");
  if (method !== undefined) fault.method = method;
  if (path !== undefined) fault.path = path;
  if (times !== undefined) fault.times = times;
  if (retryAfterSeconds !== undefined) fault.retryAfterSeconds = retryAfterSeconds;
  if (delayMs !== undefined) fault.delayMs = delayMs;
  return fault;
}

function readModesFromJson(body: unknown): ReadModes {
  const input = object(body);
  if (typeof input.pages !== "boolean" || typeof input.batch !== "boolean") {
    throw new SandboxControlError('read modes are {"pages": boolean, "batch": boolean}');
  }
  return { pages: input.pages, batch: input.batch };
}

/** A partial AnswerModes from JSON: only the keys given change. */
function answerModesFromJson(body: unknown): Partial<AnswerModes> {
  const input = object(body);
  const modes: Partial<AnswerModes> = {};
  for (const [key, value] of Object.entries(input)) {
    switch (key) {
      case "idleTaskPendingId":
        if (value !== 0 && value !== null) throw new SandboxControlError("idleTaskPendingId is 0 or null");
        modes.idleTaskPendingId = value;
        break;
      case "detailQuantity":
        if (value !== "string" && value !== "number")
          throw new SandboxControlError('detailQuantity is "string" or "number"');
        modes.detailQuantity = value;
        break;
      case "nullPrices":
      case "legacyPaymentMeans":
        if (typeof value !== "boolean") throw new SandboxControlError(`${key} is a boolean`);
        modes[key] = value;
        break;
      default:
        throw new SandboxControlError(`${key} is not an answer mode`, 400, {
          hint: "idleTaskPendingId, detailQuantity, nullPrices, legacyPaymentMeans",
        });
    }
  }
  return modes;
}

function latencyFromJson(body: unknown): number {
  const input = object(body);
  const ms = input.latencyMs ?? input.ms;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)
    throw new SandboxControlError('latency is {"latencyMs": milliseconds}');
  return ms;
}

/** Answers one control request; `segments` is the path after `/_sandbox/`, split and decoded. */
export function control(controls: Controls, method: string, segments: string[], body: unknown): Answer {
  const route = `${method} ${segments.length >= 1 && segments[0] === "account" ? "account" : segments.join("/")}`;
  switch (route) {
    case "GET stats":
      return { body: controls.readStats() };
    case "POST stats/reset":
      controls.resetStats();
      return { body: { ok: true } };
    case "POST faults":
      controls.addFault(faultFromJson(body));
      return { status: 201, body: { ok: true } };
    case "DELETE faults":
      controls.clearFaults();
      return { body: { ok: true } };
    case "POST faults/release":
      return { body: { released: controls.releaseHeld() } };
    case "PUT read-modes": {
      const modes = readModesFromJson(body);
      controls.setReadModes(modes);
      return { body: modes };
    }
    case "PUT latency": {
      const ms = latencyFromJson(body);
      controls.setLatency(ms);
      return { body: { latencyMs: ms } };
    }
    case "PUT answers":
      return { body: controls.setAnswerModes(answerModesFromJson(body)) };
    case "PUT payment-method": {
      const input = object(body);
      if (typeof input.default !== "boolean")
        throw new SandboxControlError('the payment method is {"default": boolean}');
      controls.setDefaultPaymentMethod(input.default);
      return { body: { default: input.default } };
    }
    case "GET password-changes":
      return { body: controls.passwordChanges() };
    case "GET conformance":
      return { body: { violations: controls.conformanceViolations() } };
    case "PATCH account": {
      if (segments.length !== 4)
        throw new SandboxControlError("PATCH /_sandbox/account/{org}/{svc}/{email}", 404);
      const [, org, svc, email] = segments as [string, string, string, string];
      controls.patchAccount(org, svc, email, object(body));
      return { body: { ok: true } };
    }
    default:
      throw new SandboxControlError(`no control route ${method} /_sandbox/${segments.join("/")}`, 404, {
        hint: "GET stats, POST stats/reset, POST|DELETE faults, PUT read-modes, PUT latency, PUT answers, PUT payment-method, GET password-changes, GET conformance, PATCH account/{org}/{svc}/{email}",
      });
  }
}

/** The JSON answer for an error of a control request. */
export function controlFailure(error: unknown): Answer {
  if (error instanceof SandboxControlError) {
    return {
      status: error.status,
      body: { message: error.message, ...(error.hint ? { hint: error.hint } : {}) },
    };
  }
  if (error instanceof ApiFailure) return { status: error.status, body: error.body };
  throw error;
}
