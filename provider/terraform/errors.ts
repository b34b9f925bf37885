/**
 * Errors of the Terraform provider. Each has a stable code; the RPC layer turns every error into
 * an error diagnostic (never a crash of the plugin), naming the resource attribute where one applies.
 */
import { ExrecError } from "../../reconciler/errors.js";

/** The binary was started by hand, not by Terraform (no magic cookie). */
export class NotAPluginError extends ExrecError {
  readonly code = "EXREC_TF_NOT_A_PLUGIN";
}

/** A resource's configuration exrec refuses (a bad value, a feature Terraform cannot express). */
export class ResourceConfigError extends ExrecError {
  readonly code = "EXREC_TF_CONFIG";
  constructor(
    message: string,
    readonly attribute: string | null,
    options?: { hint?: string },
  ) {
    super(message, options);
  }
}

/** `terraform import` was given an id that is not ORGANIZATION/SERVICE/EMAIL. */
export class ImportIdError extends ExrecError {
  readonly code = "EXREC_TF_IMPORT_ID";
}

/** An account's platform settings (defaults, removal mode) are not known to this run. */
export class PlatformUnknownError extends ExrecError {
  readonly code = "EXREC_TF_PLATFORM_UNKNOWN";
}

/** What apply would do differs from what was planned (the live state moved in between). */
export class PlanDriftedError extends ExrecError {
  readonly code = "EXREC_TF_PLAN_DRIFTED";
}
