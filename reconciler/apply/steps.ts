/**
 * One function per kind of account change. Each is level-based (controller-runtime's Reconcile):
 * it re-reads the account, writes only what still differs, and so running it twice is harmless.
 * Orders live in order.ts.
 */
import { randomUUID } from "node:crypto";
import { offerOf, platformKey, type Address, type Change, type Money, type Offer } from "../model.js";
import { isRejected, type AccountUpdate, type ApiAccount, type ApiTask } from "../ports.js";
import {
  ApplyRefusedError,
  inHostTurn,
  readAccount,
  TaskFailedError,
  waitForTask,
  type ApplyContext,
} from "./context.js";
import { failpoint } from "./failpoint.js";
import { configureBlank } from "./password.js";

export type OutcomeResult = "done" | "unchanged" | "failed" | "not-run" | "awaiting-payment";

export interface ChangeOutcome {
  changeId: string;
  platform: string;
  action: Change["action"];
  /** The account it is about, or the accounts an order is for. */
  addresses: Address[];
  result: OutcomeResult;
  message: string | null;
  orderId: number | null;
  amount: Money | null;
  /** Write requests sent (PUT, POST, DELETE) for this change. */
  writes: number;
}

export function outcome(
  change: Change,
  result: OutcomeResult,
  extra: Partial<ChangeOutcome> = {},
): ChangeOutcome {
  return {
    changeId: change.id,
    platform: platformKey(change.platform),
    action: change.action,
    addresses: change.action === "order" ? [...change.addresses] : [change.address],
    result,
    message: null,
    orderId: null,
    amount: null,
    writes: 0,
    ...extra,
  };
}

type AccountChange = Exclude<Change, { action: "order" }>;

/** Runs one account change; orders are handled by order.ts. */
export async function applyAccountChange(ctx: ApplyContext, change: AccountChange): Promise<ChangeOutcome> {
  switch (change.action) {
    case "cancel-termination":
      return putIfDiffers(ctx, change, (live) =>
        live.deleteAtExpiration === true ? { deleteAtExpiration: false } : {},
      );
    case "update":
      return putIfDiffers(ctx, change, (live) => {
        const body: AccountUpdate = {};
        if (change.after.license !== undefined && live.accountLicense !== change.after.license) {
          body.accountLicense = change.after.license;
        }
        if (typeof change.after.displayName === "string" && live.displayName !== change.after.displayName) {
          body.displayName = change.after.displayName;
        }
        return body;
      });
    case "renew":
      return putIfDiffers(ctx, change, (live) =>
        change.after.renewal && live.renewPeriod !== change.after.renewal
          ? { renewPeriod: change.after.renewal }
          : {},
      );
    case "terminate":
      return terminate(ctx, change);
    case "configure":
      return configure(ctx, change);
    case "add":
      return add(ctx, change);
    case "reset":
    case "delete":
      return destroy(ctx, change);
  }
}

async function putIfDiffers(
  ctx: ApplyContext,
  change: AccountChange,
  diff: (live: ApiAccount) => AccountUpdate,
): Promise<ChangeOutcome> {
  const { organization: org, service: svc } = change.platform;
  const live = await readAccount(ctx, org, svc, change.address);
  if (!live) return outcome(change, "failed", { message: `${change.address} no longer exists` });
  const body = diff(live);
  if (Object.keys(body).length === 0) return outcome(change, "unchanged", { message: "already as declared" });
  await ctx.api.updateAccount(org, svc, live.primaryEmailAddress, body);
  failpoint("write:after-first");
  return outcome(change, "done", { writes: 1 });
}

async function terminate(ctx: ApplyContext, change: AccountChange): Promise<ChangeOutcome> {
  const { organization: org, service: svc } = change.platform;
  const live = await readAccount(ctx, org, svc, change.address);
  if (!live) return outcome(change, "unchanged", { message: "the account no longer exists" });
  if (live.deleteAtExpiration === true)
    return outcome(change, "unchanged", { message: "already terminating" });
  try {
    await ctx.api.updateAccount(org, svc, live.primaryEmailAddress, { deleteAtExpiration: true });
    return outcome(change, "done", { writes: 1 });
  } catch (error) {
    // Older schemas mark deleteAtExpiration read-only: fall back to the terminate route, and say so.
    if (isRejected(error)) {
      ctx.log(
        `  note: OVHcloud refused deleteAtExpiration on ${change.address} (${error instanceof Error ? error.message : "refused"}); using POST …/terminate instead`,
      );
      await ctx.api.terminateAccount(org, svc, live.primaryEmailAddress);
      return outcome(change, "done", {
        writes: 2,
        message: "terminated through POST …/terminate (fallback)",
      });
    }
    throw error;
  }
}

async function configure(
  ctx: ApplyContext,
  change: Extract<Change, { action: "configure" }>,
): Promise<ChangeOutcome> {
  const { organization: org, service: svc } = change.platform;
  const already = await readAccount(ctx, org, svc, change.address);
  if (already?.configured)
    return outcome(change, "unchanged", { message: "the address is already configured" });
  const blank = await readAccount(ctx, org, svc, change.placeholder);
  if (!blank || blank.configured) {
    return outcome(change, "failed", {
      message: `the blank account ${change.placeholder} is no longer available; plan again`,
    });
  }
  await configureBlank(
    ctx,
    org,
    svc,
    change.id,
    blank,
    change.address,
    change.after.displayName ?? null,
    change.after.renewal ?? null,
  );
  return outcome(change, "done", {
    writes: 2,
    message: `password written to ${ctx.options.secretsOut ?? "the secrets file"}`,
  });
}

async function add(ctx: ApplyContext, change: Extract<Change, { action: "add" }>): Promise<ChangeOutcome> {
  const { organization: org, service: svc } = change.platform;
  const key = platformKey(change.platform);
  // Look, record the password and POST as one turn of this host for this address: another exrec
  // here with its own backend (another checkout) adding the same address waits, then finds the
  // account made, instead of recording a password that opens nothing and being refused.
  const added = await inHostTurn(ctx, `${key} ${change.address}`, `adding ${change.address}`, async () => {
    if (await readAccount(ctx, org, svc, change.address)) return null;
    const secrets = ctx.secrets;
    if (!secrets)
      throw new ApplyRefusedError("adding an account needs --secrets-out FILE for its initial password");
    // Recorded before the request: a crash after it must not lose the password of a created account.
    const password = await secrets.passwordFor(key, change.address, ctx.now().toISOString());
    const journalId = randomUUID();
    await ctx.backend.journalOpen({
      id: journalId,
      platform: key,
      changeId: change.id,
      action: "add",
      detail: { address: change.address },
      startedAt: ctx.now().toISOString(),
    });
    const at = change.address.lastIndexOf("@");
    const body = {
      login: change.address.slice(0, at),
      domain: change.address.slice(at + 1),
      license: change.license,
      password,
      ...(typeof change.after.displayName === "string" ? { displayName: change.after.displayName } : {}),
    };
    return { task: await ctx.api.addAccount(org, svc, body), journalId, secrets };
  });
  if (added === null) {
    await closeJournal(ctx, key, change.id);
    return outcome(change, "unchanged", { message: "the account already exists" });
  }
  const { task, journalId, secrets } = added;
  failpoint("add:after-post");
  await waitForTaskJournalled(ctx, org, svc, task, `adding ${change.address}`, journalId);
  // Closes this entry, and any an earlier, interrupted attempt at the same change left open.
  await closeJournal(ctx, key, change.id);
  return outcome(change, "done", { writes: 1, message: `initial password written to ${secrets.location}` });
}

/** Reset (Hosted) or delete (Private): the same DELETE, so the live offer is read again first. */
async function destroy(
  ctx: ApplyContext,
  change: Extract<Change, { action: "reset" | "delete" }>,
): Promise<ChangeOutcome> {
  const { organization: org, service: svc } = change.platform;
  const expected: Offer = change.action === "reset" ? "hosted" : "private";
  const service = await ctx.api.getService(org, svc);
  const liveOffer = offerOf(service.offer);
  if (liveOffer !== expected || change.platform.offer !== expected) {
    throw new ApplyRefusedError(
      `refusing to ${change.action} ${change.address}: the plan expects a ${expected} platform but ` +
        `${platformKey(change.platform)} is ${liveOffer} (API offer ${service.offer}); on Hosted the DELETE resets, on Private it destroys`,
    );
  }
  if (service.offer === "provider") {
    // The planner never plans one there (plan/platform.ts); a plan saved by an older exrec might.
    throw new ApplyRefusedError(
      `refusing to ${change.action} ${change.address}: ${platformKey(change.platform)} is a provider platform, where the DELETE may remove the account instead of emptying it`,
    );
  }
  const live = await readAccount(ctx, org, svc, change.address);
  if (!live || (change.action === "reset" && !live.configured)) {
    await closeJournal(ctx, platformKey(change.platform), change.id);
    return outcome(change, "unchanged", { message: live ? "already blank" : "the account no longer exists" });
  }
  const journalId = randomUUID();
  await ctx.backend.journalOpen({
    id: journalId,
    platform: platformKey(change.platform),
    changeId: change.id,
    action: change.action,
    detail: { address: change.address },
    startedAt: ctx.now().toISOString(),
  });
  const task = await ctx.api.deleteAccount(org, svc, live.primaryEmailAddress);
  await waitForTaskJournalled(ctx, org, svc, task, `${change.action} of ${change.address}`, journalId);
  await closeJournal(ctx, platformKey(change.platform), change.id);
  return outcome(change, "done", { writes: 1 });
}

/**
 * Waits for a journalled task. A task that ended in error or was cancelled made no change: its
 * entry is closed as failed, so that it does not stay "in flight" for ever (a rerun opens its own).
 * A wait that timed out leaves the entry open: the task may still end.
 */
async function waitForTaskJournalled(
  ctx: ApplyContext,
  org: string,
  svc: string,
  task: ApiTask,
  what: string,
  journalId: string,
): Promise<void> {
  try {
    await waitForTask(ctx, org, svc, task, what);
  } catch (error) {
    if (error instanceof TaskFailedError) {
      await ctx.backend.journalUpdate(journalId, {
        status: "failed",
        detail: { taskId: task.id, outcome: error.message },
      });
    }
    throw error;
  }
}

/** An operation a crashed run left open whose effect is now observed: close its journal entry. */
export async function closeJournal(ctx: ApplyContext, platform: string, changeId: string): Promise<void> {
  for (const entry of await ctx.backend.journalOpenEntries([platform])) {
    if (entry.changeId === changeId) await ctx.backend.journalUpdate(entry.id, { status: "done" });
  }
}
