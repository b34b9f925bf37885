/**
 * Checks values against the plan schema (ajv, JSON Schema 2020-12). Kept apart from the schema
 * itself so that only the commands that read or write plan files load the validators.
 */
import type { ErrorObject } from "ajv/dist/2020.js";

/** One reason a value is not a valid plan: where (a JSON Pointer, "" for the whole) and what. */
export interface SchemaProblem {
  path: string;
  message: string;
}

export type SchemaCheck = { valid: true } | { valid: false; problems: SchemaProblem[] };

/** ajv's validator: true or false, and the errors of the last call. */
type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * The validators the build wrote out as code (load/generate-plan-validator.ts): no compiler to load, nothing
 * to compile. Where they were not generated (sources run as they are), ajv compiles the schema
 * on first use, with the same options (plan-ajv.ts).
 */
async function loadValidator(file: string, allErrors: boolean): Promise<() => Validator> {
  const generated = new URL(`./gen/${file}`, import.meta.url).href;
  try {
    const { validate } = (await import(/* @vite-ignore */ generated)) as { validate: Validator };
    return () => validate;
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    const { planAjv } = await import("./plan-ajv.js");
    const { PLAN_SCHEMA } = await import("./schema.js");
    let compiled: Validator | undefined;
    return () => (compiled ??= planAjv(allErrors).compile(PLAN_SCHEMA) as Validator);
  }
}

const firstErrorValidator = await loadValidator("plan-validator-first-error.js", false);
const allErrorsValidator = await loadValidator("plan-validator-all-errors.js", true);

/**
 * Checks a value against the plan schema. `allErrors` lists every problem instead of the first:
 * on hostile input that list can be as long as the input, so callers ask for it only on small
 * values.
 */
export function checkPlanSchema(value: unknown, options: { allErrors?: boolean } = {}): SchemaCheck {
  const validate = options.allErrors ? allErrorsValidator() : firstErrorValidator();
  if (validate(value)) return { valid: true };
  return { valid: false, problems: describeErrors(validate.errors ?? []) };
}

/**
 * One problem per place. Ajv reports an `anyOf` (a date or `now`; an amount or null) as the
 * errors of each branch, just before the `anyOf` error itself; they are folded into one:
 * `must be "now" or must match format "date"`.
 */
function describeErrors(errors: readonly ErrorObject[]): SchemaProblem[] {
  const folded = new Map<ErrorObject, SchemaProblem | null>();
  errors.forEach((error, index) => {
    if (error.keyword !== "anyOf" && error.keyword !== "oneOf") return;
    const within = (path: string) => path === error.instancePath || path.startsWith(`${error.instancePath}/`);
    const branches: ErrorObject[] = [];
    for (let before = index - 1; before >= 0; before -= 1) {
      const branch = errors[before];
      if (branch === undefined || folded.has(branch) || !within(branch.instancePath)) break;
      branches.unshift(branch);
      folded.set(branch, null);
    }
    const alternatives = [
      ...new Set(
        branches.map((branch) => {
          const below = branch.instancePath.slice(error.instancePath.length);
          return `${below === "" ? "" : `${below} `}${describeError(branch).message}`;
        }),
      ),
    ];
    folded.set(error, {
      path: error.instancePath,
      message: alternatives.length === 0 ? describeError(error).message : alternatives.join(" or "),
    });
  });
  return errors
    .map((error) => {
      const folding = folded.get(error);
      return folding === undefined ? describeError(error) : folding;
    })
    .filter((problem): problem is SchemaProblem => problem !== null);
}

function describeError(error: ErrorObject): SchemaProblem {
  let message = error.message ?? "is invalid";
  if (error.keyword === "additionalProperty" || error.keyword === "additionalProperties") {
    message = `has an unknown property ${JSON.stringify((error.params as { additionalProperty: string }).additionalProperty)}`;
  } else if (error.keyword === "const") {
    message = `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`;
  } else if (error.keyword === "discriminator") {
    const params = error.params as { error: string; tag: string; tagValue: unknown };
    message =
      params.error === "mapping"
        ? `has an unknown ${params.tag} ${JSON.stringify(params.tagValue)}`
        : `must have a string property ${JSON.stringify(params.tag)}`;
  } else if (error.keyword === "enum") {
    message = `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return { path: error.instancePath, message };
}
