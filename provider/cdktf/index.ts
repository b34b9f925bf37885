/**
 * exrec's CDKTF constructs, imported as `exrec/cdktf`. Declare Exchange platforms and accounts in
 * a CDKTF app, synthesize it (`app.synth()`, no terraform binary needed), and give the resulting
 * cdk.tf.json or cdktf.out folder to `exrec plan`.
 */
export {
  ExchangeAccount,
  ExchangePlatform,
  type AbsentAccountProps,
  type AccountProps,
  type ExchangeAccountProps,
  type ExchangePlatformProps,
  type HostedAccountProps,
  type HostedPlatformProps,
  type PrivateAccountProps,
  type PrivatePlatformProps,
} from "./platform.js";
export { ensureExrecProvider } from "./provider.js";
export { DuplicateAccountError } from "./errors.js";
export type { License, Offer, RemovalMode, Renewal } from "../../reconciler/model.js";

// The generated bindings, for users who want the raw resources (all attributes are plain strings).
export { ExrecProvider, type ExrecProviderConfig } from "./gen/providers/exrec/provider/index.js";
export {
  Platform as PlatformResource,
  type PlatformConfig as PlatformResourceConfig,
} from "./gen/providers/exrec/platform/index.js";
export {
  Account as AccountResource,
  type AccountConfig as AccountResourceConfig,
} from "./gen/providers/exrec/account/index.js";

// Re-exported so that an app needs no direct dependency on cdktf to build and synthesize.
export { App, TerraformStack, Testing } from "cdktf";
