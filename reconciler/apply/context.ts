/**
 * What every apply step needs: the API, the backend, the clock, and the small helpers that make a
 * step level-based (re-read before writing) and patient (wait for tasks and deliveries).
 */
import { ExrecError } from "../errors.js";
import {
  isNotFound,
  type Backend,
  type ApiAccount,
  type ApiTask,
  type ExchangeApi,
  type OrderingTurns,
  type SecretStore,
  type Sleep,
} from "../ports.js";
import { interrupted } from "./interrupt.js";

export interface ApplyOptions {
  /** Destructive changes (reset, Private delete) are refused without it. */
  allowDestroy: boolean;
  /** More account removals (terminations, resets, deletions) than this in one apply are refused. */
  maxDestroy: number;
  /** A plan that removes every account of a platform is refused without it. */
  allowRemoveAll: boolean;
  /** false (`--no-pay`): orders are placed, their URL printed, and apply stops there. */
  pay: boolean;
  /** Where generated passwords are written (mode 0600); required when the plan adds accounts. */
  secretsOut: string | null;
  deliveryTimeoutMs: number;
  taskTimeoutMs: number;
  lockWaitMs: number;
  /** Upper bound of one wait between polls of a task or an order. */
  maxPollIntervalMs: number;
  /**
   * How long an order POST whose outcome is unknown (no answer in time, a dropped connection, a
   * 5xx) is looked for in the order list before the run gives up on it: one request timeout, since
   * a request the API is still working on may land that much later.
   */
  unknownOutcomeGraceMs: number;
}

export const DEFAULT_APPLY_OPTIONS: ApplyOptions = {
  allowDestroy: false,
  maxDestroy: 5,
  allowRemoveAll: false,
  pay: true,
  secretsOut: null,
  // OVHcloud's Terraform provider waits up to 30 minutes for an order's delivery.
  deliveryTimeoutMs: 30 * 60_000,
  taskTimeoutMs: 10 * 60_000,
  lockWaitMs: 0,
  maxPollIntervalMs: 10_000,
  unknownOutcomeGraceMs: 30_000,
};

export interface ApplyContext {
  api: ExchangeApi;
  backend: Backend;
  options: ApplyOptions;
  now: () => Date;
  /** The only way apply waits (between polls of tasks and orders). */
  sleep: Sleep;
  /** Where initial passwords go; required when the plan adds accounts (`--secrets-out`). */
  secrets: SecretStore | null;
  /** Human progress lines (stderr). Never given a secret. */
  log: (line: string) => void;
  who: string | null;
  commit: string | null;
  /** Aborted on Ctrl-C: waits end at once, and the next API call throws InterruptedError. */
  signal?: AbortSignal;
  /**
   * Host-wide turns, so that two exrec processes of this host with different backends never order
   * for the same account and service, or add the same address, at the same instant. Absent: none.
   */
  orderingTurns?: OrderingTurns;
}

export class ApplyRefusedError extends ExrecError {
  readonly code = "EXREC_APPLY_REFUSED";
}

export class TaskFailedError extends ExrecError {
  readonly code = "EXREC_TASK_FAILED";
}

export class WaitTimeoutError extends ExrecError {
  readonly code = "EXREC_WAIT_TIMEOUT";
}

/**
 * Runs `critical` holding this host's turn at `key` (a platform to order on, or an address to
 * add), when the edge gave turns. A turn is taken inside the backend's lock and released before
 * anything else is waited for (a task, a delivery), so no process holds one lock while waiting for
 * another in the other order, and other keys never wait.
 */
export async function inHostTurn<T>(
  ctx: ApplyContext,
  key: string,
  doing: string,
  critical: () => Promise<T>,
): Promise<T> {
  const turns = ctx.orderingTurns;
  if (!turns) return critical();
  const turn = await turns.take(key, {
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onWait: (holder) =>
      ctx.log(`  waiting for the turn at ${doing}: another exrec of this host (${holder}) holds it`),
  });
  try {
    return await critical();
  } finally {
    await turn.release();
  }
}

/** The live account, or null when a single GET says it does not exist. */
export async function readAccount(
  ctx: ApplyContext,
  org: string,
  svc: string,
  email: string,
): Promise<ApiAccount | null> {
  try {
    return await ctx.api.getAccount(org, svc, email);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** Polls `check` with a growing interval (200 ms doubling up to the maximum) until it returns a value. */
export async function pollUntil<T>(
  ctx: ApplyContext,
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = ctx.now().getTime() + timeoutMs;
  let interval = 200;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (ctx.signal?.aborted) throw interrupted();
    if (ctx.now().getTime() + interval > deadline) {
      throw new WaitTimeoutError(`gave up waiting for ${what} after ${Math.round(timeoutMs / 1000)} s`, {
        hint: "run apply again later: it resumes where it stopped, and never orders twice",
      });
    }
    await ctx.sleep(interval, ctx.signal);
    interval = Math.min(interval * 2, ctx.options.maxPollIntervalMs);
  }
}

/** Waits for an Exchange task to end; an `error` or `cancelled` task is a failure. */
export async function waitForTask(
  ctx: ApplyContext,
  org: string,
  svc: string,
  task: ApiTask,
  what: string,
): Promise<void> {
  const final = await pollUntil(ctx, `task ${task.id} (${what})`, ctx.options.taskTimeoutMs, async () => {
    const current = task.status === "done" ? task : await ctx.api.getTask(org, svc, task.id);
    return current.status === "done" || current.status === "error" || current.status === "cancelled"
      ? current
      : undefined;
  });
  if (final.status !== "done") {
    throw new TaskFailedError(`task ${final.id} (${final.function}) for ${what} ended in ${final.status}`, {
      hint: "see the task in OVHcloud's control panel; run apply again once its cause is fixed",
    });
  }
}
