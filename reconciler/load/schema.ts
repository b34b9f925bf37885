/**
 * Validation against schemas/manifest.schema.json, the one definition of the manifest's shape
 * (editors read the same file through yaml-language-server). ajv's errors become Problems in the
 * words of a YAML user, located at the key or value they are about, with "did you mean" for typos.
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import manifestSchema from "../../schemas/manifest.schema.json" with { type: "json" };

import { describeType, describeValue, placeLabel, quote } from "./describe.js";
import { closestWord } from "./did-you-mean.js";
import { problemAt, type Problem } from "./problem.js";
import type { DocPath, ManifestSource } from "./source.js";

export { manifestSchema };

/** ajv's validator: true or false, and the errors of the last call. */
type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * The validator the build wrote out as code (generate-validator.ts): no compiler to load, nothing
 * to compile. Where it was not generated (sources run as they are, by tests), ajv compiles the
 * schema once, with the same options.
 */
async function loadValidator(): Promise<Validator> {
  const generated = new URL("./gen/manifest-validator.js", import.meta.url).href;
  try {
    return ((await import(/* @vite-ignore */ generated)) as { validate: Validator }).validate;
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    const { manifestAjv } = await import("./manifest-ajv.js");
    const { inlineLocalRefs } = await import("./inline-refs.js");
    return manifestAjv().compile(inlineLocalRefs(manifestSchema)) as Validator;
  }
}

const compiled = await loadValidator();
const validator = (): Validator => compiled;

/** Every way the document departs from the manifest schema. */
export function schemaProblems(source: ManifestSource): Problem[] {
  const validate = validator();
  if (validate(source.document)) return [];
  const errors = validate.errors ?? [];
  const problems: Problem[] = [];
  for (const error of errors) {
    if (isRedundant(error, errors)) continue;
    const path = documentPath(source.document, error.instancePath);
    problems.push(toProblem(source, path, error));
  }
  return problems;
}

/**
 * A missing required key whose misspelling is also reported (`emial` → "did you mean `email`?")
 * says the same thing twice; keep the one that names the typo.
 */
function isRedundant(error: ErrorObject, all: readonly ErrorObject[]): boolean {
  if (error.keyword !== "required") return false;
  const missing = (error.params as { missingProperty: string }).missingProperty;
  return all.some(
    (other) =>
      other.keyword === "additionalProperties" &&
      other.instancePath === error.instancePath &&
      suggestKey(other) === missing,
  );
}

function toProblem(source: ManifestSource, path: DocPath, error: ErrorObject): Problem {
  const label = placeLabel(path);
  const value = error.data;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const keyPath = [...path, key];
      return problemAt(source.file, source.locate(keyPath, "key"), unknownKeyMessage(key, label, error));
    }
    case "required": {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return problemAt(source.file, source.locate(path), `${label} lacks the required field \`${missing}\``);
    }
    case "type": {
      const expected = String((error.params as { type: string }).type);
      const hint =
        typeof value === "string" && /^(yes|no|on|off|y|n)$/i.test(value) && expected === "boolean"
          ? " (YAML 1.2 reads yes/no/on/off as strings: write true or false)"
          : "";
      return problemAt(
        source.file,
        source.locate(path),
        `${label} must be ${describeType(expected)}, found ${describeValue(value)}${hint}`,
      );
    }
    case "enum":
      return problemAt(source.file, source.locate(path), enumMessage(label, value, error));
    case "const":
      return problemAt(
        source.file,
        source.locate(path),
        `this exrec reads manifest version 1; found ${typeof value === "number" ? `version ${value}` : describeValue(value)}`,
      );
    case "format":
      return problemAt(
        source.file,
        source.locate(path),
        `${label} is not a valid e-mail address: ${describeValue(value)}`,
      );
    case "pattern":
      return problemAt(
        source.file,
        source.locate(path),
        `${label} must be a name as the OVHcloud API gives it (no /, \\, ?, #, % or white space), found ${describeValue(value)}`,
      );
    case "minLength":
      return problemAt(source.file, source.locate(path), `${label} must not be empty`);
    case "maxLength":
      return problemAt(
        source.file,
        source.locate(path),
        `${label} is too long (at most ${(error.params as { limit: number }).limit} characters)`,
      );
    default:
      return problemAt(source.file, source.locate(path), `${label} ${error.message ?? "is not valid"}`);
  }
}

function allowedKeys(error: ErrorObject): string[] {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties === undefined ? [] : Object.keys(properties);
}

function suggestKey(error: ErrorObject): string | null {
  const key = (error.params as { additionalProperty: string }).additionalProperty;
  return closestWord(key, allowedKeys(error));
}

function unknownKeyMessage(key: string, label: string, error: ErrorObject): string {
  const where = label === "the manifest" ? "at the top level" : `in ${label}`;
  const head = `unknown field ${quote(key)} ${where}`;
  if (key === "<<") return `${head}: YAML merge keys are not supported; use the platform's \`defaults\``;
  const suggestion = suggestKey(error);
  if (suggestion !== null) return `${head}; did you mean \`${suggestion}\`?`;
  return `${head}; allowed: ${allowedKeys(error).join(", ")}`;
}

function enumMessage(label: string, value: unknown, error: ErrorObject): string {
  // An enum may list one value as a number and as a string (storageQuota: 50 or "50"): name it once.
  const allowed = [...new Set((error.params as { allowedValues: unknown[] }).allowedValues.map(String))];
  let message = `${label} must be one of ${allowed.join(", ")}; found ${describeValue(value)}`;
  if (typeof value === "string") {
    const suggestion = closestWord(value, allowed);
    if (suggestion !== null) message += `; did you mean ${suggestion}?`;
    if (allowed.includes("private") && ["dedicated", "dedicatedcluster"].includes(value.toLowerCase())) {
      message += " (`private` is the API's dedicated and dedicatedCluster)";
    } else if (allowed.includes("hosted") && value.toLowerCase() === "provider") {
      message += " (`hosted` is the API's hosted and provider)";
    }
  }
  return message;
}

/** ajv's instancePath (a JSON pointer) as a document path, list indexes as numbers. */
export function documentPath(document: unknown, pointer: string): DocPath {
  if (pointer === "") return [];
  const path: (string | number)[] = [];
  let node: unknown = document;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      const index = Number(segment);
      path.push(index);
      node = node[index];
    } else {
      path.push(segment);
      node =
        node !== null && typeof node === "object" ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}
