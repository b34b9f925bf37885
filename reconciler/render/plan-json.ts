/**
 * The plan as JSON, for machines: `exrec plan --format json`, and the body of plan files.
 * Keys are written in the order schemas/plan.schema.json lists them, whatever order the planner
 * built its objects in, so that the same plan is always the same bytes.
 */
import type { Plan } from "../model.js";
import { orderKeysBySchema } from "./canonical-json.js";
import { PLAN_SCHEMA } from "./plan-schema.js";

/**
 * Pretty JSON (2 spaces, trailing newline) with keys in the schema's order. `manifest_files` is
 * left out: it belongs to plan files, and a rendered plan must not depend on local paths.
 */
export function renderPlanJson(plan: Plan): string {
  const { manifest_files: _pathsOfThisMachine, ...rendered } = plan;
  return renderPlanObjectJson(rendered);
}

/** Every field given, for a plan file: its `manifest_files` and `digest` included. */
export function renderPlanObjectJson(plan: Plan & { digest?: string }): string {
  return `${JSON.stringify(orderKeysBySchema(plan, PLAN_SCHEMA), null, 2)}\n`;
}
