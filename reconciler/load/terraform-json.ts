/**
 * Reads a synthesized cdk.tf.json (CDKTF or CDK Terrain: the same Terraform JSON) into the
 * manifest v1 document a YAML manifest would give, so that both go through the same validation
 * and end in the same Desired model.
 *
 * Only `resource.exrec_platform.*` and `resource.exrec_account.*` are read; providers, the
 * `terraform` block and other resources are ignored. Accounts name their platform by
 * organization + service. exrec does not run Terraform, so the only interpolations it resolves are
 * references to attributes of an `exrec_platform` in the same file (what a CDKTF user gets by
 * passing `platform.resource.organization`); anything else is reported at its location.
 *
 * Every path of the returned document can be located back in the JSON text, so the validator's
 * messages point at the resource attribute the user wrote (file:line:col).
 */
export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units like most editors. */
  col: number;
}

export type DocumentPath = readonly (string | number)[];

/** Whether a position points at an attribute's name (`"license":`) or at its value. */
export type LocateTarget = "key" | "value";

export interface TerraformJsonManifest {
  /** A manifest v1 document, `{version: 1, platforms: [...]}`, not validated yet. */
  document: unknown;
  /**
   * Where a path of `document` comes from: the attribute's value (default) or name, the resource
   * for a platform or an account. A path that goes further than the document gives its deepest
   * known ancestor; `defaults` gives its first attribute, `accounts` its platform.
   */
  locate: (path: DocumentPath, target?: LocateTarget) => Position;
}

/**
 * A cdk.tf.json that cannot be read as exrec resources. A plain Error (the loader wraps it in its
 * own class) that carries the position, and the resource address where there is one.
 */
export class TerraformJsonError extends Error {
  constructor(
    readonly file: string,
    readonly at: Position,
    readonly problem: string,
    readonly address?: string,
  ) {
    super(`${file}:${at.line}:${at.col}: ${address ? `${address}: ` : ""}${problem}`);
    this.name = "TerraformJsonError";
  }
}

const PLATFORM_TYPE = "exrec_platform";
const ACCOUNT_TYPE = "exrec_account";

/** Meta-arguments and cdktf metadata, which say nothing about the desired state. */
const IGNORED_ATTRIBUTES = new Set([
  "//",
  "provider",
  "depends_on",
  "lifecycle",
  "connection",
  "provisioner",
]);
/** Meta-arguments that multiply a resource: expanding them needs Terraform. */
const EXPANDING_ATTRIBUTES = new Set(["count", "for_each"]);
/** Boolean attributes, which Terraform also accepts as the strings "true" and "false". */
const BOOLEAN_ATTRIBUTES = new Set(["prune", "protect"]);

export function manifestFromTerraformJson(text: string, file: string): TerraformJsonManifest {
  if (typeof text !== "string") {
    throw new TerraformJsonError(file, { line: 1, col: 1 }, "expected the text of a cdk.tf.json file");
  }
  const root = parseJsonWithPositions(text, file);
  const resources = collectResources(root, file);
  const resolver = new InterpolationResolver(resources.platforms, file);

  const platforms: BuiltPlatform[] = resources.platforms.map((resource) => buildPlatform(resource, resolver));
  const byKey = new Map<string, BuiltPlatform>();
  for (const platform of platforms) {
    const key = `${String(platform.organization)}/${String(platform.service)}`;
    const earlier = byKey.get(key);
    if (earlier) {
      throw new TerraformJsonError(
        file,
        platform.resource.keyAt,
        `declares the platform ${key}, which ${earlier.resource.address} declares already; keep one of them`,
        platform.resource.address,
      );
    }
    byKey.set(key, platform);
  }

  for (const resource of resources.accounts) {
    const organization = platformName(resource, "organization", resolver);
    const service = platformName(resource, "service", resolver);
    const platform = byKey.get(`${organization}/${service}`);
    if (!platform) {
      throw new TerraformJsonError(
        file,
        resource.keyAt,
        `names the platform ${organization}/${service}, but no ${PLATFORM_TYPE} in this file declares it; ` +
          `declare the platform in the same stack (new ExchangePlatform(...) with that organization and service)`,
        resource.address,
      );
    }
    platform.accounts.push(buildAccount(resource, resolver));
  }

  const document = {
    version: 1,
    platforms: platforms.map((p) => ({ ...p.fields, accounts: p.accounts.map((a) => a.fields) })),
  };
  const start = { line: 1, col: 1 };
  const resourceKeyAt = resources.resourceKeyAt ?? root.at;

  return {
    document,
    locate(path: DocumentPath, target: LocateTarget = "value"): Position {
      const [top, platformIndex, field, accountIndex, ...rest] = path;
      if (top !== "platforms") return top === "version" ? start : resourceKeyAt;
      if (typeof platformIndex !== "number") return resourceKeyAt;
      const platform = platforms[platformIndex];
      if (!platform) return resourceKeyAt;
      if (field === "accounts") {
        if (typeof accountIndex !== "number") return platform.resource.keyAt;
        const account = platform.accounts[accountIndex];
        if (!account) return platform.resource.keyAt;
        return locateIn(account, rest, target);
      }
      return locateIn(platform, path.slice(2), target);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// From resources to manifest entries
// ---------------------------------------------------------------------------------------------

interface Resource {
  /** `exrec_account.NAME`. */
  address: string;
  /** The resource's name in the JSON (where the resource starts, for messages). */
  keyAt: Position;
  body: ObjectNode;
}

/** A manifest entry, and for each of its fields the JSON node it came from. */
interface Built {
  resource: Resource;
  fields: Record<string, unknown>;
  /** Manifest field path (joined with "\u0000") → the attribute it came from. */
  sources: Map<string, { keyAt: Position; value: JsonNode }>;
}

interface BuiltPlatform extends Built {
  organization: unknown;
  service: unknown;
  accounts: Built[];
}

const PLATFORM_FIELDS: Record<string, string[]> = {
  default_license: ["defaults", "license"],
  default_renewal: ["defaults", "renewal"],
};
const ACCOUNT_FIELDS: Record<string, string[]> = {};

function buildPlatform(resource: Resource, resolver: InterpolationResolver): BuiltPlatform {
  const built = buildEntry(resource, resolver, PLATFORM_FIELDS, new Set());
  return { ...built, organization: built.fields.organization, service: built.fields.service, accounts: [] };
}

function buildAccount(resource: Resource, resolver: InterpolationResolver): Built {
  // The platform is named by organization + service; in the manifest, nesting says it.
  return buildEntry(resource, resolver, ACCOUNT_FIELDS, new Set(["organization", "service"]));
}

/**
 * Maps each attribute to its manifest field: explicit renames, else snake_case → camelCase.
 * Attributes the manifest does not know are kept (camelCased), so that the schema validator
 * reports them at their location instead of exrec silently ignoring a typo.
 */
function buildEntry(
  resource: Resource,
  resolver: InterpolationResolver,
  renames: Record<string, string[]>,
  consumed: Set<string>,
): Built {
  const fields: Record<string, unknown> = {};
  const sources = new Map<string, { keyAt: Position; value: JsonNode }>();
  for (const entry of resource.body.entries) {
    if (IGNORED_ATTRIBUTES.has(entry.key) || consumed.has(entry.key)) continue;
    if (EXPANDING_ATTRIBUTES.has(entry.key)) {
      throw new TerraformJsonError(
        resolver.file,
        entry.keyAt,
        `uses ${entry.key}, which only Terraform can expand; declare each platform and account as its own resource`,
        resource.address,
      );
    }
    const path = renames[entry.key] ?? [snakeToCamel(entry.key)];
    const value = resolver.resolve(entry.value, resource.address, BOOLEAN_ATTRIBUTES.has(entry.key));
    setPath(fields, path, value);
    sources.set(path.join("\u0000"), { keyAt: entry.keyAt, value: entry.value });
  }
  return { resource, fields, sources };
}

/** The organization or service an account names, which must resolve to a string to find its platform. */
function platformName(
  resource: Resource,
  attribute: "organization" | "service",
  resolver: InterpolationResolver,
): string {
  const entry = resource.body.entries.find((e) => e.key === attribute);
  if (!entry) {
    throw new TerraformJsonError(
      resolver.file,
      resource.keyAt,
      `has no ${attribute}; an account names its platform by organization and service`,
      resource.address,
    );
  }
  const value = resolver.resolve(entry.value, resource.address, false);
  if (typeof value !== "string") {
    throw new TerraformJsonError(
      resolver.file,
      entry.value.at,
      `${attribute} must be a string naming the account's platform, not ${describe(entry.value)}`,
      resource.address,
    );
  }
  return value;
}

function locateIn(entry: Built, path: DocumentPath, target: LocateTarget): Position {
  if (path.length === 0) return target === "key" ? entry.resource.keyAt : entry.resource.body.at;
  // The longest prefix of the path that names an attribute, then down into its JSON value.
  for (let length = path.length; length > 0; length--) {
    const source = entry.sources.get(path.slice(0, length).join("\u0000"));
    if (!source) continue;
    if (length === path.length) return target === "key" ? source.keyAt : source.value.at;
    return locateInValue(source.value, path.slice(length), target) ?? source.value.at;
  }
  // A group with no attribute of its own (`defaults`): its first attribute.
  const prefix = `${path.join("\u0000")}\u0000`;
  for (const [key, source] of entry.sources) if (key.startsWith(prefix)) return source.keyAt;
  return entry.resource.keyAt;
}

function locateInValue(node: JsonNode, path: DocumentPath, target: LocateTarget): Position | undefined {
  let current: JsonNode = node;
  let keyAt: Position | undefined;
  for (const segment of path) {
    if (current.kind === "object") {
      const entry = current.entries.find((e) => e.key === String(segment));
      if (!entry) return current.at;
      keyAt = entry.keyAt;
      current = entry.value;
    } else if (current.kind === "array" && typeof segment === "number" && current.items[segment]) {
      keyAt = undefined;
      current = current.items[segment];
    } else {
      return current.at;
    }
  }
  return target === "key" && keyAt ? keyAt : current.at;
}

/** Sets `value` at `path` (an empty path sets nothing), making the maps on the way. */
function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const last = path.at(-1);
  if (last === undefined) return;
  let cursor = target;
  for (const segment of path.slice(0, -1)) {
    const next = cursor[segment];
    if (typeof next === "object" && next !== null) cursor = next as Record<string, unknown>;
    else cursor = cursor[segment] = {};
  }
  cursor[last] = value;
}

function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

// ---------------------------------------------------------------------------------------------
// Finding the exrec resources in Terraform JSON
// ---------------------------------------------------------------------------------------------

interface CollectedResources {
  platforms: Resource[];
  accounts: Resource[];
  /** Where the top-level `resource` key is, if any. */
  resourceKeyAt: Position | undefined;
}

/**
 * Terraform JSON allows `resource` (and each resource type under it) to be an object or an array
 * of objects; cdktf writes objects. Both are read, in file order.
 */
function collectResources(root: JsonNode, file: string): CollectedResources {
  if (root.kind !== "object") {
    throw new TerraformJsonError(
      file,
      root.at,
      `expected a Terraform JSON object at the top, found ${describe(root)}`,
    );
  }
  const collected: CollectedResources = { platforms: [], accounts: [], resourceKeyAt: undefined };
  const resourceEntry = root.entries.find((e) => e.key === "resource");
  if (!resourceEntry) {
    // A synthesized stack always has a `terraform` block; a JSON without it and without resources
    // (a package.json, a saved plan) is not something exrec reads, and must not pass as "valid".
    if (!root.entries.some((e) => e.key === "terraform")) throw notAStack(root, file);
    return collected;
  }
  collected.resourceKeyAt = resourceEntry.keyAt;

  for (const byType of objectsOf(resourceEntry.value, "resource", file)) {
    for (const typeEntry of byType.entries) {
      const target =
        typeEntry.key === PLATFORM_TYPE
          ? collected.platforms
          : typeEntry.key === ACCOUNT_TYPE
            ? collected.accounts
            : null;
      if (!target) continue;
      for (const byName of objectsOf(typeEntry.value, `resource.${typeEntry.key}`, file)) {
        for (const nameEntry of byName.entries) {
          const address = `${typeEntry.key}.${nameEntry.key}`;
          const [body, ...more] = objectsOf(nameEntry.value, address, file);
          if (body === undefined || more.length > 0) {
            throw new TerraformJsonError(file, nameEntry.keyAt, "expected one object of attributes", address);
          }
          target.push({ address, keyAt: nameEntry.keyAt, body });
        }
      }
    }
  }
  return collected;
}

function notAStack(root: ObjectNode, file: string): TerraformJsonError {
  const keys = new Set(root.entries.map((e) => e.key));
  const what =
    keys.has("format_version") && keys.has("digest")
      ? "it is a saved plan (show it with `exrec show FILE`, apply it with `exrec apply FILE`)"
      : "it has neither a `terraform` block nor `resource` blocks";
  return new TerraformJsonError(
    file,
    root.at,
    `this JSON file is neither a manifest nor a synthesized CDKTF stack (cdk.tf.json): ${what}`,
  );
}

function objectsOf(node: JsonNode, what: string, file: string): ObjectNode[] {
  if (node.kind === "object") return [node];
  if (node.kind === "array" && node.items.every((item) => item.kind === "object")) return node.items;
  throw new TerraformJsonError(
    file,
    node.at,
    `${what} must be an object (or an array of objects), not ${describe(node)}`,
  );
}

function describe(node: JsonNode): string {
  switch (node.kind) {
    case "object":
      return "an object";
    case "array":
      return "an array";
    case "null":
      return "null";
    default:
      return `the ${node.kind} ${JSON.stringify(node.value)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Interpolations
// ---------------------------------------------------------------------------------------------

/** `${exrec_platform.NAME.ATTRIBUTE}`, spaces allowed inside the braces as in Terraform. */
const PLATFORM_REFERENCE = /^\s*exrec_platform\.([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_]*)\s*$/;

/**
 * Resolves `${exrec_platform.NAME.ATTRIBUTE}` to that platform's literal attribute, as Terraform
 * would: a string that is one interpolation takes the attribute's value (and type); interpolations
 * inside a longer string are concatenated. `$${` and `%%{` are Terraform's escapes for a literal
 * `${` and `%{`. Anything else needs Terraform, and is reported where it is.
 */
class InterpolationResolver {
  private readonly platforms = new Map<string, ObjectNode>();

  constructor(
    platforms: Resource[],
    readonly file: string,
  ) {
    for (const platform of platforms)
      this.platforms.set(platform.address.slice(PLATFORM_TYPE.length + 1), platform.body);
  }

  /** The attribute's value with interpolations resolved; objects and arrays as plain JSON. */
  resolve(node: JsonNode, address: string, boolean: boolean): unknown {
    if (node.kind === "object") {
      return Object.fromEntries(node.entries.map((e) => [e.key, this.resolve(e.value, address, false)]));
    }
    if (node.kind === "array") return node.items.map((item) => this.resolve(item, address, false));
    if (node.kind === "null") return null;
    if (node.kind !== "string") return node.value;
    const value = this.resolveString(node, address);
    // Terraform converts "true"/"false" to booleans where a bool is expected; so do we.
    if (boolean && (value === "true" || value === "false")) return value === "true";
    return value;
  }

  private resolveString(node: StringNode, address: string): unknown {
    const text = node.value;
    if (!text.includes("${") && !text.includes("%{")) return text;
    const parts: unknown[] = [];
    let literal = "";
    let i = 0;
    while (i < text.length) {
      if (text.startsWith("$${", i) || text.startsWith("%%{", i)) {
        literal += `${text[i]}{`;
        i += 3;
      } else if (text.startsWith("%{", i)) {
        throw this.unresolvable(
          node,
          address,
          text.slice(i, closingBrace(text, i) + 1),
          "template directives need Terraform",
        );
      } else if (text.startsWith("${", i)) {
        const end = closingBrace(text, i);
        const expression = text.slice(i + 2, end === -1 ? text.length : end);
        if (end === -1)
          throw this.unresolvable(node, address, text.slice(i), "the interpolation is not closed");
        if (literal) parts.push(literal);
        literal = "";
        parts.push(this.platformAttribute(node, address, expression));
        i = end + 1;
      } else {
        literal += text[i];
        i += 1;
      }
    }
    if (literal) parts.push(literal);
    if (parts.length === 1) return parts[0];
    return parts.map((p) => (typeof p === "string" ? p : JSON.stringify(p))).join("");
  }

  private platformAttribute(node: StringNode, address: string, expression: string): unknown {
    const reference = PLATFORM_REFERENCE.exec(expression);
    const shown = `\${${expression}}`;
    if (!reference) {
      throw this.unresolvable(
        node,
        address,
        shown,
        `exrec resolves only references to attributes of an ${PLATFORM_TYPE} in the same file`,
      );
    }
    const [, name, attribute] = reference;
    const platform = this.platforms.get(name!);
    if (!platform)
      throw this.unresolvable(node, address, shown, `there is no ${PLATFORM_TYPE}.${name} in this file`);
    const entry = platform.entries.find((e) => e.key === attribute);
    if (!entry)
      throw this.unresolvable(node, address, shown, `${PLATFORM_TYPE}.${name} sets no ${attribute}`);
    const value = entry.value;
    if (value.kind === "object" || value.kind === "array" || value.kind === "null") {
      throw this.unresolvable(
        node,
        address,
        shown,
        `${PLATFORM_TYPE}.${name}.${attribute} is not a plain value`,
      );
    }
    if (value.kind === "string" && (value.value.includes("${") || value.value.includes("%{"))) {
      throw this.unresolvable(
        node,
        address,
        shown,
        `${PLATFORM_TYPE}.${name}.${attribute} is itself an interpolation`,
      );
    }
    return value.value;
  }

  private unresolvable(
    node: StringNode,
    address: string,
    expression: string,
    why: string,
  ): TerraformJsonError {
    return new TerraformJsonError(
      this.file,
      node.at,
      `cannot resolve ${expression}: ${why}. exrec reads cdk.tf.json without running Terraform; write the value literally`,
      address,
    );
  }
}

/** The index of the `}` closing the `${` or `%{` at `start`, braces nested; -1 if none. */
function closingBrace(text: string, start: number): number {
  let depth = 0;
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// JSON with positions
// ---------------------------------------------------------------------------------------------

interface ObjectNode {
  kind: "object";
  at: Position;
  entries: { key: string; keyAt: Position; value: JsonNode }[];
}
interface ArrayNode {
  kind: "array";
  at: Position;
  items: JsonNode[];
}
interface StringNode {
  kind: "string";
  at: Position;
  value: string;
}
type JsonNode =
  | ObjectNode
  | ArrayNode
  | StringNode
  | { kind: "number"; at: Position; value: number }
  | { kind: "boolean"; at: Position; value: boolean }
  | { kind: "null"; at: Position };

/** Deeper than any Terraform JSON; a guard against stack exhaustion on hostile input. */
const MAX_DEPTH = 256;

/**
 * A strict JSON (RFC 8259) parser that keeps where each value and key starts. Duplicate keys are
 * refused: JSON.parse would silently keep the last one, and a resource silently dropped is an
 * account silently unmanaged.
 */
function parseJsonWithPositions(text: string, file: string): JsonNode {
  let index = 0;
  let line = 1;
  let lineStart = 0;

  const here = (): Position => ({ line, col: index - lineStart + 1 });
  const fail = (message: string, at: Position = here()): never => {
    throw new TerraformJsonError(file, at, `not valid JSON: ${message}`);
  };
  const skipWhitespace = (): void => {
    while (index < text.length) {
      const c = text[index];
      if (c === "\n") {
        index++;
        line++;
        lineStart = index;
      } else if (c === " " || c === "\t" || c === "\r") {
        index++;
      } else {
        break;
      }
    }
  };
  const found = (): string =>
    index >= text.length ? "the end of the file" : `${JSON.stringify(text[index])}`;

  const parseValue = (depth: number): JsonNode => {
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    skipWhitespace();
    const at = here();
    const c = text[index];
    if (c === "{") return parseObject(at, depth);
    if (c === "[") return parseArray(at, depth);
    if (c === '"') return { kind: "string", at, value: parseString() };
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9"))
      return { kind: "number", at, value: parseNumber() };
    for (const [word, node] of [
      ["true", { kind: "boolean", at, value: true }],
      ["false", { kind: "boolean", at, value: false }],
      ["null", { kind: "null", at }],
    ] as const) {
      if (text.startsWith(word, index)) {
        index += word.length;
        return node;
      }
    }
    return fail(`expected a value, found ${found()}`);
  };

  const parseObject = (at: Position, depth: number): ObjectNode => {
    index++; // {
    const entries: ObjectNode["entries"] = [];
    const seen = new Set<string>();
    skipWhitespace();
    if (text[index] === "}") {
      index++;
      return { kind: "object", at, entries };
    }
    for (;;) {
      skipWhitespace();
      const keyAt = here();
      if (text[index] !== '"') fail(`expected a quoted key, found ${found()}`);
      const key = parseString();
      if (seen.has(key)) fail(`the key ${JSON.stringify(key)} appears twice in one object`, keyAt);
      seen.add(key);
      skipWhitespace();
      if (text[index] !== ":") fail(`expected ":" after the key, found ${found()}`);
      index++;
      entries.push({ key, keyAt, value: parseValue(depth + 1) });
      skipWhitespace();
      if (text[index] === ",") {
        index++;
        continue;
      }
      if (text[index] === "}") {
        index++;
        return { kind: "object", at, entries };
      }
      fail(`expected "," or "}", found ${found()}`);
    }
  };

  const parseArray = (at: Position, depth: number): ArrayNode => {
    index++; // [
    const items: JsonNode[] = [];
    skipWhitespace();
    if (text[index] === "]") {
      index++;
      return { kind: "array", at, items };
    }
    for (;;) {
      items.push(parseValue(depth + 1));
      skipWhitespace();
      if (text[index] === ",") {
        index++;
        continue;
      }
      if (text[index] === "]") {
        index++;
        return { kind: "array", at, items };
      }
      fail(`expected "," or "]", found ${found()}`);
    }
  };

  const parseString = (): string => {
    const start = index;
    index++; // "
    for (;;) {
      const c = text[index];
      if (c === undefined || c === "\n") fail("a string is not closed", positionOf(start));
      if (c === '"') break;
      if (c === "\\") {
        const escape = /^\\(["\\/bfnrt]|u[0-9a-fA-F]{4})/.exec(text.slice(index, index + 6));
        if (!escape) fail("invalid escape in a string");
        index += escape![0].length;
      } else if (c! < " ") {
        fail("a control character must be escaped in a string");
      } else {
        index++;
      }
    }
    index++; // "
    // Every escape is known to be valid: JSON.parse decodes them exactly.
    return JSON.parse(text.slice(start, index)) as string;
  };

  const parseNumber = (): number => {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(index, index + 400));
    if (!match) return fail(`expected a number, found ${found()}`);
    index += match[0].length;
    return Number(match[0]);
  };

  const positionOf = (offset: number): Position => ({ line, col: offset - lineStart + 1 });

  // A byte-order mark, as some Windows editors write, is not part of the first line's columns.
  if (text.charCodeAt(0) === 0xfeff) index = lineStart = 1;
  const root = parseValue(0);
  skipWhitespace();
  if (index < text.length) fail(`unexpected ${found()} after the end of the JSON value`);
  return root;
}
