/**
 * What an exrec_account's configuration must be, checked without the engine or the API, so that
 * Terraform's validation (a process of its own) starts and answers quickly.
 */
import { LICENSES, RENEWALS } from "../../reconciler/model.js";
import type { ObjectValue } from "./cty.js";
import type { Diagnostic } from "./diagnostics.js";
import { ResourceConfigError } from "./errors.js";
import { bool, oneOf, str } from "./values.js";

export const ACCOUNT_TYPE = "exrec_account";

/** One address, as the manifest takes it (no list, no path). */
export const EMAIL = /^[^@\s,/]+@[^@\s,/]+\.[^@\s,/]+$/;

/** What a resource's RPC answers: its new (or planned) state, private data and diagnostics. */
export interface ResourceResult {
  state: ObjectValue | null;
  private?: Buffer;
  diagnostics: Diagnostic[];
  requiresReplace?: string[];
}

/** Value checks that need nothing but the configuration (ValidateResourceConfig and plan). */
export function validateAccount(config: ObjectValue): void {
  const email = str(config, "email");
  if (email !== null && !EMAIL.test(email))
    throw new ResourceConfigError(`email = ${JSON.stringify(email)} is not an e-mail address`, "email");
  oneOf(config, "license", LICENSES);
  oneOf(config, "renewal", RENEWALS);
  const state = oneOf(config, "state", ["present", "absent"] as const);
  bool(config, "protect");
  if (state === "absent") {
    for (const name of ["license", "renewal", "display_name", "protect"]) {
      if (config[name] !== null)
        throw new ResourceConfigError(
          `an account with state = "absent" takes no ${name}: it is being removed`,
          name,
        );
    }
  }
}
