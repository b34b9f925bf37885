/**
 * Ordering Hosted accounts (H1): the one step that spends money, so the one that must never run
 * twice for the same need. The defences, in the order they act:
 *  1. Level: addresses that already exist, and blank paid accounts of the licence, are used first;
 *     only what is still missing is ordered.
 *  2. The journal: an order is written to it before the POST and given its id after; a rerun resumes
 *     it (pays it, waits for it, configures it) instead of ordering again.
 *  3. The account's order list: a journal entry without an order id (a crash or a lost answer right
 *     after the POST) is matched against the orders placed since, before anything is ordered again;
 *     and an order no journal here claims stops the apply (foreign-orders.ts).
 *  4. The host's ordering turns: that last look, the POST and the recording of the order id run as
 *     one turn per account and service on this machine, so two processes with different backends
 *     (two checkouts) never both look, find nothing, and both buy.
 */
import { randomUUID } from "node:crypto";
import { hasTaskPending, isBlank, onPlaceholderDomain } from "../account-state.js";
import { platformKey, type Address, type Money, type OrderChange } from "../model.js";
import {
  isNotFound,
  isOutcomeUnknown,
  type ApiAccount,
  type JournalEntryOf,
  type NewJournalEntry,
} from "../ports.js";
import { moneyOfPrice } from "../prices.js";
import {
  ApplyRefusedError,
  inHostTurn,
  pollUntil,
  readAccount,
  WaitTimeoutError,
  type ApplyContext,
} from "./context.js";
import { failpoint } from "./failpoint.js";
import { accountsOrderedFor, refuseForeignOrders, unclaimedRecentOrders } from "./foreign-orders.js";
import { knownToHaveNoPaymentMethod, payOrder } from "./payment.js";
import { configureBlank } from "./password.js";
import { closeJournal, outcome, type ChangeOutcome } from "./steps.js";

type OrderEntry = JournalEntryOf<"order">;

interface Need {
  email: Address;
  displayName: string | null;
}

export async function applyOrder(ctx: ApplyContext, change: OrderChange): Promise<ChangeOutcome> {
  const { organization: org, service: svc } = change.platform;
  const key = platformKey(change.platform);
  let writes = 0;
  let needed = await stillNeeded(ctx, change, change.accounts);
  if (needed.length === 0) {
    await closeJournal(ctx, key, change.id);
    return outcome(change, "unchanged", { message: "every address already exists" });
  }

  // Resume this change's orders that an earlier run left open.
  let orderId: number | null = null;
  let resumedAmount: Money | null = null;
  let delivered = 0;
  for (const entry of await openOrderEntries(ctx, key, change.id)) {
    const resumed = await resumeOrder(ctx, change, entry);
    writes += resumed.writes;
    if (resumed.state === "awaiting-payment") {
      return outcome(change, "awaiting-payment", {
        orderId: resumed.orderId,
        message: resumed.message,
        writes,
      });
    }
    if (resumed.state === "delivered") {
      orderId = resumed.orderId;
      resumedAmount = entry.detail.amount ?? resumedAmount;
      delivered += entry.detail.quantity;
    }
  }
  // An order no journal here claims (another checkout, a runner whose journal was lost) stops it,
  // before it buys, and before it takes blank accounts that such an order may have brought.
  await refuseForeignOrders(ctx, change);
  const afterResume = await configureBlanks(ctx, change, needed, Math.min(delivered, needed.length));
  // A configured blank is two writes: the configure PUT and its changePassword.
  writes += 2 * (needed.length - afterResume.length);
  needed = afterResume;
  if (needed.length === 0) {
    return outcome(change, "done", {
      orderId,
      amount: resumedAmount,
      writes,
      message: orderId ? `order ${orderId} resumed and configured` : "blank accounts reused",
    });
  }

  // Place one order for what is still missing.
  if (ctx.options.pay && (await knownToHaveNoPaymentMethod(ctx))) {
    throw new ApplyRefusedError(
      `not ordering ${needed.length} ${change.license} account(s) on ${key}: the OVHcloud account has no default payment method, so the order could not be paid`,
      { hint: "add a default payment method in OVHcloud's control panel, then run apply again" },
    );
  }
  const quantity = needed.length;
  const quote = await ctx.api.quoteOrder(
    org,
    svc,
    change.duration,
    change.license,
    quantity,
    change.storageQuota,
  );
  const quotedMoney = moneyOfPrice(quote.prices.withoutTax);
  if (change.cost.kind === "one-time" && quantity === change.quantity) {
    if (quotedMoney === null || quotedMoney.ucents !== change.cost.amount.ucents) {
      throw new ApplyRefusedError(
        `the price of ordering ${quantity} ${change.license} account(s) on ${key} changed since the plan ` +
          `(${change.cost.amount.ucents} → ${quotedMoney === null ? "unknown" : quotedMoney.ucents} ucents without tax); nothing was ordered`,
        { hint: "run plan again to see the new price" },
      );
    }
  }
  // Look at the recent orders, place, and record the order id, as one turn of this host: another
  // exrec here with its own backend (another checkout) that orders for the same account and service
  // waits for it, then sees this order among the recent ones and stops instead of buying again.
  const { entry, placed } = await inHostTurn(ctx, key, `ordering on ${key}`, async () => {
    await refuseForeignOrders(ctx, change);
    return placeAndRecord(ctx, change, needed, quotedMoney);
  });
  writes++;
  failpoint("order:after-journal-order-id");
  ctx.log(`  ordered ${quantity} ${change.license} account(s) on ${key}: order ${placed.orderId}`);
  const resumed = await resumeOrder(ctx, change, {
    ...entry,
    detail: { ...entry.detail, orderId: placed.orderId, url: placed.url },
    status: "open",
    updatedAt: entry.startedAt,
  });
  writes += resumed.writes;
  const amount = quotedMoney;
  if (resumed.state === "awaiting-payment") {
    return outcome(change, "awaiting-payment", {
      orderId: placed.orderId,
      message: resumed.message,
      writes,
      amount,
    });
  }
  const remaining = await configureBlanks(ctx, change, needed, needed.length);
  writes += 2 * (needed.length - remaining.length);
  if (remaining.length > 0) {
    return outcome(change, "failed", {
      orderId: placed.orderId,
      amount,
      writes,
      message: `order ${placed.orderId} was delivered but ${remaining.length} account(s) could not be configured yet; run apply again`,
    });
  }
  return outcome(change, "done", { orderId: placed.orderId, amount, writes });
}

/** Journals the order, places it, and records its id: a crash anywhere in it is resumed from the journal. */
async function placeAndRecord(
  ctx: ApplyContext,
  change: OrderChange,
  needed: Need[],
  quotedMoney: Money | null,
): Promise<{
  entry: NewJournalEntry & { action: "order" };
  placed: { orderId: number; url: string | null };
}> {
  const { organization: org, service: svc } = change.platform;
  const key = platformKey(change.platform);
  const quantity = needed.length;
  const entry: NewJournalEntry & { action: "order" } = {
    id: randomUUID(),
    platform: key,
    changeId: change.id,
    action: "order",
    detail: {
      license: change.license,
      duration: change.duration,
      quantity,
      addresses: needed.map((n) => n.email),
      // Kept so that the history can say what the order cost even when another run completes it.
      amount: quotedMoney,
    },
    startedAt: ctx.now().toISOString(),
  };
  await ctx.backend.journalOpen(entry);
  failpoint("order:after-journal-open");
  let placed: { orderId: number | null; url: string | null };
  try {
    placed = await ctx.api.placeOrder(org, svc, change.duration, {
      licence: change.license,
      number: quantity,
      ...(change.storageQuota ? { storageQuota: change.storageQuota } : {}),
    });
  } catch (error) {
    // The POST may have bought something even though no answer came back: look before anything else.
    const journalled: OrderEntry = { ...entry, status: "open", updatedAt: entry.startedAt };
    let found = await findPlacedOrder(ctx, svc, journalled);
    if (found === null && isOutcomeUnknown(error)) {
      // An API still working on the request when the answer was given up on may place the order a
      // moment later: keep looking for as long as a request may take, rather than leave an order
      // behind that a rerun started at once would not yet see.
      ctx.log(`  the order request for ${key} has an unknown outcome: looking for it in the order list`);
      found = await lookForLateOrder(ctx, svc, journalled);
      if (found === null) {
        // Tell the next run that this request may still land, so that it looks again before ordering.
        await ctx.backend.journalUpdate(entry.id, { detail: { ...entry.detail, outcome: "unknown" } });
      }
    }
    if (found === null) throw error;
    ctx.log(`  the order request for ${key} failed, but order ${found} was placed: continuing with it`);
    placed = { orderId: found, url: null };
  }
  failpoint("order:after-place");
  if (placed.orderId === null)
    throw new ApplyRefusedError(`OVHcloud answered the order for ${key} without an order id`);
  await ctx.backend.journalUpdate(entry.id, {
    detail: { ...entry.detail, orderId: placed.orderId, url: placed.url },
  });
  return { entry, placed: { orderId: placed.orderId, url: placed.url } };
}

/** Polls the order list for the journalled order for up to one request timeout; null if it did not appear. */
async function lookForLateOrder(
  ctx: ApplyContext,
  service: string,
  entry: OrderEntry,
): Promise<number | null> {
  return pollUntil(
    ctx,
    `order ${JSON.stringify(entry.detail.addresses)} in the order list`,
    ctx.options.unknownOutcomeGraceMs,
    async () => (await findPlacedOrder(ctx, service, entry)) ?? undefined,
  ).catch((error: unknown) => {
    if (error instanceof WaitTimeoutError) return null;
    throw error;
  });
}

/** The declared addresses that do not exist yet on the platform. */
async function stillNeeded(ctx: ApplyContext, change: OrderChange, wanted: Need[]): Promise<Need[]> {
  const ids = new Set(
    (await ctx.api.listAccounts(change.platform.organization, change.platform.service)).map((id) =>
      id.toLowerCase(),
    ),
  );
  return wanted.filter((need) => !ids.has(need.email));
}

async function openOrderEntries(
  ctx: ApplyContext,
  platform: string,
  changeId: string,
): Promise<OrderEntry[]> {
  return (await ctx.backend.journalOpenEntries([platform])).filter(
    (e): e is OrderEntry => e.action === "order" && e.changeId === changeId,
  );
}

type Resumed =
  | { state: "delivered"; orderId: number; writes: number }
  | { state: "awaiting-payment"; orderId: number; writes: number; message: string }
  | { state: "gone"; writes: number };

/** Brings an order of the journal to delivery: find its id, pay it, wait for it. */
async function resumeOrder(ctx: ApplyContext, change: OrderChange, entry: OrderEntry): Promise<Resumed> {
  let orderId = entry.detail.orderId ?? null;
  if (orderId === null) {
    orderId = await findPlacedOrder(ctx, change.platform.service, entry);
    if (orderId === null && entry.detail.outcome === "unknown") {
      // The run that sent it got no answer and did not see it land: it may land still. Look again
      // for one more request timeout before taking it as never placed.
      ctx.log(
        `  an earlier order request for ${platformKey(change.platform)} had an unknown outcome: looking for it in the order list`,
      );
      orderId = await lookForLateOrder(ctx, change.platform.service, entry);
    }
    if (orderId === null) {
      // Started but never placed (the run died before the POST reached OVHcloud).
      await ctx.backend.journalUpdate(entry.id, {
        status: "failed",
        detail: { ...entry.detail, outcome: "never placed" },
      });
      return { state: "gone", writes: 0 };
    }
    await ctx.backend.journalUpdate(entry.id, { detail: { ...entry.detail, orderId } });
    ctx.log(`  found order ${orderId}, placed by an interrupted run: resuming it`);
  }
  let writes = 0;
  let status = await ctx.api.orderStatus(orderId);
  if (status === "cancelled" || status === "cancelling") {
    await ctx.backend.journalUpdate(entry.id, {
      status: "failed",
      detail: { ...entry.detail, orderId, outcome: status },
    });
    return { state: "gone", writes };
  }
  if (status === "notPaid") {
    const url = entry.detail.url ?? null;
    if (!ctx.options.pay) {
      return {
        state: "awaiting-payment",
        orderId,
        writes,
        message: `order ${orderId} awaits payment${url ? `: ${url}` : ""} (--no-pay); run apply again once it is paid`,
      };
    }
    // Of two runs without a shared backend that placed at once, only the first to place pays.
    await refuseForeignOrders(ctx, change, orderId);
    const how = await payOrder(ctx, orderId, url);
    writes++;
    failpoint("order:after-pay");
    ctx.log(`  paid order ${orderId} with ${how}`);
    status = "checking";
  }
  const id = orderId;
  await pollUntil(ctx, `the delivery of order ${id}`, ctx.options.deliveryTimeoutMs, async () => {
    const now = await ctx.api.orderStatus(id);
    if (now === "cancelled" || now === "cancelling")
      throw new ApplyRefusedError(`order ${id} was cancelled by OVHcloud`);
    return now === "delivered" ? now : undefined;
  });
  failpoint("order:after-delivery");
  await ctx.backend.journalUpdate(entry.id, { detail: { ...entry.detail, orderId, delivered: true } });
  return { state: "delivered", orderId, writes };
}

/**
 * The order an interrupted run placed for this platform: the POST went out, but its answer (the
 * order id) never reached the journal. Such an order is necessarily unpaid, since paying needs the
 * id, and it buys the journalled quantity on this service.
 */
async function findPlacedOrder(
  ctx: ApplyContext,
  service: string,
  entry: OrderEntry,
): Promise<number | null> {
  for (const id of await unclaimedRecentOrders(ctx)) {
    if ((await ctx.api.orderStatus(id)) !== "notPaid") continue;
    if ((await accountsOrderedFor(ctx, id, service)) === entry.detail.quantity) return id;
  }
  return null;
}

/**
 * Configures blank paid accounts of the order's licence with the addresses still needed; returns
 * what is left. After a delivery the blanks may take a moment to appear: it polls until at least
 * `expectAtLeast` of them are there.
 */
async function configureBlanks(
  ctx: ApplyContext,
  change: OrderChange,
  needed: Need[],
  expectAtLeast = 0,
): Promise<Need[]> {
  const { organization: org, service: svc } = change.platform;
  const take = async (): Promise<ApiAccount[]> => {
    const ids = await ctx.api.listAccounts(org, svc);
    const blankIds = ids.filter(onPlaceholderDomain).sort();
    const blanks: ApiAccount[] = [];
    for (const id of blankIds) {
      const account = await ctx.api.getAccount(org, svc, id);
      if (
        isBlank(account) &&
        account.accountLicense === change.license &&
        account.state === "ok" &&
        !hasTaskPending(account) &&
        account.deleteAtExpiration !== true
      ) {
        blanks.push(account);
      }
      if (blanks.length >= needed.length) break;
    }
    return blanks;
  };
  let blanks = await take();
  if (blanks.length < expectAtLeast) {
    blanks = await pollUntil(
      ctx,
      `the delivered accounts on ${platformKey(change.platform)}`,
      ctx.options.deliveryTimeoutMs,
      async () => {
        const found = await take();
        return found.length >= expectAtLeast ? found : undefined;
      },
    );
  }
  const remaining = [...needed];
  let first = true;
  for (const blank of blanks) {
    const need = remaining.shift();
    if (!need) break;
    try {
      await configureBlank(ctx, org, svc, change.id, blank, need.email, need.displayName, change.renewal);
    } catch (error) {
      // The blank was taken meanwhile (another run reused it): level-based, look again.
      if (!isNotFound(error)) throw error;
      if (!(await readAccount(ctx, org, svc, need.email))) remaining.unshift(need);
      continue;
    }
    if (first) failpoint("order:after-first-configure");
    first = false;
  }
  if (remaining.length === 0) await closeJournal(ctx, platformKey(change.platform), change.id);
  return remaining;
}
