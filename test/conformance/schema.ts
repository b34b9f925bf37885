/**
 * OVHcloud's published API v1 schema, the subset exrec and the sandbox touch
 * (test/fixtures/ovh-api/schema-subset.json, in the format of the API's own `/1.0/{section}.json`),
 * and the lookups the conformance checker needs: which operation a request is, what a type means.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface SchemaParameter {
  name?: string;
  dataType: string;
  paramType: "path" | "query" | "body" | "header";
  required: boolean;
}

export interface SchemaOperation {
  httpMethod: string;
  parameters: SchemaParameter[];
  responseType: string;
  noAuthentication: boolean;
}

export interface SchemaProperty {
  type: string;
  canBeNull: boolean;
  readOnly?: boolean;
}

export interface SchemaModel {
  properties?: Record<string, SchemaProperty>;
  enum?: string[];
}

export interface SchemaDocument {
  apis: { path: string; operations: SchemaOperation[] }[];
  models: Record<string, SchemaModel>;
}

export interface MatchedOperation {
  /** The schema's template, e.g. `/email/exchange/{organizationName}/service/{exchangeService}`. */
  template: string;
  operation: SchemaOperation;
  /** Path parameters by the schema's names, URL-decoded. */
  pathParams: Record<string, string>;
}

/** The repository's root, whether this file runs from the sources or compiled under dist/. */
function repositoryRoot(): string {
  const here = fileURLToPath(import.meta.url);
  const at = here.lastIndexOf("/dist/");
  return at >= 0 ? here.slice(0, at) : join(dirname(here), "..", "..");
}

export const SCHEMA_FILE = join(repositoryRoot(), "test", "fixtures", "ovh-api", "schema-subset.json");

export function loadSchema(file = SCHEMA_FILE): SchemaDocument {
  return JSON.parse(readFileSync(file, "utf8")) as SchemaDocument;
}

export class Schema {
  private readonly routes: { template: string; segments: string[]; operations: SchemaOperation[] }[];
  /** The routes by their number of segments: a path can only match a route of its own length. */
  private readonly routesByLength = new Map<number, Schema["routes"]>();

  constructor(readonly document: SchemaDocument) {
    this.routes = document.apis.map((api) => ({
      template: api.path,
      segments: api.path.split("/").slice(1),
      operations: api.operations,
    }));
    for (const route of this.routes) {
      const same = this.routesByLength.get(route.segments.length);
      if (same) same.push(route);
      else this.routesByLength.set(route.segments.length, [route]);
    }
  }

  /** The template a raw path matches (any method), the most literal match first; null when none. */
  match(method: string, rawPath: string): MatchedOperation | { template: string; operation: null } | null {
    const segments = rawPath.split("/").slice(1);
    const candidates: {
      template: string;
      operations: SchemaOperation[];
      params: Record<string, string>;
      literal: number;
    }[] = [];
    for (const route of this.routesByLength.get(segments.length) ?? []) {
      const params: Record<string, string> = {};
      let literal = 0;
      let ok = true;
      for (const [i, expected] of route.segments.entries()) {
        if (!ok) break;
        const actual = segments[i] ?? "";
        if (expected.startsWith("{")) {
          if (actual === "") ok = false;
          else params[expected.slice(1, -1)] = safeDecode(actual);
        } else if (expected === actual) {
          literal++;
        } else {
          ok = false;
        }
      }
      if (ok) candidates.push({ template: route.template, operations: route.operations, params, literal });
    }
    if (candidates.length === 0) return null;
    candidates.sort((a, b) => b.literal - a.literal);
    const [best] = candidates;
    if (best === undefined) return null;
    const operation = best.operations.find((op) => op.httpMethod === method);
    return operation
      ? { template: best.template, operation, pathParams: best.params }
      : { template: best.template, operation: null };
  }

  /** The GET operation of a template, for the object answers of a list read in pages. */
  operation(template: string, method: string): SchemaOperation | null {
    return (
      this.routes.find((r) => r.template === template)?.operations.find((op) => op.httpMethod === method) ??
      null
    );
  }

  model(name: string): SchemaModel | undefined {
    return this.document.models[name];
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
