/**
 * The plan as JSON, for machines: `exrec plan --format json`, and the body of plan files.
 * Keys are written in the order schemas/plan.schema.json lists them, whatever order the planner
 * built its objects in, so that the same plan is always the same bytes.
 */
import type { Plan } from "../model.js";
import { orderKeysBySchema } from "./canonical-json.js";
import { PLAN_SCHEMA } from "./plan-schema.js";

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
  return renderPlanObjectJson(rendered as unknown as Plan);
}

/** Every field given, for a plan file: its `manifest_files` and `digest` included. */
export function renderPlanObjectJson(plan: Plan & { digest?: string }): string {
  return `${JSON.stringify(orderKeysBySchema(plan, PLAN_SCHEMA), null, 2)}\n`;
}
