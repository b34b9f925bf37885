/**
 * Synthesized cdk.tf.json → ManifestSource, through terraform-json.ts (which turns exrec_platform and
 * exrec_account resources into a manifest v1 document). The document then goes through the same
 * schema and semantic checks as a YAML manifest.
 */
import { problemAt, START, type Problem } from "./problem.js";
import type { ManifestSource } from "./source.js";
import { manifestFromTerraformJson, TerraformJsonError } from "./terraform-json.js";

export type TerraformSourceResult = { ok: true; source: ManifestSource } | { ok: false; problems: Problem[] };

export function terraformSource(text: string, file: string): TerraformSourceResult {
  try {
    const { document, locate } = manifestFromTerraformJson(text, file);
    return { ok: true, source: { file, document, locate } };
  } catch (error) {
    if (error instanceof TerraformJsonError) {
      const subject = error.address === undefined ? "" : `${error.address}: `;
      return { ok: false, problems: [problemAt(file, error.at, `${subject}${error.problem}`)] };
    }
    if (error instanceof RangeError) {
      return {
        ok: false,
        problems: [problemAt(file, START, "cannot read this cdk.tf.json: it nests too deeply")],
      };
    }
    throw error;
  }
}
