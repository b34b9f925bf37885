/** Errors the CDKTF constructs raise while an app builds its stacks, before anything is synthesized. */
import { ExrecError } from "../../reconciler/errors.js";

/** One address declared twice on a platform (addresses compare case-insensitively, as in manifests). */
export class DuplicateAccountError extends ExrecError {
  readonly code = "EXREC_CDKTF_DUPLICATE_ACCOUNT";
  constructor(
    readonly platform: string,
    readonly email: string,
  ) {
    super(`the account ${email} is declared twice on the platform ${platform}`, {
      hint: "declare each account once per platform (addresses are compared without regard to letter case)",
    });
  }
}
