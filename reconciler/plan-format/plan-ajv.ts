/**
 * The one ajv configuration of the plan schema, shared by the build (which writes both validators
 * out as code, load/generate-plan-validator.ts) and by the fallback that compiles them at run time: the two
 * must report the very same errors.
 */
import { Ajv2020, type Options } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

export function planAjv(allErrors: boolean, options: Options = {}): Ajv2020 {
  // `discriminator` makes the errors of a Change or a Cost name the branch its `action`/`kind`
  // selects, instead of one error per branch of the oneOf.
  const ajv = new Ajv2020({ allErrors, discriminator: true, ...options });
  addFormats.default(ajv);
  return ajv;
}
