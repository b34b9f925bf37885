/**
 * The provider's schema, read from schemas/provider.schema.json: the same file the CDKTF bindings
 * are generated from, so Terraform, CDKTF and exrec's loader agree on every attribute. Turned here
 * into the protocol's Schema messages (an attribute's type travels as cty's JSON type, `"string"`).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const PROVIDER_ADDRESS = "registry.terraform.io/exrec/exrec";

interface JsonAttribute {
  type: string;
  description?: string;
  description_kind?: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
}

interface JsonSchema {
  version: number;
  block: { attributes: Record<string, JsonAttribute>; description?: string; description_kind?: string };
}

export interface ProviderSchemas {
  provider: JsonSchema;
  resources: Record<string, JsonSchema>;
}

function schemaFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "schemas", "provider.schema.json");
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error("schemas/provider.schema.json was not found above the provider's module");
}

let cached: ProviderSchemas | undefined;

export function providerSchemas(): ProviderSchemas {
  if (cached) return cached;
  const file = schemaFile();
  const json = JSON.parse(readFileSync(file, "utf8")) as {
    provider_schemas: Record<string, { provider: JsonSchema; resource_schemas: Record<string, JsonSchema> }>;
  };
  const entry = json.provider_schemas[PROVIDER_ADDRESS];
  if (!entry) throw new Error(`${file}: no provider ${PROVIDER_ADDRESS}`);
  cached = { provider: entry.provider, resources: entry.resource_schemas };
  return cached;
}

/** The attribute names of a resource type (or of the provider block), in schema order. */
export function attributeNames(schema: JsonSchema): string[] {
  return Object.keys(schema.block.attributes);
}

/** A Schema message, as the protocol's codecs take it (snake_case fields, enums by name). */
export function toProtoSchema(schema: JsonSchema): unknown {
  return {
    version: schema.version,
    block: {
      version: schema.version,
      description: schema.block.description ?? "",
      description_kind: schema.block.description_kind === "markdown" ? "MARKDOWN" : "PLAIN",
      attributes: Object.entries(schema.block.attributes).map(([name, a]) => ({
        name,
        type: Buffer.from(JSON.stringify(a.type)),
        description: a.description ?? "",
        description_kind: a.description_kind === "markdown" ? "MARKDOWN" : "PLAIN",
        required: Boolean(a.required),
        optional: Boolean(a.optional),
        computed: Boolean(a.computed),
        sensitive: Boolean(a.sensitive),
      })),
      block_types: [],
    },
  };
}
