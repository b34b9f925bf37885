/**
 * The plan as JSON, for machines: `exrec plan --format json` (the plan format itself is in
 * reconciler/plan-format/, which plan files share).
 */
import type { Plan } from "../model.js";
import { planObjectJson } from "../plan-format/json.js";

/**
 * Pretty JSON (2 spaces, trailing newline) with keys in the schema's order. `manifest_files` is
 * left out: it belongs to plan files, and a rendered plan must not depend on local paths.
 */
export function renderPlanJson(plan: Plan): string {
  const { manifest_files: _pathsOfThisMachine, ...rendered } = plan;
  return planObjectJson(rendered);
}
