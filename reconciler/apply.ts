/**
 * Carries out a Plan. The promises it keeps:
 *  - it refuses before its first write when the plan is destructive and `--allow-destroy` was not
 *    given, removes more accounts than `--max-destroy` (terminations included), or removes every
 *    account of a platform without `--allow-remove-all`;
 *  - it runs only under the backend's lock over the plan's platforms (the caller takes it before
 *    reading the live state), so two applies never interleave;
 *  - non-destructive changes first, destructive last (APPLY_ORDER); on a failure it stops that
 *    platform and reports what was done and what was not;
 *  - every step re-reads before it writes (level-based), so a second apply writes nothing;
 *  - orders are journalled and resumed, never placed twice for one need (apply/order.ts);
 *  - every change's result goes to the history.
 */
import {
  APPLY_ORDER,
  destructiveChanges,
  isEmpty,
  platformKey,
  removals,
  type Change,
  type Plan,
} from "./model.js";
import { InterruptedError } from "./errors.js";
import type { HeldLock, HistoryEntry } from "./ports.js";
import { ApplyRefusedError, type ApplyContext } from "./apply/context.js";
import { applyOrder } from "./apply/order.js";
import { resumePasswordChanges } from "./apply/password.js";
import { settleJournal } from "./apply/journal.js";
import { applyAccountChange, outcome, type ChangeOutcome } from "./apply/steps.js";

export {
  ApplyRefusedError,
  DEFAULT_APPLY_OPTIONS,
  type ApplyContext,
  type ApplyOptions,
} from "./apply/context.js";
export type { ChangeOutcome } from "./apply/steps.js";

export interface ApplyReport {
  outcomes: ChangeOutcome[];
  /** Platforms where a change failed; their later changes were not run. */
  failedPlatforms: { platform: string; error: string }[];
  writes: number;
  /** Stopped by Ctrl-C (or SIGTERM) at a safe point: the changes not finished are `not-run`. */
  interrupted: boolean;
}

/** The checks made before the first write; throws ApplyRefusedError. */
export function checkApplyAllowed(plan: Plan, options: ApplyContext["options"]): void {
  const destructive = destructiveChanges(plan);
  if (destructive.length > 0 && !options.allowDestroy) {
    throw new ApplyRefusedError(
      `the plan holds ${destructive.length} destructive change(s) and --allow-destroy was not given; nothing was written:\n` +
        destructive
          .map(
            (c) =>
              `  ! ${c.action} ${c.action === "order" ? "" : c.address} on ${platformKey(c.platform)} (${c.rule ?? ""})`,
          )
          .join("\n"),
      { hint: "review them, then run apply with --allow-destroy" },
    );
  }
  // A termination is a deletion at the expiry date: it counts, as Terraform counts every destroy.
  const removed = removals(plan);
  if (removed.length > options.maxDestroy) {
    const now = removed.filter((r) => r.now).length;
    throw new ApplyRefusedError(
      `the plan removes ${removed.length} accounts (${removed.length - now} terminated at expiry, ${now} destroyed now), ` +
        `more than --max-destroy ${options.maxDestroy}; nothing was written`,
      { hint: `review them, then run apply with --max-destroy ${removed.length} if this is really intended` },
    );
  }
  const emptied = plan.summary.emptiedPlatforms;
  if (emptied.length > 0 && !options.allowRemoveAll) {
    throw new ApplyRefusedError(
      `the plan removes every account of ${emptied.join(", ")}; nothing was written`,
      {
        hint: "a manifest that prunes with its accounts missing does this: check it, then run apply with --allow-remove-all if it is really intended",
      },
    );
  }
  if (!options.secretsOut && plan.changes.some((c) => needsSecretsOut(c, options))) {
    const what = plan.changes.some((c) => c.action === "add")
      ? "the plan adds accounts, whose initial passwords are generated"
      : "the plan configures blank Hosted accounts (reused or ordered), whose passwords are generated";
    throw new ApplyRefusedError(
      `${what} and written only to the file named by --secrets-out; nothing was written`,
      { hint: "run apply with --secrets-out FILE (it is written with mode 0600)" },
    );
  }
}

/**
 * Changes that generate a password: a Private add, a blank configured, and an order (its blanks are
 * configured once delivered; with --no-pay the run stops before that).
 */
export function needsSecretsOut(change: Change, options: ApplyContext["options"]): boolean {
  return (
    change.action === "add" || change.action === "configure" || (change.action === "order" && options.pay)
  );
}

/** Applies `plan` under `lock`, which must cover every platform of the plan. */
export async function applyPlan(plan: Plan, ctx: ApplyContext, lock: HeldLock): Promise<ApplyReport> {
  checkApplyAllowed(plan, ctx.options);
  const unlocked = plan.platforms.map(platformKey).filter((key) => !lock.scope.includes(key));
  if (unlocked.length > 0) throw new Error(`applyPlan called without the lock of ${unlocked.join(", ")}`);
  if (isEmpty(plan)) return { outcomes: [], failedPlatforms: [], writes: 0, interrupted: false };
  // Passwords an interrupted run could not set, on blanks it configured, come first.
  await resumePasswordChanges(ctx, plan.platforms.map(platformKey));

  const byPlatform = new Map<string, Change[]>();
  for (const change of plan.changes) {
    const key = platformKey(change.platform);
    const changes = byPlatform.get(key);
    if (changes) changes.push(change);
    else byPlatform.set(key, [change]);
  }
  // History is written group by group as changes complete, so that a run killed half way still
  // records what it did; a failure to write it stops that platform and is reported at the end.
  const recorder = new HistoryRecorder(ctx, plan);
  const results = await Promise.all(
    [...byPlatform.entries()].map(([platform, changes]) => applyPlatform(ctx, platform, changes, recorder)),
  );
  const report: ApplyReport = { outcomes: [], failedPlatforms: [], writes: 0, interrupted: false };
  for (const result of results) {
    report.outcomes.push(...result.outcomes);
    if (result.error) report.failedPlatforms.push({ platform: result.platform, error: result.error });
  }
  report.writes = report.outcomes.reduce((sum, o) => sum + o.writes, 0);
  report.interrupted = ctx.signal?.aborted === true;
  if (report.interrupted) {
    recorder.throwIfFailed();
    return report;
  }
  // Every platform of the plan, not only those with changes: an operation an earlier run left
  // open may have taken effect since (a delete that answered 500 after deleting).
  await Promise.all(plan.platforms.map((p) => settleJournal(ctx, p)));
  recorder.throwIfFailed();
  return report;
}

/** One platform's changes, group by group in apply order; a failure stops the platform. */
async function applyPlatform(
  ctx: ApplyContext,
  platform: string,
  changes: Change[],
  recorder: HistoryRecorder,
): Promise<{ platform: string; outcomes: ChangeOutcome[]; error: string | null }> {
  const outcomes: ChangeOutcome[] = [];
  let error: string | null = null;
  for (const action of APPLY_ORDER) {
    const group = changes.filter((c) => c.action === action);
    if (group.length === 0) continue;
    if (error || ctx.signal?.aborted) {
      const skipped = group.map((c) =>
        outcome(c, "not-run", {
          message: error
            ? "not run: an earlier change on this platform failed"
            : "not run: interrupted; run apply again to carry it out",
        }),
      );
      outcomes.push(...skipped);
      await recorder.record(skipped);
      continue;
    }
    const before = outcomes.length;
    // Changes of one kind are independent of each other: run them concurrently (the API client caps it).
    const settled = await Promise.all(
      group.map((c) => settle(c, c.action === "order" ? applyOrder(ctx, c) : applyAccountChange(ctx, c))),
    );
    for (const { change, result } of settled) {
      if (result.status === "fulfilled") {
        outcomes.push(result.value);
        if (result.value.result === "failed" && !error) error = result.value.message ?? "a change failed";
        // An order awaiting payment is told in full once, by the summary that ends the run.
        const detail =
          result.value.result === "awaiting-payment"
            ? result.value.orderId !== null
              ? `order ${result.value.orderId}`
              : null
            : result.value.message;
        ctx.log(
          `  ${marker(result.value)} ${change.action} ${result.value.addresses.join(",")} on ${platform}: ${result.value.result}${detail ? ` (${detail})` : ""}`,
        );
      } else if (result.reason instanceof InterruptedError) {
        // Stopped at a safe point: what it did is recorded, and a rerun carries it on.
        outcomes.push(
          outcome(change, "not-run", {
            message: "interrupted before it finished; run apply again to finish it",
          }),
        );
      } else {
        const message = result.reason instanceof Error ? result.reason.message : String(result.reason);
        outcomes.push(outcome(change, "failed", { message }));
        if (!error) error = message;
        ctx.log(
          `  ✗ ${change.action} ${change.action === "order" ? change.addresses.join(", ") : change.address} on ${platform}: failed: ${message}`,
        );
      }
    }
    if (!(await recorder.record(outcomes.slice(before))) && !error) {
      error = "the history could not be written; stopped so that nothing goes unrecorded";
    }
  }
  return { platform, outcomes, error };
}

/** Appends outcomes to the history as they come; remembers the first failure to do so. */
class HistoryRecorder {
  private failure: unknown = null;
  private readonly changes: ReadonlyMap<string, Change>;

  constructor(
    private readonly ctx: ApplyContext,
    plan: Plan,
  ) {
    this.changes = new Map(plan.changes.map((c) => [c.id, c]));
  }

  /** false when the history could not be written. */
  async record(outcomes: ChangeOutcome[]): Promise<boolean> {
    const entries = outcomes
      .filter((o) => o.result !== "unchanged")
      .map((o) => toHistory(this.ctx, this.changes.get(o.changeId), o));
    if (entries.length === 0) return true;
    try {
      await this.ctx.backend.historyAppend(entries);
      return true;
    } catch (error) {
      this.failure ??= error;
      return false;
    }
  }

  throwIfFailed(): void {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows what the backend threw, unchanged, as the catch that kept it would have
    if (this.failure !== null) throw this.failure;
  }
}

function marker(o: ChangeOutcome): string {
  return o.result === "done" ? "✓" : o.result === "unchanged" ? "=" : o.result === "failed" ? "✗" : "…";
}

function toHistory(ctx: ApplyContext, change: Change | undefined, o: ChangeOutcome): HistoryEntry {
  return {
    at: ctx.now().toISOString(),
    who: ctx.who,
    commit: ctx.commit,
    platform: o.platform,
    changeId: o.changeId,
    action: o.action,
    addresses: o.addresses,
    result: o.result === "done" ? "done" : o.result === "failed" ? "failed" : "skipped",
    message: o.message,
    orderId: o.orderId,
    amount: o.amount,
    effective: change?.effective ?? null,
    renewal: change?.action === "renew" ? (change.after.renewal ?? null) : null,
  };
}

/** What running one change gave, kept with the change: it never rejects. */
async function settle<T>(
  change: Change,
  running: Promise<T>,
): Promise<{ change: Change; result: PromiseSettledResult<T> }> {
  try {
    return { change, result: { status: "fulfilled", value: await running } };
  } catch (reason) {
    return { change, result: { status: "rejected", reason } };
  }
}
