/**
 * One measured read of a fleet, run in a fresh child process of the benchmark so that its peak
 * memory is its own: exrec's `refresh()` (any mode the sandbox offers) or the Terraform-like
 * baseline. It checks what it read (every account, in the expected mode) before reporting, so a
 * fast wrong answer cannot pass for a fast one.
 */
import { sandboxConnection } from "../../provider/ovh/config.js";
import { resolveLimits } from "../../provider/ovh/limits.js";
import { createExchangeApi } from "../../provider/ovh/exchange.js";
import { SANDBOX_CREDENTIALS } from "../../provider/sandbox/types.js";
import type { PlatformRef } from "../../reconciler/model.js";
import { refresh } from "../../reconciler/refresh.js";
import type { Reader } from "./floor.js";
import { readLikeTerraform, TERRAFORM_PARALLELISM } from "./terraform-like.js";

export interface ReaderSpec {
  reader: Reader;
  /** Sandbox base URL including `/1.0`. */
  url: string;
  targets: PlatformRef[];
  /** Requests in flight for exrec (the baseline always uses TERRAFORM_PARALLELISM). */
  concurrency: number;
  /** Accounts the fleet holds in all. */
  expectedAccounts: number;
}

export interface ReaderResult {
  wallMs: number;
  accounts: number;
  /** The user + system CPU time of this process during the read, in ms. */
  cpuMs: number;
  /** Peak resident memory of this process over its whole life, in MB. */
  peakRssMb: number;
  concurrency: number;
}

export async function runReader(spec: ReaderSpec): Promise<ReaderResult> {
  const concurrency = spec.reader === "terraform-like" ? TERRAFORM_PARALLELISM : spec.concurrency;
  // The limits a user gets from EXREC_CONCURRENCY=N and EXREC_RATE_LIMIT=0.
  const limits = resolveLimits({
    EXREC_CONCURRENCY: String(concurrency),
    EXREC_RATE_LIMIT: "0",
    EXREC_TIMEOUT: "120",
  });
  const { api, http } = createExchangeApi(sandboxConnection(spec.url, SANDBOX_CREDENTIALS, limits));
  try {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let accounts: number;
    if (spec.reader === "terraform-like") {
      const platforms = await readLikeTerraform(api, spec.targets);
      accounts = platforms.reduce((n, p) => n + p.accounts.length, 0);
    } else {
      const { actual, readModes } = await refresh(api, spec.targets);
      const wrong = Object.entries(readModes).filter(([, mode]) => mode !== spec.reader);
      if (wrong.length > 0) {
        throw new Error(
          `expected every platform read in ${spec.reader} mode, but ${wrong.map(([k, m]) => `${k} in ${m}`).join(", ")}`,
        );
      }
      accounts = actual.platforms.reduce((n, p) => n + p.accounts.length, 0);
    }
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    if (accounts !== spec.expectedAccounts) {
      throw new Error(`read ${accounts} accounts, expected ${spec.expectedAccounts}`);
    }
    return {
      wallMs,
      accounts,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      concurrency,
    };
  } finally {
    await http.close();
  }
}
