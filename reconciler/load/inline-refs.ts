/**
 * The manifest schema with its local references (`"$ref": "#/$defs/name"`) written out in place,
 * for the build's validator (generate-validator.ts). ajv inlines a referenced schema only when it
 * references nothing itself, so the account and platform definitions were separate functions,
 * called once per account with a fresh context object; written out, the whole document is checked
 * by one function. The checks are the same: a reference to a definition holding no identifiers or
 * anchors means that definition, and the keywords the referring schema adds beside `$ref` here are
 * annotations (description, title, $comment), which validate nothing.
 */
const ANNOTATIONS = new Set(["$ref", "description", "title", "$comment"]);
const DEFINITION = /^#\/\$defs\/([A-Za-z0-9_-]+)$/;

/** A copy of `schema` with every `#/$defs/...` reference replaced by its definition, and no `$defs`. */
export function inlineLocalRefs(schema: Record<string, unknown>): Record<string, unknown> {
  const defs = (schema.$defs ?? {}) as Record<string, unknown>;
  const resolving: string[] = [];
  const inline = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(inline);
    if (node === null || typeof node !== "object") return node;
    const record = node as Record<string, unknown>;
    const ref = record.$ref;
    if (typeof ref === "string") {
      const name = DEFINITION.exec(ref)?.[1];
      const target = name === undefined ? undefined : defs[name];
      if (name === undefined || target === undefined) throw new Error(`cannot inline the reference ${ref}`);
      const extra = Object.keys(record).filter((key) => !ANNOTATIONS.has(key));
      if (extra.length > 0) throw new Error(`${ref} has keywords beside it (${extra.join(", ")})`);
      if (resolving.includes(name)) throw new Error(`the definition ${name} refers to itself`);
      resolving.push(name);
      const definition = inline(target) as Record<string, unknown>;
      resolving.pop();
      if ("$id" in definition || "$anchor" in definition || "$dynamicAnchor" in definition)
        throw new Error(`the definition ${name} has an identifier or an anchor`);
      // The referring schema's own annotations are kept over the definition's.
      const annotations = Object.fromEntries(Object.entries(record).filter(([key]) => key !== "$ref"));
      return { ...definition, ...annotations };
    }
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) {
      if (key === "$defs" && node === schema) continue;
      // `properties` maps names to schemas, `enum` and `const` hold values: only schemas are walked.
      copy[key] = key === "enum" || key === "const" ? value : inline(value);
    }
    return copy;
  };
  return inline(schema) as Record<string, unknown>;
}
