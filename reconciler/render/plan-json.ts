/**
 * The plan as JSON, for machines: `exrec plan --format json` (the plan format itself is in
 * reconciler/plan-format/, which plan files share).
 */
import type { Plan } from "../model.js";
import { planObjectJson } from "../plan-format/json.js";

export interface PlanJsonOptions {
  /** Also write `fingerprint`: one key per live object read, 100,100 of them for 100,000 accounts. */
  fingerprints?: boolean;
}

/**
 * Pretty JSON (2 spaces, trailing newline) with keys in the schema's order. `manifest_files` is
 * left out: it belongs to plan files, and a rendered plan must not depend on local paths. So is
 * `fingerprint` unless asked for: plan files carry it for apply, and it is only computed if read.
 */
export function renderPlanJson(plan: Plan, options: PlanJsonOptions = {}): string {
  const rendered: Record<string, unknown> = {};
  // Object.keys reads no value: a fingerprint left out is never computed.
  for (const key of Object.keys(plan)) {
    if (key === "manifest_files" || (key === "fingerprint" && !options.fingerprints)) continue;
    rendered[key] = (plan as unknown as Record<string, unknown>)[key];
  }
  return planObjectJson(rendered as unknown as Plan);
}
