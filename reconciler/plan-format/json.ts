/**
 * The plan's JSON text, the same bytes for the same plan: what `plan --format json` prints and
 * what a plan file holds. Keys are written in the order schemas/plan.schema.json lists them,
 * whatever order the planner built its objects in.
 */
import type { Change } from "../model.js";
import { orderKeysBySchema } from "./canonical-json.js";
import { documentOf } from "./document.js";
import { PLAN_SCHEMA } from "./schema.js";

/**
 * Pretty JSON (2 spaces, trailing newline) of every field given, with keys in the schema's order,
 * each change with its derived `destructive` flag.
 */
export function planObjectJson<T extends { changes: readonly Change[] }>(plan: T): string {
  return `${JSON.stringify(orderKeysBySchema(documentOf(plan), PLAN_SCHEMA), null, 2)}\n`;
}
