/**
 * The steps of `exrec plan`, each timed, inside one fresh process of the benchmark: loading the
 * manifest, refreshing, reading prices and planning, rendering. The whole `exrec plan` process is
 * measured apart (whole.ts); this says what share of it each step takes.
 */
import { planWithQuotes, readLive, readPrices } from "../../reconciler/commands/pipeline.js";
import { loadPlanInput, renderPlan } from "../../reconciler/commands/plan.js";
import { openSession, planningClock } from "../../reconciler/commands/session.js";
import { processIo } from "../../reconciler/commands/process-io.js";

export interface EndToEndSpec {
  manifest: string;
}

export interface EndToEndSteps {
  loadMs: number;
  refreshMs: number;
  planMs: number;
  renderMs: number;
  changes: number;
}

/** Runs with the connection the environment names (OVH_ENDPOINT and the sandbox's keys). */
export async function runEndToEndSteps(spec: EndToEndSpec): Promise<EndToEndSteps> {
  const options = { platform: [], exclude: [] };
  // This runs in a process of its own, as `exrec plan` does.
  const io = processIo();
  const t0 = performance.now();
  const input = await loadPlanInput(io, [spec.manifest], options);
  const t1 = performance.now();
  const session = await openSession(io, input.connection, {});
  try {
    const live = await readLive(session.api, input.desired, { progress: false });
    const t2 = performance.now();
    const plan = await planWithQuotes(session.api, live, planningClock(io), await readPrices(session.api));
    const t3 = performance.now();
    const text = await renderPlan(plan, "text");
    const t4 = performance.now();
    if (text.length === 0) throw new Error("the plan rendered as nothing");
    return {
      loadMs: t1 - t0,
      refreshMs: t2 - t1,
      planMs: t3 - t2,
      renderMs: t4 - t3,
      changes: plan.changes.length,
    };
  } finally {
    await session.close();
  }
}
