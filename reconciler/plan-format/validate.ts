/**
 * Checks values against the plan schema (ajv, JSON Schema 2020-12). Kept apart from the schema
 * itself so that only the commands that read or write plan files load ajv and compile the schema.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { PLAN_SCHEMA } from "./schema.js";

/** One reason a value is not a valid plan: where (a JSON Pointer, "" for the whole) and what. */
export interface SchemaProblem {
  path: string;
  message: string;
}

export type SchemaCheck = { valid: true } | { valid: false; problems: SchemaProblem[] };

let firstErrorValidator: ValidateFunction | undefined;
let allErrorsValidator: ValidateFunction | undefined;

function compile(allErrors: boolean): ValidateFunction {
  // `discriminator` makes the errors of a Change or a Cost name the branch its `action`/`kind`
  // selects, instead of one error per branch of the oneOf.
  const ajv = new Ajv2020({ allErrors, discriminator: true });
  addFormats.default(ajv);
  return ajv.compile(PLAN_SCHEMA);
}

/**
 * Checks a value against the plan schema. `allErrors` lists every problem instead of the first:
 * on hostile input that list can be as long as the input, so callers ask for it only on small
 * values.
 */
export function checkPlanSchema(value: unknown, options: { allErrors?: boolean } = {}): SchemaCheck {
  const validate = options.allErrors
    ? (allErrorsValidator ??= compile(true))
    : (firstErrorValidator ??= compile(false));
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
