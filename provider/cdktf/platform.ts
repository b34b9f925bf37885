/**
 * The friendly constructs: an Exchange platform and its accounts, typed so that what the manifest
 * forbids does not compile (a renewal period on a Private platform (P1), `removal` or
 * `storageQuota` on Private, a licence outside basic/standard/enterprise).
 *
 * They are thin: each synthesizes exactly one generated `exrec_platform` / `exrec_account`
 * resource, with the platform's organization and service written literally into every account,
 * so that the synthesized cdk.tf.json reads the same as a YAML manifest.
 */
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import type { License, Offer, RemovalMode, Renewal, StorageQuota } from "../../reconciler/model.js";
import { Account } from "./gen/providers/exrec/account/index.js";
import { Platform } from "./gen/providers/exrec/platform/index.js";
import { DuplicateAccountError } from "./errors.js";
import { ensureExrecProvider } from "./provider.js";

interface PlatformPropsBase {
  /** The API's `organizationName`, e.g. `hosted-ab12345-1`. */
  readonly organization: string;
  /** The API's `exchangeService`, e.g. `hosted-ab12345-1`. */
  readonly service: string;
  /** true: live accounts of this platform that are not declared are removed. Default false. */
  readonly prune?: boolean;
}

export interface HostedPlatformProps extends PlatformPropsBase {
  readonly offer: "hosted";
  /** How accounts are removed: terminate at expiry (`expire`, default, H4) or also reset now (`reset`, H5). */
  readonly removal?: RemovalMode;
  /** The mailbox size in GB of each account exrec orders here. Unset: OVHcloud's default (50). */
  readonly storageQuota?: StorageQuota;
  /** Applied to accounts that do not set their own. */
  readonly defaults?: { readonly license?: License; readonly renewal?: Renewal };
}

export interface PrivatePlatformProps extends PlatformPropsBase {
  readonly offer: "private";
  /** Applied to accounts that do not set their own. Private accounts renew monthly (P1). */
  readonly defaults?: { readonly license?: License };
}

export type ExchangePlatformProps = HostedPlatformProps | PrivatePlatformProps;

interface PresentAccountPropsBase {
  /** Default `present`. */
  readonly state?: "present";
  /** Unset: the platform's default licence, else left as it is. */
  readonly license?: License;
  readonly displayName?: string;
  /** true: exrec never terminates, resets or deletes this account. */
  readonly protect?: boolean;
}

export interface HostedAccountProps extends PresentAccountPropsBase {
  /** Takes effect on the account's expiry date (H2, H3). Unset: the platform's default, else left as it is. */
  readonly renewal?: Renewal;
}

/** Private accounts renew monthly; there is nothing to choose (P1). */
export type PrivateAccountProps = PresentAccountPropsBase;

/** An account to remove: terminated at expiry on Hosted (H4), deleted at once on Private (P3). */
export interface AbsentAccountProps {
  readonly state: "absent";
}

export type AccountProps<O extends Offer> =
  (O extends "hosted" ? HostedAccountProps : PrivateAccountProps) | AbsentAccountProps;

/**
 * An OVHcloud Exchange platform whose accounts exrec manages.
 *
 * ```ts
 * const hosted = new ExchangePlatform(stack, "hosted", {
 *   organization: "hosted-ab12345-1", service: "hosted-ab12345-1", offer: "hosted",
 *   defaults: { license: "standard", renewal: "yearly" },
 * });
 * hosted.account("alice@acme.example", { displayName: "Alice Martin", protect: true });
 * ```
 */
export class ExchangePlatform<O extends Offer = Offer> extends Construct {
  readonly organization: string;
  readonly service: string;
  readonly offer: O;
  /** The generated `exrec_platform` resource, for cdktf features (dependsOn, overrides, ...). */
  readonly resource: Platform;
  /** The stack's exrec provider, shared by this platform's accounts. */
  readonly provider: TerraformProvider;
  private readonly declared: ExchangeAccount[] = [];

  constructor(scope: Construct, id: string, props: ExchangePlatformProps & { readonly offer: O }) {
    super(scope, id);
    this.organization = props.organization;
    this.service = props.service;
    this.offer = props.offer;
    this.provider = ensureExrecProvider(this);
    // Widened from the generic so that TypeScript narrows on the offer.
    const given: ExchangePlatformProps = props;
    const hosted = given.offer === "hosted" ? given : undefined;
    this.resource = new Platform(this, "platform", {
      provider: this.provider,
      organization: props.organization,
      service: props.service,
      offer: props.offer,
      prune: props.prune,
      removal: hosted?.removal,
      storageQuota: hosted?.storageQuota,
      defaultLicense: props.defaults?.license,
      defaultRenewal: hosted?.defaults?.renewal,
    });
  }

  /**
   * Declares an account of this platform. Declaring one address twice (in any letter case) throws
   * a DuplicateAccountError, as a manifest with a duplicate is refused.
   */
  account(email: string, props: AccountProps<O> = {}): ExchangeAccount {
    // The construct id is the lower-cased address, so that the construct tree itself keeps it unique.
    const id = email.toLowerCase();
    if (this.node.tryFindChild(id))
      throw new DuplicateAccountError(`${this.organization}/${this.service}`, email);
    const account = new ExchangeAccount(this, id, { ...props, email, platform: this });
    this.declared.push(account);
    return account;
  }

  /** Same as {@link account}, for readers who prefer the verb. */
  addAccount(email: string, props: AccountProps<O> = {}): ExchangeAccount {
    return this.account(email, props);
  }

  /** The accounts declared so far, in declaration order. */
  get accounts(): readonly ExchangeAccount[] {
    return [...this.declared];
  }
}

export type ExchangeAccountProps = (HostedAccountProps | AbsentAccountProps) & {
  readonly email: string;
  readonly platform: ExchangePlatform;
};

/** One account of an {@link ExchangePlatform}; create it with `platform.account(email, props)`. */
export class ExchangeAccount extends Construct {
  readonly email: string;
  readonly platform: ExchangePlatform;
  /** The generated `exrec_account` resource. */
  readonly resource: Account;

  constructor(scope: Construct, id: string, props: ExchangeAccountProps) {
    super(scope, id);
    this.email = props.email;
    this.platform = props.platform;
    const present = props.state === "absent" ? undefined : props;
    this.resource = new Account(this, "account", {
      provider: props.platform.provider,
      organization: props.platform.organization,
      service: props.platform.service,
      email: props.email,
      state: props.state,
      license: present?.license,
      renewal: present?.renewal,
      displayName: present?.displayName,
      protect: present?.protect,
    });
  }
}
