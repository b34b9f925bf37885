/**
 * Closes journal entries whose operation is seen to be over. An entry stays open when the run that
 * opened it could not see the outcome (a crash, an answer lost, a 500 after the work was done) and
 * the next run had nothing left to do for that change: the account was already deleted, or the
 * delivered accounts were configured by a later plan's `configure` changes instead of the order
 * change. Left open, such an entry looks in flight for ever: drift reports the address as pending
 * instead of drifting, and a later order of the same licence and duration would resume it and wait
 * for blank accounts that were used long ago.
 *
 * Only what is observed closes an entry; an operation whose effect is not visible yet stays open.
 */
import { platformKey, toAddress, type PlatformRef } from "../model.js";
import type { HistoryEntry, JournalEntry } from "../ports.js";
import { readAccount, type ApplyContext } from "./context.js";

export async function settleJournal(ctx: ApplyContext, ref: PlatformRef): Promise<void> {
  const platform = platformKey(ref);
  try {
    for (const entry of await ctx.backend.journalOpenEntries([platform])) {
      if (await isOver(ctx, ref, entry)) {
        await ctx.backend.journalUpdate(entry.id, {
          status: "done",
          detail: { ...entry.detail, outcome: "seen done by a later run" },
        });
        // The run that did it may have died before it could record it (an order paid, then a
        // crash): the history must still say what was bought, and for how much.
        await ctx.backend.historyAppend([historyOf(ctx, entry)]);
      }
    }
  } catch (cause) {
    // Housekeeping only: a failure here must not fail an apply whose changes were carried out.
    ctx.log(
      `  note: could not tidy the journal of ${platform}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

async function isOver(ctx: ApplyContext, ref: PlatformRef, entry: JournalEntry): Promise<boolean> {
  const { organization: org, service: svc } = ref;
  switch (entry.action) {
    case "add":
      return (await readAccount(ctx, org, svc, entry.detail.address)) !== null;
    case "delete":
      return (await readAccount(ctx, org, svc, entry.detail.address)) === null;
    case "reset": {
      // A reset account is renamed to a blank placeholder: its address no longer answers configured.
      const live = await readAccount(ctx, org, svc, entry.detail.address);
      return live === null || !live.configured;
    }
    case "order": {
      const { addresses, orderId } = entry.detail;
      if (addresses.length === 0) return false;
      const live = new Set((await ctx.api.listAccounts(org, svc)).map((id) => toAddress(id)));
      if (!addresses.every((a) => live.has(a))) return false;
      // An order still on its way keeps its entry: its accounts are coming and are accounted for.
      return orderId === undefined || (await ctx.api.orderStatus(orderId)) === "delivered";
    }
    case "set-password":
      // Closed by the run that sets the password (apply/password.ts), never from the outside.
      return false;
  }
}

function historyOf(ctx: ApplyContext, entry: JournalEntry): HistoryEntry {
  const order = entry.action === "order" ? entry.detail : null;
  return {
    at: ctx.now().toISOString(),
    who: ctx.who,
    commit: ctx.commit,
    platform: entry.platform,
    changeId: entry.changeId,
    action: entry.action,
    addresses: entry.action === "order" ? [...entry.detail.addresses] : [entry.detail.address],
    result: "done",
    message: `started by an earlier run at ${entry.startedAt} that could not see it through; seen done by this run`,
    orderId: order?.orderId ?? null,
    amount: order?.amount ?? null,
    effective: "now",
  };
}
