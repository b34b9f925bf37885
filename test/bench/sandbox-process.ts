/**
 * The sandbox as a separate process (`exrec sandbox`), so that the reader's memory and CPU are
 * measured apart from the server's; driven through its control API under `/_sandbox`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import type { ReadModes, SandboxStats } from "../../provider/sandbox/types.js";

export interface SandboxProcessOptions {
  cli: string;
  seed: string;
  latencyMs: number;
  stateFile: string;
  readModes: ReadModes;
  /** Give up when it has not said it listens by then (seeding a large fleet takes a while). */
  startTimeoutMs?: number;
}

export class SandboxProcess {
  private constructor(
    private readonly child: ChildProcess,
    /** Base URL including `/1.0`. */
    readonly url: string,
  ) {}

  static async start(options: SandboxProcessOptions): Promise<SandboxProcess> {
    const args = [
      options.cli,
      "sandbox",
      "--port",
      "0",
      "--seed",
      options.seed,
      "--latency",
      String(options.latencyMs),
      "--state",
      options.stateFile,
      ...(options.readModes.pages ? ["--pages"] : []),
      ...(options.readModes.batch ? ["--batch"] : []),
    ];
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(
          new Error(
            `the sandbox did not say it was listening within ${options.startTimeoutMs ?? 120_000} ms: ${stderr}`,
          ),
        );
      }, options.startTimeoutMs ?? 120_000);
      const lines = createInterface({ input: child.stdout });
      lines.on("line", (line) => {
        const match = /listening on (\S+)/.exec(line);
        if (!match) return;
        clearTimeout(timer);
        resolve(match[1] as string);
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the sandbox exited with code ${code} before listening: ${stderr}`));
      });
    });
    return new SandboxProcess(child, url);
  }

  get pid(): number {
    return this.child.pid as number;
  }

  private controlUrl(path: string): string {
    return `${new URL(this.url).origin}/_sandbox/${path}`;
  }

  private async control<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.controlUrl(path), {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
    if (!response.ok)
      throw new Error(`${method} /_sandbox/${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  stats(): Promise<SandboxStats> {
    return this.control("GET", "stats");
  }

  async resetStats(): Promise<void> {
    await this.control("POST", "stats/reset");
  }

  async setReadModes(modes: ReadModes): Promise<void> {
    await this.control("PUT", "read-modes", modes);
  }

  /** CPU time (user + system) the sandbox process has used so far, in ms; null where /proc is absent. */
  cpuMs(): number | null {
    try {
      // Fields 14 and 15 of /proc/PID/stat, in clock ticks (100 a second on Linux); the command
      // name (field 2) is in parentheses and may hold spaces, so count from the closing one.
      const stat = readFileSync(`/proc/${this.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return null;
    }
  }

  /** Peak resident memory of the sandbox process so far, in MB; null where /proc is absent. */
  peakRssMb(): number | null {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, "utf8");
      const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
      return match ? Number(match[1]) / 1024 : null;
    } catch {
      return null;
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
