/**
 * Two byte-stable ways to write JSON:
 * - `canonicalJson`: RFC 8785 (JSON Canonicalization Scheme) for the values a plan holds: object
 *   keys sorted by UTF-16 code unit, no whitespace. What a digest is computed over, so that the
 *   digest does not depend on the order in which anyone built or wrote the object.
 * - `orderKeysBySchema`: the same value with its object keys in the order a JSON Schema lists
 *   them, for output people read and diff.
 */
import type { SchemaNode } from "./schema.js";

/**
 * RFC 8785 canonical JSON. Numbers and strings are written as ECMAScript's JSON.stringify writes
 * them, which is what RFC 8785 specifies; `undefined` properties are left out as JSON.stringify
 * leaves them out. Throws RangeError on values nested deeper than the stack allows.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    // Non-finite numbers become `null`, as JSON.stringify writes them.
    return JSON.stringify(value) ?? "null";
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined || typeof item === "function" ? "null" : canonicalJson(item))).join(",")}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined && typeof record[key] !== "function")
    .sort(compareCodeUnits);
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(",")}}`;
}

/** RFC 8785 orders keys by their UTF-16 code units, which is what `<` on strings compares. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A copy of `value` whose objects list their keys in the order `schema` lists them; keys the
 * schema does not name follow, sorted. Within a `oneOf`/`anyOf`, the branch whose `const`
 * properties match the object (a Change's `action`, a Cost's `kind`) decides the order.
 */
export function orderKeysBySchema(value: unknown, schema: SchemaNode, root: SchemaNode = schema): unknown {
  if (value === null || typeof value !== "object") return value;
  const node = resolve(schema, root);
  if (Array.isArray(value)) {
    const items = node.items ?? {};
    return value.map((item) => orderKeysBySchema(item, items, root));
  }
  const record = value as Record<string, unknown>;
  const objectNode = objectBranch(node, record, root);
  const properties = objectNode.properties ?? {};
  const additional =
    typeof objectNode.additionalProperties === "object" ? objectNode.additionalProperties : {};
  const known = Object.keys(properties).filter((key) => Object.hasOwn(record, key));
  const others = Object.keys(record)
    .filter((key) => !Object.hasOwn(properties, key))
    .sort(compareCodeUnits);
  const ordered: Record<string, unknown> = {};
  for (const key of [...known, ...others]) {
    const child = (Object.hasOwn(properties, key) ? properties[key] : undefined) ?? additional;
    // defineProperty, not assignment: a key named `__proto__` must stay a plain key.
    Object.defineProperty(ordered, key, {
      value: orderKeysBySchema(record[key], child, root),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return ordered;
}

function resolve(node: SchemaNode, root: SchemaNode): SchemaNode {
  let current = node;
  // A $ref may point at another $ref; the schema has no cycles of bare refs, but bound it anyway.
  for (let hops = 0; current.$ref !== undefined && hops < 32; hops += 1) {
    current = lookUp(current.$ref, root);
  }
  return current;
}

function lookUp(ref: string, root: SchemaNode): SchemaNode {
  if (!ref.startsWith("#/")) return {};
  let node: unknown = root;
  for (const segment of ref.slice(2).split("/")) {
    const key = segment.replace(/~1/g, "/").replace(/~0/g, "~");
    node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node !== null && typeof node === "object" ? (node as SchemaNode) : {};
}

/** The object schema that describes `record`: the node itself, or the matching branch of its union. */
function objectBranch(node: SchemaNode, record: Record<string, unknown>, root: SchemaNode): SchemaNode {
  if (node.properties !== undefined || node.additionalProperties !== undefined) return node;
  const branches = [...(node.oneOf ?? []), ...(node.anyOf ?? [])]
    .map((branch) => resolve(branch, root))
    .filter((branch) => branch.properties !== undefined || branch.additionalProperties !== undefined);
  const matching = branches.find((branch) =>
    Object.entries(branch.properties ?? {}).every(
      ([key, property]) => !Object.hasOwn(property, "const") || record[key] === property.const,
    ),
  );
  return matching ?? branches[0] ?? node;
}
