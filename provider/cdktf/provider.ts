/**
 * cdktf refuses to synthesize a resource whose provider is not declared in its stack. exrec's
 * provider has nothing to configure, so the constructs declare it themselves, once per stack.
 */
import type { Construct } from "constructs";
import { TerraformProvider, TerraformStack } from "cdktf";
import { ExrecProvider } from "./gen/providers/exrec/provider/index.js";

export const EXREC_PROVIDER_ID = "exrec";

/** The stack's exrec provider: the one the user declared, else one created at the stack's root. */
export function ensureExrecProvider(scope: Construct): TerraformProvider {
  const stack = TerraformStack.of(scope);
  const declared = stack.node
    .findAll()
    .find(
      (c): c is TerraformProvider =>
        TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === ExrecProvider.tfResourceType,
    );
  return declared ?? new ExrecProvider(stack, EXREC_PROVIDER_ID);
}
