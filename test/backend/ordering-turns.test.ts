/**
 * The host's ordering turns between real processes: one process at a time orders for an account
 * and service, a turn held by a process killed with SIGKILL is taken over, turns of other accounts
 * or services never wait, the wait is bounded and named, Ctrl-C ends it, and no file holds the
 * credentials the key is made of.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BackendError, hostOrderingTurns, OrderingTurnTimeoutError } from "../../provider/backend/index.js";
import { InterruptedError } from "../../reconciler/errors.js";
import { loopbackChildEnv } from "../support/child-env.js";
import { tempDir } from "../support/cli.js";
import { REPO } from "./harness.js";
import { first } from "../support/items.js";

const CHILD = join(REPO, "dist", "test", "backend", "fixtures", "ordering-child.js");
const ACCOUNT = "https://eu.api.ovh.com/1.0\0application-key APPKEY-SECRETISH CONSUMER-KEY-SECRETISH";
const PLATFORM = "hosted-ab12345-1/hosted-ab12345-1";

interface Outcome {
  ok: boolean;
  pid: number;
  code?: string;
  message?: string;
  warnings: string[];
}

let dir: string;
let log: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  const home = await tempDir("exrec-turns-");
  dir = join(home, "turns");
  log = join(home, "log");
  await fs.writeFile(log, "");
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function startChild(label: string, extra: { account?: string; platform?: string; waitMs?: number } = {}) {
  const config = {
    dir,
    log,
    label,
    account: extra.account ?? ACCOUNT,
    platform: extra.platform ?? PLATFORM,
    waitMs: extra.waitMs ?? 15_000,
    releaseFile: join(dir, "..", `release-${label}`),
  };
  const child = spawn(process.execPath, [CHILD, JSON.stringify(config)], {
    env: loopbackChildEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const outcome = new Promise<Outcome>((resolve, reject) => {
    child.on("close", (code, signal) => {
      const line = stdout.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line) as Outcome);
      } catch {
        reject(new Error(`ordering child ${label} exited (${code ?? signal}) without an outcome: ${stdout}`));
      }
    });
  });
  outcome.catch(() => undefined);
  return { process: child, outcome, release: () => fs.writeFile(config.releaseFile, "") };
}

/** The log's events, as `label event` in the order they happened. */
async function events(): Promise<string[]> {
  return (await fs.readFile(log, "utf8"))
    .trim()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.split(" ").slice(0, 2).join(" "));
}

async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const entered = (label: string) => async () => (await events()).includes(`${label} enter`);

function turnsHere(options: { account?: string; waitMs?: number; warnings?: string[] } = {}) {
  return hostOrderingTurns({
    dir,
    account: options.account ?? ACCOUNT,
    owner: () => ({ pid: process.pid, host: hostname(), who: "test", startedAt: new Date().toISOString() }),
    waitMs: options.waitMs ?? 5_000,
    pollMs: 20,
    onWarning: (message) => options.warnings?.push(message),
  });
}

describe("host ordering turns", () => {
  it("two processes ordering for the same account and service take turns", async () => {
    const first = startChild("first");
    await until("the first to hold the turn", entered("first"));
    const second = startChild("second");
    // The second waits as long as the first holds the turn.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await events()).toEqual(["first enter"]);
    await first.release();
    await until("the second to hold the turn", entered("second"));
    await second.release();
    expect((await first.outcome).ok).toBe(true);
    expect((await second.outcome).ok).toBe(true);
    expect(await events()).toEqual(["first enter", "first leave", "second enter", "second leave"]);
  });

  it("gives up after the bounded wait, naming the holder, the service and the turn's file", async () => {
    const holder = startChild("holder");
    await until("the holder to hold the turn", entered("holder"));
    const error = await turnsHere({ waitMs: 300 })
      .take(PLATFORM, {})
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OrderingTurnTimeoutError);
    const busy = error as OrderingTurnTimeoutError;
    expect(busy.code).toBe("EXREC_ORDERING_BUSY");
    expect(busy.message).toContain(`pid ${holder.process.pid}`);
    expect(busy.message).toContain(PLATFORM);
    expect(busy.message).toMatch(/gave up waiting \d+ ms for the turn .* nothing was ordered or added there/);
    expect(busy.message).toContain(join(dir, "locks"));
    await holder.release();
    expect((await holder.outcome).ok).toBe(true);
  });

  it("takes over the turn of a holder killed with SIGKILL, and says so", async () => {
    const killed = startChild("killed");
    await until("the doomed holder to hold the turn", entered("killed"));
    killed.process.kill("SIGKILL");
    await new Promise((resolve) => killed.process.once("close", resolve));
    const warnings: string[] = [];
    const turn = await turnsHere({ waitMs: 2_000, warnings }).take(PLATFORM, {});
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`stale lock .*pid ${killed.process.pid} .*is no longer running`));
    // And the turn is really held again: another process now waits for it.
    const next = startChild("next", { waitMs: 300 });
    const refused = await next.outcome;
    expect(refused).toMatchObject({ ok: false, code: "EXREC_ORDERING_BUSY" });
    await turn.release();
  });

  it("turns of another account or another service never wait for each other", async () => {
    const holder = startChild("holder");
    await until("the holder to hold the turn", entered("holder"));
    const otherAccount = await turnsHere({ account: `${ACCOUNT}-other`, waitMs: 0 }).take(PLATFORM, {});
    const otherService = await turnsHere({ waitMs: 0 }).take("hosted-ab12345-1/hosted-ab12345-2", {});
    // A sandbox on another port is another endpoint, hence another account.
    const otherPort = await turnsHere({ account: "http://127.0.0.1:40001/1.0\0sandbox", waitMs: 0 }).take(
      PLATFORM,
      {},
    );
    await Promise.all([otherAccount.release(), otherService.release(), otherPort.release()]);
    // The same account and service does wait.
    await expect(turnsHere({ waitMs: 0 }).take(PLATFORM, {})).rejects.toBeInstanceOf(
      OrderingTurnTimeoutError,
    );
    await holder.release();
    expect((await holder.outcome).ok).toBe(true);
  });

  it("Ctrl-C ends the wait at once, and the waiter is told once who holds the turn", async () => {
    const holder = startChild("holder");
    await until("the holder to hold the turn", entered("holder"));
    const controller = new AbortController();
    const told: string[] = [];
    const waiting = turnsHere({ waitMs: 60_000 }).take(PLATFORM, {
      signal: controller.signal,
      onWait: (who) => told.push(who),
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopped = Date.now();
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(InterruptedError);
    expect(Date.now() - stopped).toBeLessThan(2_000);
    expect(told).toEqual([expect.stringContaining(`pid ${holder.process.pid} (holder)`)]);
    await holder.release();
    expect((await holder.outcome).ok).toBe(true);
  });

  it("no file of the turns holds the credentials, and a folder open to others is refused", async () => {
    const turn = await turnsHere().take(PLATFORM, {});
    const files = await fs.readdir(join(dir, "locks"));
    expect(files).toHaveLength(1);
    const file = first(files, "turn file");
    const text = await fs.readFile(join(dir, "locks", file), "utf8");
    for (const seen of [file, text]) {
      expect(seen).not.toContain("SECRETISH");
      expect(seen).not.toContain("eu.api.ovh.com");
    }
    expect((await fs.stat(join(dir, "locks", file))).mode & 0o777).toBe(0o600);
    await turn.release();
    expect(await fs.readdir(join(dir, "locks"))).toEqual([]);

    await fs.chmod(dir, 0o777);
    await expect(turnsHere().take(PLATFORM, {})).rejects.toThrow(
      /not a folder of this user closed to others/,
    );
  });

  it("a folder of turns that cannot be made is a named error, not a crash", async () => {
    // A file where the folder should be: mkdir fails with ENOTDIR below it.
    await fs.writeFile(join(dir, "..", "not-a-folder"), "");
    const turns = hostOrderingTurns({
      dir: join(dir, "..", "not-a-folder", "turns"),
      account: ACCOUNT,
      owner: () => ({ pid: process.pid, host: hostname(), who: "test", startedAt: new Date().toISOString() }),
      waitMs: 0,
    });
    const error = await turns.take(PLATFORM, {}).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).message).toMatch(
      /cannot be used \(ENOTDIR\); nothing was ordered or added there/,
    );
  });
});
