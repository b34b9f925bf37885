import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { hostname } from "node:os";
import { open } from "node:fs/promises";
import { extname } from "node:path";
import { createInterface } from "node:readline/promises";
import {
  applyPlan,
  checkApplyAllowed,
  needsSecretsOut,
  DEFAULT_APPLY_OPTIONS,
  type ApplyOptions,
  type ApplyReport,
} from "../apply.js";
import { ExrecError, InterruptedError, UsageError } from "../errors.js";
import { Interruption } from "./interrupt.js";
import { checkSecretsFile, secretsFileStore } from "../../provider/secrets/file.js";
import { DEFAULT_ORDERING_WAIT_MS, hostOrderingTurns } from "../../provider/backend/index.js";
import { realSleep } from "../../provider/system/process.js";
import { resumePasswordChanges } from "../apply/password.js";
import { loadDesired } from "../load/index.js";
import { isEmpty, platformKey, type Actual, type Change, type Desired, type Plan } from "../model.js";
import { plan as replan } from "../plan.js";
import { unknownPriceBook } from "../prices.js";
import { canonicalJson } from "../plan-format/canonical-json.js";
import { manifestPathsOf, readPlanFile } from "../planfile.js";
import { refresh, staleObjects } from "../refresh.js";
import { renderPlanText } from "../render/plan-text.js";
import { runFiles } from "./files.js";
import { isCi, note, pathIn, print, useColor, type CliIo } from "./io.js";
import { manifestReading } from "./manifests.js";
import { loadPlanInput, planInput } from "./plan.js";
import {
  apiIdentity,
  backendSpec,
  openBackendFor,
  openSession,
  planningClock,
  resolveConfig,
  STATE_DIR,
  type GlobalOptions,
} from "./session.js";
import { validateSelection, type Selection } from "./select.js";

export interface ApplyCommandOptions extends GlobalOptions, Selection {
  autoApprove?: boolean;
  allowDestroy?: boolean;
  maxDestroy?: string;
  allowRemoveAll?: boolean;
  pay?: boolean;
  secretsOut?: string;
  deliveryTimeout?: string;
  lockTimeout?: string;
}

export class StalePlanError extends ExrecError {
  readonly code = "EXREC_STALE_PLAN";
}

/**
 * Is this one file a saved plan (rather than a manifest)? Decided by its content, not its name:
 * `plan --out saved.plan` must be applied as `apply saved.plan`. A file that is not a manifest by
 * its extension (.yaml, .yml, .json) is taken as a plan, so that a damaged one is refused with the
 * plan file's own message rather than as "not a manifest".
 */
async function isPlanFile(io: CliIo, files: string[]): Promise<boolean> {
  const [file, ...others] = files;
  if (file === undefined || others.length > 0) return false;
  let head: string;
  try {
    const handle = await open(pathIn(io, file), "r");
    try {
      if (!(await handle.stat()).isFile()) return false;
      const buffer = Buffer.alloc(4096);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead).toString("utf8");
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
  if (/^\uFEFF?\s*\{/.test(head) && /"format_version"\s*:/.test(head) && !/"resource"\s*:/.test(head))
    return true;
  return ![".yaml", ".yml", ".json"].includes(extname(file).toLowerCase());
}

function applyOptions(io: CliIo, options: ApplyCommandOptions): ApplyOptions {
  const seconds = (flag: string, value: string | undefined, fallbackMs: number) => {
    if (value === undefined) return fallbackMs;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0)
      throw new UsageError(`${flag} takes a number of seconds, not ${JSON.stringify(value)}`);
    return n * 1000;
  };
  const maxDestroy =
    options.maxDestroy === undefined ? DEFAULT_APPLY_OPTIONS.maxDestroy : Number(options.maxDestroy);
  if (!Number.isInteger(maxDestroy) || maxDestroy < 0) {
    throw new UsageError(`--max-destroy takes a whole number, not ${JSON.stringify(options.maxDestroy)}`);
  }
  return {
    ...DEFAULT_APPLY_OPTIONS,
    allowDestroy: Boolean(options.allowDestroy),
    maxDestroy,
    allowRemoveAll: Boolean(options.allowRemoveAll),
    pay: options.pay !== false,
    // The same variable the Terraform provider reads; the flag wins.
    secretsOut: secretsFile(io, options.secretsOut ?? (io.env.EXREC_SECRETS_OUT || null)),
    deliveryTimeoutMs: seconds(
      "--delivery-timeout",
      options.deliveryTimeout,
      DEFAULT_APPLY_OPTIONS.deliveryTimeoutMs,
    ),
    lockWaitMs: seconds("--lock-timeout", options.lockTimeout, DEFAULT_APPLY_OPTIONS.lockWaitMs),
    // An order request without an answer is looked for as long as one request may take (--timeout).
    unknownOutcomeGraceMs: resolveConfig(io, options).limits.timeoutMs,
  };
}

/** The secrets file, absolute: the secrets store keys its writers by path, shared by every run in a process. */
function secretsFile(io: CliIo, file: string | null): string | null {
  return file === null ? null : pathIn(io, file);
}

/** `exrec apply FILE... | PLAN`: exit 0 when everything was applied (or nothing was to do), else 1. */
export async function applyCommand(
  io: CliIo,
  files: string[],
  options: ApplyCommandOptions,
): Promise<number> {
  validateSelection(options);
  const settings = applyOptions(io, options);
  const [first] = files;
  if (first === undefined)
    throw new UsageError("name the manifest files, or a plan file saved with plan --out");
  // Everything that needs no request first: flags, configuration, the manifest or the plan file.
  // What is applied: a saved plan, or the plan of manifests (made once the lock is held).
  const source = (await isPlanFile(io, files))
    ? { saved: await readPlanFile(first, runFiles(io)), input: null }
    : { saved: null, input: await loadPlanInput(io, files, options) };
  const scope = (source.saved ? source.saved.platforms : source.input.desired.platforms)
    .map(platformKey)
    .sort();
  const now = runningClock(io);
  const interruption = new Interruption(io);
  const backend = await openBackendFor(io, options);
  try {
    // The lock comes before the live state is read, as Terraform's does: a plan shown to the user
    // and then applied must not be overtaken by another apply in between.
    const lock = await backend.lock(
      scope,
      { pid: process.pid, host: hostname(), who: whoRuns(io), startedAt: now().toISOString() },
      settings.lockWaitMs,
    );
    // Said once: the local lock only keeps out applies run from this same folder.
    if (!backendSpec(io, options)) {
      note(
        io,
        `exrec: lock, journal and history in ${pathIn(io, STATE_DIR)} (local backend): an apply run from another folder does not see this lock; to share it, use --backend postgres://…`,
      );
    }
    // From here on Ctrl-C stops at a safe point (before it, the default exit loses nothing).
    interruption.install();
    try {
      const { plan, api, close } = source.saved
        ? await verifySavedPlan(io, first, source.saved, options, interruption.signal)
        : // Shown as text only (the run rate is not): priced for its changes alone.
          await planInput(io, source.input, options, "changes", interruption.signal, backend);
      try {
        print(io, renderPlanText(plan, { color: useColor(io, io.stdout) }));
        // Two exrec processes of this host ordering for the same account take turns, whatever
        // their backends (docs/BACKENDS.md, "Ordering turns").
        const orderingTurns = hostOrderingTurns({
          account: apiIdentity(io, resolveConfig(io, options)),
          owner: () => ({
            pid: process.pid,
            host: hostname(),
            who: whoRuns(io),
            startedAt: now().toISOString(),
          }),
          waitMs: Math.max(DEFAULT_ORDERING_WAIT_MS, 4 * settings.unknownOutcomeGraceMs),
          onWarning: (message) => note(io, `exrec: warning: ${message}`),
        });
        // What every apply step reaches the outside through; built when a step is about to run.
        const applyContext = async () => ({
          api,
          backend,
          options: settings,
          now,
          sleep: realSleep,
          secrets: settings.secretsOut ? secretsFileStore(settings.secretsOut) : null,
          log: (line: string) => note(io, line),
          who: whoRuns(io),
          commit: await currentCommit(io),
          signal: interruption.signal,
          orderingTurns,
        });
        if (isEmpty(plan)) {
          // An interrupted run may have configured a blank without setting its password: finish it.
          await resumePasswordChanges(await applyContext(), scope);
          return 0;
        }
        checkApplyAllowed(plan, settings);
        // A secrets file that cannot take the passwords must stop the run before an account is made.
        if (settings.secretsOut && plan.changes.some((c) => needsSecretsOut(c, settings)))
          await checkSecretsFile(settings.secretsOut);
        const answer = await confirmed(io, options, interruption);
        if (answer !== "yes") {
          note(
            io,
            answer === "interrupted"
              ? "Apply cancelled at the prompt (interrupted); nothing was written."
              : "Apply cancelled; nothing was written.",
          );
          return 1;
        }
        if (interruption.signal.aborted) {
          throw new InterruptedError("interrupted before the first write; nothing was written");
        }
        const report = await applyPlan(plan, await applyContext(), lock);
        return summarise(io, report);
      } finally {
        await close();
      }
    } finally {
      await lock.release();
    }
  } catch (error) {
    if (error instanceof InterruptedError && error.message.startsWith("interrupted: stopped before")) {
      // Stopped while reading the live state or the plan: there was no write yet.
      throw new InterruptedError("interrupted before the first write; nothing was written", {
        hint: "run the same command again when you are ready",
      });
    }
    throw error;
  } finally {
    interruption.dispose();
    await backend.close();
  }
}

/** A saved plan is applied only if the manifest and every live object it read are unchanged. */
async function verifySavedPlan(
  io: CliIo,
  file: string,
  plan: Plan,
  options: ApplyCommandOptions,
  signal: AbortSignal,
) {
  const connection = resolveConfig(io, options);
  const manifests = manifestPathsOf(pathIn(io, file), plan);
  if (manifests.length === 0) {
    throw new StalePlanError(
      `${file} does not name the manifest files it was planned from; nothing was applied`,
      {
        hint: "make the plan with `exrec plan FILE... --out PLAN`",
      },
    );
  }
  const desired = await loadDesired(manifests, manifestReading(io));
  if (desired.digest !== plan.manifest_digest) {
    throw new StalePlanError(
      `the manifest (${manifests.join(", ")}) changed since ${file} was planned; nothing was applied`,
      {
        hint: "run plan again",
      },
    );
  }
  const session = await openSession(io, connection, options, signal);
  try {
    const { actual } = await refresh(session.api, plan.platforms);
    const stale = staleObjects(plan.fingerprint, actual.fingerprint);
    if (stale.length > 0) {
      throw new StalePlanError(
        `${stale.length} live object(s) changed since ${file} was planned, so it no longer says what apply would do; nothing was applied:\n` +
          stale
            .slice(0, 20)
            .map((k) => `  - ${k}`)
            .join("\n") +
          (stale.length > 20 ? `\n  … and ${stale.length - 20} more` : ""),
        { hint: "run plan again" },
      );
    }
    checkChangesAreDerived(file, plan, desired, actual);
    return { plan, close: () => session.close(), api: session.api };
  } catch (error) {
    await session.close();
    throw error;
  }
}

/**
 * The digest catches a plan file edited by hand, not a forged one: anyone can recompute a sha256.
 * So the changes of a saved plan must also be exactly those that the manifest (whose digest
 * matched) and the live state (whose fingerprint matched) give, planned again at the plan's own
 * instant. Costs and reasons are left out of the comparison: they are for the reader, and prices
 * are re-checked against the order quote when an order is placed. Without this, a plan file with
 * an extra deletion, or a reset marked non-destructive to slip past --allow-destroy, was applied.
 */
function checkChangesAreDerived(file: string, saved: Plan, desired: Desired, actual: Actual): void {
  const again = replan(desired, actual, {
    now: new Date(saved.created_at),
    prices: unknownPriceBook("not needed to check a saved plan"),
    quotes: new Map(),
    pricing: "changes",
  });
  const shape = (change: Change) => {
    // What the plan says about prices and orders already placed is for the reader: the journal, not
    // the plan, decides what apply resumes.
    const {
      cost: _cost,
      reason: _reason,
      placed: _placed,
      ...rest
    } = change as Change & { placed?: unknown };
    return canonicalJson(rest);
  };
  const expected = new Set(again.changes.map(shape));
  const foreign = saved.changes.filter((c) => !expected.has(shape(c)));
  const missing = again.changes.length - (saved.changes.length - foreign.length);
  // The platforms a plan empties decide a refusal: they must be those the re-plan gives too.
  const emptiedAltered =
    canonicalJson(saved.summary.emptiedPlatforms) !== canonicalJson(again.summary.emptiedPlatforms);
  if (foreign.length > 0 || missing !== 0 || emptiedAltered) {
    throw new StalePlanError(
      `${file} holds changes that the manifest and the live state do not give, so it was not made by exrec plan or was altered; nothing was applied:\n` +
        (foreign.length > 0
          ? foreign
              .slice(0, 20)
              .map((c) => `  - ${c.id}`)
              .join("\n")
          : missing !== 0
            ? `  - ${missing} change(s) of the manifest are missing from it`
            : "  - its summary does not name the platforms it removes every account of"),
      { hint: "make the plan again with `exrec plan FILE... --out PLAN` and review it" },
    );
  }
}

type Answer = "yes" | "no" | "interrupted";

/**
 * The confirmation prompt, as Terraform's: on stderr, answered on stdin, terminal or not (`echo yes
 * | exrec apply …` works), except in CI, where nobody would answer. End of input, Ctrl-C (typed at
 * a terminal, or a SIGINT or SIGTERM sent to the process) and anything but "yes" are a refusal:
 * nothing is written, and none of them is an error of exrec.
 */
async function confirmed(
  io: CliIo,
  options: ApplyCommandOptions,
  interruption: Interruption,
): Promise<Answer> {
  if (options.autoApprove) return "yes";
  if (!io.stdin.isTTY && isCi(io)) {
    throw new UsageError("apply needs confirmation and there is no terminal to ask on; nothing was written", {
      hint: "review the plan, then run again with --auto-approve",
    });
  }
  const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream });
  // While the prompt waits, a signal answers it: there is no request in flight to let finish.
  interruption.dispose();
  let answer: (value: Answer) => void = () => undefined;
  const answered = new Promise<Answer>((resolve) => (answer = resolve));
  const onSignal = () => {
    io.stderr.write("\n");
    answer("interrupted");
  };
  rl.once("SIGINT", onSignal);
  const stopListening = io.onStopSignal(onSignal);
  try {
    rl.once("close", () => answer("no"));
    rl.question("Apply these changes? Only 'yes' is accepted: ").then(
      (line) => answer(line.trim() === "yes" ? "yes" : "no"),
      () => answer("no"),
    );
    return await answered;
  } finally {
    stopListening();
    rl.close();
    // Whatever the answer, stdin is not read again: an open pipe must not keep the process alive.
    io.stdin.pause();
    interruption.install();
  }
}

function summarise(io: CliIo, report: ApplyReport): number {
  const count = (result: string) => report.outcomes.filter((o) => o.result === result).length;
  const awaiting = report.outcomes.filter((o) => o.result === "awaiting-payment");
  note(
    io,
    `Apply ${report.interrupted ? "interrupted" : report.failedPlatforms.length > 0 ? "stopped" : "complete"}: ${count("done")} done, ${count("unchanged")} already as declared, ` +
      `${count("failed")} failed, ${count("not-run")} not run, ${awaiting.length} awaiting payment. ${report.writes} write request(s).`,
  );
  for (const o of awaiting) note(io, `  ${o.message}`);
  for (const f of report.failedPlatforms) note(io, `  ${f.platform}: stopped after a failure: ${f.error}`);
  if (report.interrupted) {
    note(
      io,
      "Every request sent was seen through and recorded; what was not finished is in the journal. To resume, run:\n" +
        `  ${resumeCommand(io)}\n` +
        "It re-reads the live state, pays orders already placed instead of ordering again, and carries on.",
    );
    return 130;
  }
  return report.failedPlatforms.length > 0 ? 1 : 0;
}

/** The command line of this run, to run again (arguments quoted where the shell needs it). */
function resumeCommand(io: CliIo): string {
  const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);
  return ["exrec", ...io.args].map(quote).join(" ");
}

/**
 * Apply's clock: the planner's (EXREC_NOW when set, else the real one), running on from there, so
 * that what apply records (history, journal, lock) is on the same clock as the plan it carries out
 * and as drift, which reads that history against the same EXREC_NOW.
 */
function runningClock(io: CliIo): () => Date {
  const offset = planningClock(io).getTime() - Date.now();
  return () => new Date(Date.now() + offset);
}

/** Who runs it, for the history: the CI actor when there is one, else the user. */
function whoRuns(io: CliIo): string | null {
  const env = io.env;
  return env.EXREC_ACTOR ?? env.GITHUB_ACTOR ?? env.GITLAB_USER_LOGIN ?? env.USER ?? env.USERNAME ?? null;
}

const runFile = promisify(execFile);

/**
 * The commit being applied, when known: CI's variable, else git's HEAD in the working folder. Asked
 * of git without blocking: the run's other work (a sandbox in this process, a progress display) goes
 * on while git starts.
 */
async function currentCommit(io: CliIo): Promise<string | null> {
  const env = io.env;
  const fromCi = env.EXREC_COMMIT ?? env.GITHUB_SHA ?? env.CI_COMMIT_SHA;
  if (fromCi) return fromCi;
  try {
    const { stdout } = await runFile("git", ["rev-parse", "HEAD"], {
      cwd: io.cwd,
      env: { ...io.env },
      timeout: 5000,
    });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}
