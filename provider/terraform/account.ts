/**
 * `exrec_account`: one account of a platform, planned and applied by exrec's engine. Each
 * PlanResourceChange plans the account as a one-account manifest of its platform (with that
 * platform's offer, removal mode and defaults) against the live platform read once per process;
 * ApplyResourceChange plans it again against the live state under the backend's lock and carries
 * the plan out with the same apply steps, journal and history as `exrec apply`.
 */
import {
  applyPlan,
  checkApplyAllowed,
  DEFAULT_APPLY_OPTIONS,
  needsSecretsOut,
  type ApplyReport,
} from "../../reconciler/apply.js";
import { checkAgainstLive, formatProblem } from "../../reconciler/load/index.js";
import {
  destructiveChanges,
  LICENSES,
  RENEWALS,
  toAddress,
  UNKNOWN_DATE,
  type ActualAccount,
  type Effective,
  type ActualPlatform,
  type Change,
  type Desired,
  type DesiredAccount,
  type DesiredPlatform,
  type Plan,
  type PlatformRef,
  type Address,
} from "../../reconciler/model.js";
import {
  describeCost,
  describeEffective,
  describeFields,
  describeSubject,
  describeWaiting,
} from "../../reconciler/render/plan-describe.js";
import { isNotFound } from "../../reconciler/ports.js";
import { resolveConfig } from "../../reconciler/commands/session.js";
import { secretsFileStore } from "../secrets/file.js";
import { realSleep } from "../system/process.js";
import { UNKNOWN, type ObjectValue, type Value } from "./cty.js";
import { error, warning, type Diagnostic } from "./diagnostics.js";
import type { Engine } from "./engine.js";
import { ACCOUNT_TYPE, EMAIL, validateAccount, type ResourceResult } from "./account-config.js";
import { ImportIdError, PlanDriftedError, PlatformUnknownError, ResourceConfigError } from "./errors.js";
import type { PlatformSettings, PlatformSettingsStore } from "./settings.js";
import { anyUnknown, bool, oneOf, readPrivate, str, writePrivate } from "./values.js";

/** What the account's private data (kept by Terraform beside its state) holds. */
interface AccountPrivate {
  settings: PlatformSettings;
  /** The actions planned, so that apply refuses to do what the plan did not show. */
  actions: Change["action"][];
}

/** The attributes that identify the account: a change of one is a replacement. */
const IDENTITY = ["organization", "service", "email"] as const;
/** The attributes exrec plans from (the rest are read from OVHcloud). */
const INPUTS = [
  "organization",
  "service",
  "email",
  "license",
  "renewal",
  "display_name",
  "state",
  "protect",
] as const;

function refOf(object: ObjectValue): PlatformRef {
  return { organization: str(object, "organization") ?? "", service: str(object, "service") ?? "" };
}

function idOf(ref: PlatformRef, email: string): string {
  return `${ref.organization}/${ref.service}/${toAddress(email)}`;
}

/**
 * The `email` attribute as an address: Terraform passes it as written in the configuration, in
 * any case. Empty when it is not set (or not known yet).
 */
function addressOf(object: ObjectValue | null): Address {
  return toAddress(str(object, "email") ?? "");
}

/** The account of the configuration as exrec's desired model, with its platform's defaults applied. */
function desiredAccount(config: ObjectValue, settings: PlatformSettings): DesiredAccount {
  const email = addressOf(config);
  const source = { file: ACCOUNT_TYPE, line: 1, col: 1 };
  if (str(config, "state") === "absent") return { email, state: "absent", source };
  const renewal = oneOf(config, "renewal", RENEWALS);
  if (settings.offer === "private" && renewal !== null) {
    throw new ResourceConfigError(
      `renewal is Hosted only: accounts of the Private platform ${settings.organization}/${settings.service} renew monthly, there is nothing to choose (P1)`,
      "renewal",
    );
  }
  const license = oneOf(config, "license", LICENSES) ?? settings.defaultLicense;
  const resolvedRenewal = settings.offer === "hosted" ? (renewal ?? settings.defaultRenewal) : null;
  const displayName = str(config, "display_name");
  return {
    email,
    state: "present",
    source,
    ...(license ? { license } : {}),
    ...(resolvedRenewal ? { renewal: resolvedRenewal } : {}),
    ...(displayName !== null ? { displayName } : {}),
    protect: bool(config, "protect") === true,
  };
}

function desiredOf(settings: PlatformSettings, account: DesiredAccount): Desired {
  const source = { file: "exrec_platform", line: 1, col: 1 };
  const base = {
    organization: settings.organization,
    service: settings.service,
    source,
    prune: false,
    accounts: [account],
  };
  const platform: DesiredPlatform =
    settings.offer === "hosted"
      ? {
          ...base,
          offer: "hosted",
          removal: settings.removal,
          ...(settings.storageQuota ? { storageQuota: settings.storageQuota } : {}),
        }
      : { ...base, offer: "private" };
  return { platforms: [platform], digest: "", files: [] };
}

function liveAccount(platform: ActualPlatform, email: Address): ActualAccount | undefined {
  return platform.accounts.find((a) => a.email === email);
}

/** The planned (or applied) removal is destructive and the provider does not allow it. */
function destroyRefusal(plan: Plan, allowDestroy: boolean): Diagnostic | null {
  const destructive = destructiveChanges(plan);
  const [first] = destructive;
  if (first === undefined || allowDestroy) return null;
  const what = destructive.map((c) => `${c.action} (${c.rule ?? "–"})`).join(", ");
  return error(
    `exrec refuses a destructive change: ${what} of ${first.action === "order" ? "" : first.address}`,
    "It destroys mailbox data now. Set allow_destroy = true in the exrec provider block to allow it, as `exrec apply --allow-destroy` does; nothing was written.",
  );
}

/** One warning per change: what it does, what it costs, when it takes effect, and the rule. */
export function changeWarnings(plan: Plan): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const change of plan.changes) {
    const effective = describeEffective(change.effective);
    out.push(
      warning(
        `exrec ${change.action} ${describeSubject(change)}: ${describeCost(change.cost)}, takes effect ${effective} (${change.rule ?? "no rule"})`,
        [...describeFields(change), change.reason].filter((l) => l).join("\n"),
      ),
    );
  }
  for (const waiting of plan.waiting)
    out.push(warning(`exrec leaves ${waiting.address} alone: it ${describeWaiting(waiting)}`));
  return out;
}

const CREATIONS: ReadonlySet<Change["action"]> = new Set(["order", "configure", "add"]);

/** A renewal change recorded in the state is pending until its date has come. */
/** When a change takes effect, as the attribute holds it: a date the API does not give is not known yet. */
function expiryValue(at: Effective): Value {
  return at === UNKNOWN_DATE ? UNKNOWN : at;
}

function stillPending(date: Value | undefined, now: Date): string | null {
  if (typeof date !== "string") return null;
  return date >= now.toISOString().slice(0, 10) ? date : null;
}

/**
 * The state an account has once `changes` are carried out: what the configuration sets, what the
 * live account has for the rest, and "known after apply" where neither can say.
 */
function plannedState(
  proposed: ObjectValue,
  config: ObjectValue,
  settings: PlatformSettings,
  live: ActualAccount | undefined,
  changes: Change[],
  prior: ObjectValue | null,
  now: Date,
): ObjectValue {
  const ref = refOf(config);
  const email = str(config, "email")!;
  const out: ObjectValue = { ...proposed, id: idOf(ref, email) };
  const absent = str(config, "state") === "absent";
  const creating = !live || changes.some((c) => CREATIONS.has(c.action));
  const changing = changes.length > 0;
  const kept = (value: Value): Value => (live && !creating ? value : UNKNOWN);
  if (absent) {
    out.license = changing ? UNKNOWN : (live?.license ?? null);
    out.renewal = changing ? UNKNOWN : (live?.renewal ?? null);
    out.display_name = changing ? UNKNOWN : (live?.displayName ?? null);
  } else {
    out.license = str(config, "license") ?? settings.defaultLicense ?? kept(live?.license ?? null);
    out.renewal =
      settings.offer === "hosted"
        ? (str(config, "renewal") ?? settings.defaultRenewal ?? kept(live?.renewal ?? null))
        : kept(live?.renewal ?? null);
    out.display_name = str(config, "display_name") ?? kept(live?.displayName ?? null);
  }
  if (!changing) {
    out.expiration_date = live?.expirationDate ?? null;
    out.delete_at_expiration = live?.deleteAtExpiration ?? null;
    out.configured = live?.configured ?? null;
    out.account_state = live?.state ?? null;
    out.renewal_effective_date = creating ? null : stillPending(prior?.renewal_effective_date, now);
    if (!live) {
      out.expiration_date = null;
      out.delete_at_expiration = null;
      out.configured = null;
      out.account_state = null;
    }
    return out;
  }
  const renew = changes.find((c) => c.action === "renew");
  const configure = changes.find((c) => c.action === "configure");
  out.expiration_date = creating || absent ? UNKNOWN : (live?.expirationDate ?? null);
  out.configured = creating || absent ? UNKNOWN : (live?.configured ?? null);
  out.account_state = UNKNOWN;
  if (changes.some((c) => c.action === "terminate")) out.delete_at_expiration = true;
  else if (changes.some((c) => c.action === "cancel-termination")) out.delete_at_expiration = false;
  else out.delete_at_expiration = creating || absent ? UNKNOWN : (live?.deleteAtExpiration ?? null);
  if (renew?.action === "renew") out.renewal_effective_date = expiryValue(renew.effective);
  else if (configure?.action === "configure")
    out.renewal_effective_date =
      configure.renewalEffective === null ? null : expiryValue(configure.renewalEffective);
  else if (creating || absent) out.renewal_effective_date = null;
  else out.renewal_effective_date = stillPending(prior?.renewal_effective_date, now);
  return out;
}

/** The state after apply: the planned values where they were known, the live account's for the rest. */
function appliedState(planned: ObjectValue, live: ActualAccount | null): ObjectValue {
  const fromLive: ObjectValue = {
    license: live?.license ?? null,
    renewal: live?.renewal ?? null,
    display_name: live?.displayName ?? null,
    expiration_date: live?.expirationDate ?? null,
    delete_at_expiration: live?.deleteAtExpiration ?? null,
    configured: live?.configured ?? null,
    account_state: live?.state ?? null,
    renewal_effective_date: null,
  };
  const out: ObjectValue = { ...planned };
  for (const [name, value] of Object.entries(fromLive)) if (out[name] === UNKNOWN) out[name] = value;
  for (const [name, value] of Object.entries(out)) if (value === UNKNOWN) out[name] = null;
  return out;
}

export class AccountResource {
  constructor(
    private readonly engine: Engine,
    private readonly settings: PlatformSettingsStore,
  ) {}

  private async settingsFor(
    ref: PlatformRef,
    fromPrivate: Partial<AccountPrivate>,
  ): Promise<PlatformSettings> {
    const known = (await this.settings.get(ref)) ?? fromPrivate.settings ?? null;
    if (known) return known;
    throw new PlatformUnknownError(
      `the platform ${ref.organization}/${ref.service} of this account is declared by no exrec_platform that Terraform has validated in this configuration`,
      {
        hint:
          "declare it with an exrec_platform resource (organization, service, offer, defaults) in the same configuration; " +
          "its attributes must be literal values, as Terraform validates them before planning",
      },
    );
  }

  async read(current: ObjectValue, privateBytes: Buffer | undefined): Promise<ResourceResult> {
    const ref = refOf(current);
    const email = str(current, "email") ?? "";
    const platform = await this.engine.platform(ref);
    const live = liveAccount(platform, toAddress(email));
    const now = this.engine.now();
    if (!live) {
      // Gone as declared (a Private account deleted, a Hosted one reset): nothing left to read.
      if (str(current, "state") === "absent") {
        const gone: ObjectValue = { ...current, id: idOf(ref, email), renewal_effective_date: null };
        for (const name of [
          "license",
          "renewal",
          "display_name",
          "expiration_date",
          "delete_at_expiration",
          "configured",
          "account_state",
        ])
          gone[name] = null;
        return { state: gone, ...(privateBytes ? { private: privateBytes } : {}), diagnostics: [] };
      }
      // Removed outside Terraform: Terraform then plans to create it again.
      return { state: null, diagnostics: [] };
    }
    const state: ObjectValue = {
      ...current,
      id: idOf(ref, email),
      license: live.license,
      renewal: live.renewal,
      display_name: live.displayName,
      expiration_date: live.expirationDate,
      delete_at_expiration: live.deleteAtExpiration,
      configured: live.configured,
      account_state: live.state,
      renewal_effective_date: stillPending(current.renewal_effective_date, now),
    };
    return { state, ...(privateBytes ? { private: privateBytes } : {}), diagnostics: [] };
  }

  async plan(
    prior: ObjectValue | null,
    proposed: ObjectValue | null,
    config: ObjectValue | null,
    priorPrivate: Buffer | undefined,
  ): Promise<ResourceResult> {
    const stored = readPrivate<AccountPrivate>(priorPrivate);
    if (proposed === null || config === null) return this.planRemoval(prior!, stored);

    // Values Terraform will only know later: plan them then (Terraform plans again before apply).
    if (anyUnknown(config, INPUTS)) {
      const out: ObjectValue = { ...proposed };
      for (const name of [
        "id",
        "expiration_date",
        "renewal_effective_date",
        "delete_at_expiration",
        "configured",
        "account_state",
      ])
        out[name] = UNKNOWN;
      for (const name of ["license", "renewal", "display_name"])
        if (config[name] === null) out[name] = UNKNOWN;
      return { state: out, diagnostics: [] };
    }
    validateAccount(config);
    const ref = refOf(config);
    const requiresReplace =
      prior === null
        ? []
        : IDENTITY.filter((name) => {
            const before = str(prior, name);
            const after = str(config, name);
            // Addresses are compared as OVHcloud compares them, without regard to case.
            return name === "email"
              ? before === null || after === null
                ? before !== after
                : toAddress(before) !== toAddress(after)
              : before !== after;
          });
    // A replacement plans the removal of the old account and the creation of the new: this half is the creation.
    const priorForPlan = requiresReplace.length > 0 ? null : prior;
    const settings = await this.settingsFor(ref, stored);
    const account = desiredAccount(config, settings);
    const desired = desiredOf(settings, account);
    const platform = await this.engine.platform(ref);
    const problems = checkAgainstLive(desired, { platforms: [platform], fingerprint: {} });
    if (problems.length > 0) {
      return {
        state: null,
        diagnostics: problems.map((p) => error(p.message.replace(/^.*?: /, ""), formatProblem(p))),
      };
    }
    const planned = await this.engine.plan(desired, platform, account.email);
    const diagnostics = changeWarnings(planned);
    const refusal = destroyRefusal(planned, this.engine.config.allowDestroy);
    if (refusal) diagnostics.push(refusal);
    if (
      planned.changes.some((c) => needsSecretsOut(c, DEFAULT_APPLY_OPTIONS)) &&
      !this.engine.config.secretsOut
    ) {
      diagnostics.push(
        error(
          `${planned.changes.some((c) => c.action === "add") ? "adding" : "configuring"} ${account.email} generates its password, which exrec writes only to the file named by secrets_out`,
          'Set secrets_out = "PATH" in the exrec provider block (the file is written with mode 0600; the password never goes to the Terraform state).',
        ),
      );
    }
    const live = liveAccount(platform, account.email);
    const state = plannedState(
      proposed,
      config,
      settings,
      live,
      planned.changes,
      priorForPlan,
      this.engine.now(),
    );
    const privateData: AccountPrivate = { settings, actions: planned.changes.map((c) => c.action) };
    return {
      state,
      private: writePrivate(privateData),
      diagnostics,
      ...(requiresReplace.length > 0 ? { requiresReplace } : {}),
    };
  }

  private async planRemoval(prior: ObjectValue, stored: Partial<AccountPrivate>): Promise<ResourceResult> {
    const ref = refOf(prior);
    const email = str(prior, "email") ?? "";
    if (bool(prior, "protect") === true) {
      return {
        state: null,
        diagnostics: [
          error(
            `exrec refuses to remove ${email}: it is protected (protect = true)`,
            "Set protect = false (and apply) before removing it from the configuration; nothing was written.",
          ),
        ],
      };
    }
    // Declared absent: it was removed when that was applied; forgetting it writes nothing.
    if (str(prior, "state") === "absent") return { state: null, diagnostics: [] };
    const settings = await this.settingsFor(ref, stored);
    const address = toAddress(email);
    const desired = desiredOf(settings, {
      email: address,
      state: "absent",
      source: { file: ACCOUNT_TYPE, line: 1, col: 1 },
    });
    const platform = await this.engine.platform(ref);
    const planned = await this.engine.plan(desired, platform, address);
    const diagnostics = changeWarnings(planned);
    const refusal = destroyRefusal(planned, this.engine.config.allowDestroy);
    if (refusal) diagnostics.push(refusal);
    const privateData: AccountPrivate = { settings, actions: planned.changes.map((c) => c.action) };
    return { state: null, private: writePrivate(privateData), diagnostics };
  }

  async apply(
    prior: ObjectValue | null,
    planned: ObjectValue | null,
    config: ObjectValue | null,
    plannedPrivate: Buffer | undefined,
  ): Promise<ResourceResult> {
    const stored = readPrivate<AccountPrivate>(plannedPrivate);
    const subject = planned ?? prior!;
    const ref = refOf(subject);
    const email = addressOf(subject);
    if (planned === null && str(prior, "state") === "absent") return { state: null, diagnostics: [] };
    const settings = await this.settingsFor(ref, stored);
    const account: DesiredAccount =
      planned === null || config === null
        ? { email, state: "absent", source: { file: ACCOUNT_TYPE, line: 1, col: 1 } }
        : desiredAccount(config, settings);
    const desired = desiredOf(settings, account);

    const outcome = await this.engine.withPlatformLock(ref, async (lock, backend) => {
      const platform = await this.engine.sync(ref, email);
      const allowed = new Set(stored.actions ?? []);
      // Terraform applies resources in its own order, not the plan's: an account planned to be
      // ordered must not take a blank that the plan promised to another one (which would then be
      // ordered instead, and both would differ from what the plan showed).
      const plan = await this.engine.plan(desired, platform, email, {
        reuseBlanks: allowed.has("configure"),
      });
      const surprise = plan.changes.filter((c) => !allowed.has(c.action));
      if (surprise.length > 0) {
        throw new PlanDriftedError(
          `${email} on ${ref.organization}/${ref.service} changed since the plan: apply would now ${surprise.map((c) => c.action).join(", ")}, which the plan did not show; nothing was written`,
          { hint: "run terraform plan (or apply) again to see what exrec would do now" },
        );
      }
      const api = await this.engine.api();
      const options = {
        ...DEFAULT_APPLY_OPTIONS,
        allowDestroy: this.engine.config.allowDestroy,
        maxDestroy: Number.MAX_SAFE_INTEGER,
        secretsOut: this.engine.config.secretsOut,
        unknownOutcomeGraceMs: resolveConfig(this.engine.io, {}).limits.timeoutMs,
      };
      checkApplyAllowed(plan, options);
      const offset = this.engine.now().getTime() - Date.now();
      const report: ApplyReport = await applyPlan(
        plan,
        {
          api,
          backend,
          options,
          now: () => new Date(Date.now() + offset),
          sleep: realSleep,
          secrets: options.secretsOut ? secretsFileStore(options.secretsOut) : null,
          log: (line) => process.stderr.write(`exrec: ${line}\n`),
          who: null,
          commit: null,
        },
        lock,
      );
      let after: ActualAccount | null = null;
      try {
        const fresh = await api.getAccount(ref.organization, ref.service, email);
        after = (await import("../../reconciler/refresh.js")).toActualAccount(fresh);
      } catch (thrown) {
        if (!isNotFound(thrown)) throw thrown;
      }
      return { report, after };
    });

    const diagnostics: Diagnostic[] = [];
    for (const o of outcome.report.outcomes) {
      if (o.result === "failed")
        diagnostics.push(error(`exrec ${o.action} ${o.addresses.join(",")} failed`, o.message ?? ""));
      if (o.result === "awaiting-payment")
        diagnostics.push(error(`exrec ${o.action} ${o.addresses.join(",")} awaits payment`, o.message ?? ""));
    }
    for (const failed of outcome.report.failedPlatforms)
      if (diagnostics.length === 0)
        diagnostics.push(error(`exrec stopped on ${failed.platform}`, failed.error));
    if (planned === null) return { state: diagnostics.length > 0 ? prior : null, diagnostics };
    const state = appliedState(planned, outcome.after);
    if (diagnostics.length > 0 && outcome.after === null) return { state: null, diagnostics };
    return { state, private: writePrivate({ settings, actions: [] } satisfies AccountPrivate), diagnostics };
  }

  /** `terraform import exrec_account.NAME ORGANIZATION/SERVICE/EMAIL`. */
  importState(id: string, attributes: readonly string[]): ObjectValue {
    const [organization, service, email, ...rest] = id.split("/");
    if (
      organization === undefined ||
      service === undefined ||
      email === undefined ||
      rest.length > 0 ||
      [organization, service, email].some((p) => p.trim() === "") ||
      !EMAIL.test(email)
    ) {
      throw new ImportIdError(
        `${JSON.stringify(id)} is not an account id: exrec_account is imported by ORGANIZATION/SERVICE/EMAIL, for example hosted-ab12345-1/hosted-ab12345-1/alice@acme.example`,
      );
    }
    const state: ObjectValue = {};
    for (const name of attributes) state[name] = null;
    return {
      ...state,
      organization,
      service,
      email: toAddress(email),
      id: idOf({ organization, service }, email),
    };
  }
}
