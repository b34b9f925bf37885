/**
 * The drift report as JSON, for scripts and CI: the report itself, two-space indented, with the
 * property order of schemas/drift.schema.json (the schema every output validates against; the
 * tests check it).
 */
import type { DriftReport } from "../drift/types.js";

export function renderDriftJson(report: DriftReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
