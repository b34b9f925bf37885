/**
 * The plan's JSON Schema (schemas/plan.schema.json): the one description of the plan format. The
 * JSON renderer takes its key order from it; plan files are checked against it (validate.ts).
 */
import planSchemaJson from "../../schemas/plan.schema.json" with { type: "json" };

/** A JSON Schema node, as far as exrec reads one (for key order and documentation checks). */
export interface SchemaNode {
  $ref?: string;
  description?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  $defs?: Record<string, SchemaNode>;
  [keyword: string]: unknown;
}

export const PLAN_SCHEMA: SchemaNode = planSchemaJson;
