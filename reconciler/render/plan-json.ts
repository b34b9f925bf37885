/**
 * The plan as JSON, for machines: `exrec plan --format json`, and the body of plan files.
 * Keys are written in the order schemas/plan.schema.json lists them, whatever order the planner
 * built its objects in, so that the same plan is always the same bytes.
 */
import type { Plan } from "../model.js";
import { orderKeysBySchema } from "./canonical-json.js";
import { PLAN_SCHEMA } from "./plan-schema.js";

/** Pretty JSON (2 spaces, trailing newline) with keys in the schema's order. */
export function renderPlanJson(plan: Plan): string {
  return renderPlanObjectJson(plan);
}

/** The same, for a plan object with extra top-level fields the schema lists (a plan file's `digest`). */
export function renderPlanObjectJson(plan: Plan & { digest?: string }): string {
  return `${JSON.stringify(orderKeysBySchema(plan, PLAN_SCHEMA), null, 2)}\n`;
}
