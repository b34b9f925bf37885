/**
 * The one ajv configuration of the manifest schema, shared by the build (which writes the
 * validator out as code, generate-validator.ts) and by the fallback that compiles it at run time.
 * allErrors: every mistake at once; verbose: the failing schema, for the allowed keys of a typo.
 */
import { Ajv2020, type Options } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

export function manifestAjv(options: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, ...options });
  addFormats.default(ajv, ["email"]);
  return ajv;
}
