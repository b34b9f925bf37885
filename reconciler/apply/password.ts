/**
 * The password of a blank Hosted account that apply gives an address. OVHcloud's control panel
 * configures the blank (PUT login, domain), then sets its password with
 * `POST …/account/{login@domain}/changePassword` (a task); without it the new user cannot log in.
 *
 * The order of the steps keeps a crash harmless:
 *  1. the password is generated and written to the `--secrets-out` file (mode 0600), or the one the
 *     file already holds for that address is taken, so that a rerun sends the same one;
 *  2. a journal entry `set-password` is opened before the configure PUT;
 *  3. the PUT, then changePassword, then the wait for its task; the entry is closed once it is done.
 * A run killed after the PUT leaves the entry open; the next apply (even one with nothing else to
 * do) finds it and sets the password then, from the secrets file. The password is never printed,
 * logged or put in an error.
 */
import { randomUUID } from "node:crypto";
import { platformKey, toAddress, type Address, type PlatformRef } from "../model.js";
import type { AccountUpdate, ApiAccount, JournalAction, JournalEntryOf } from "../ports.js";
import { ApplyRefusedError, readAccount, waitForTask, type ApplyContext } from "./context.js";
import { failpoint } from "./failpoint.js";

export const SET_PASSWORD = "set-password" satisfies JournalAction;

/** Gives a blank Hosted account its address (and display name, and renewal where it differs), then its password. */
export async function configureBlank(
  ctx: ApplyContext,
  org: string,
  svc: string,
  changeId: string,
  blank: ApiAccount,
  address: Address,
  displayName: string | null,
  renewal: "monthly" | "yearly" | null,
): Promise<void> {
  const secrets = ctx.secrets;
  if (!secrets) {
    throw new ApplyRefusedError(
      `configuring ${address} needs --secrets-out FILE for its generated password; it was not configured`,
    );
  }
  const key = platformKey({ organization: org, service: svc });
  // On disk before the account can be logged in to: a crash after the PUT must not lose it.
  const password = await secrets.passwordFor(key, address, ctx.now().toISOString());
  const journalId = randomUUID();
  await ctx.backend.journalOpen({
    id: journalId,
    platform: key,
    changeId,
    action: SET_PASSWORD,
    detail: { address, placeholder: toAddress(blank.primaryEmailAddress) },
    startedAt: ctx.now().toISOString(),
  });
  const at = address.lastIndexOf("@");
  const body: AccountUpdate = { login: address.slice(0, at), domain: address.slice(at + 1) };
  if (displayName) body.displayName = displayName;
  if (renewal && blank.renewPeriod !== renewal) body.renewPeriod = renewal;
  await ctx.api.updateAccount(org, svc, blank.primaryEmailAddress, body);
  failpoint("configure:after-put");
  await setPassword(ctx, { organization: org, service: svc }, address, password, journalId);
}

async function setPassword(
  ctx: ApplyContext,
  ref: PlatformRef,
  address: Address,
  password: string,
  journalId: string,
): Promise<void> {
  const { organization: org, service: svc } = ref;
  const task = await ctx.api.changePassword(org, svc, address, password);
  failpoint("configure:after-change-password");
  // A task that ends in error leaves the entry open: the account has no password yet, and the
  // next apply tries again (with the same password, from the secrets file).
  await waitForTask(ctx, org, svc, task, `the password of ${address}`);
  await ctx.backend.journalUpdate(journalId, { status: "done", detail: { address, taskId: task.id } });
}

/** The `set-password` entries an earlier run left open on these platforms. */
export async function openPasswordChanges(
  ctx: ApplyContext,
  platforms: string[],
): Promise<JournalEntryOf<typeof SET_PASSWORD>[]> {
  return (await ctx.backend.journalOpenEntries(platforms)).filter(
    (e): e is JournalEntryOf<typeof SET_PASSWORD> => e.action === SET_PASSWORD,
  );
}

/**
 * Sets the password of accounts an interrupted run configured but could not finish with. An
 * account not configured yet is left to its configure change; one gone is closed as such.
 * Returns how many passwords were set.
 */
export async function resumePasswordChanges(ctx: ApplyContext, platforms: string[]): Promise<number> {
  let set = 0;
  for (const entry of await openPasswordChanges(ctx, platforms)) {
    const { address } = entry.detail;
    const [org, svc] = splitPlatform(entry.platform);
    if (org === null || svc === null) continue;
    const live = await readAccount(ctx, org, svc, address);
    if (live === null) {
      // The PUT did not land (the blank still has its placeholder), or the account is gone since.
      await ctx.backend.journalUpdate(entry.id, {
        status: "failed",
        detail: { ...entry.detail, outcome: "the address was not configured" },
      });
      continue;
    }
    if (!live.configured) continue;
    const secrets = ctx.secrets;
    if (!secrets) {
      throw new ApplyRefusedError(
        `${address} on ${entry.platform} was configured by an interrupted run that could not set its password; run apply with --secrets-out FILE to set it`,
      );
    }
    ctx.log(`  ${address} on ${entry.platform} was configured by an interrupted run: setting its password`);
    const password = await secrets.passwordFor(entry.platform, address, ctx.now().toISOString());
    await setPassword(ctx, { organization: org, service: svc }, address, password, entry.id);
    set++;
  }
  return set;
}

function splitPlatform(key: string): [string | null, string | null] {
  const slash = key.indexOf("/");
  return slash < 0 ? [null, null] : [key.slice(0, slash), key.slice(slash + 1)];
}
