/**
 * `exrec_platform`: an existing OVHcloud Exchange platform whose accounts are declared as
 * exrec_account resources. Creating it adopts the platform (nothing is ordered: platforms are
 * bought elsewhere) after checking its live offer; its settings (removal mode, defaults) are what
 * its accounts are planned with. Removing it from the configuration leaves the platform and its
 * accounts as they are.
 */
import { LICENSES, RENEWALS, STORAGE_QUOTAS, type PlatformRef } from "../../reconciler/model.js";
import { isUnknown, type ObjectValue } from "./cty.js";
import { error, warning, type Diagnostic } from "./diagnostics.js";
import type { Engine } from "./engine.js";
import { ImportIdError, ResourceConfigError } from "./errors.js";
import type { ResourceResult } from "./account-config.js";
import type { PlatformSettings, PlatformSettingsStore } from "./settings.js";
import { bool, oneOf, readPrivate, str, writePrivate } from "./values.js";

export const PLATFORM_TYPE = "exrec_platform";

const IDENTITY = ["organization", "service"] as const;

/** The settings the configuration declares, or null while some of them are unknown. */
export function settingsOf(config: ObjectValue): PlatformSettings | null {
  if (Object.values(config).some(isUnknown)) return null;
  const offer = oneOf(config, "offer", ["hosted", "private"] as const);
  const removal = oneOf(config, "removal", ["expire", "reset"] as const);
  const defaultLicense = oneOf(config, "default_license", LICENSES);
  const defaultRenewal = oneOf(config, "default_renewal", RENEWALS);
  const storageQuota = oneOf(config, "storage_quota", STORAGE_QUOTAS);
  if (bool(config, "prune") === true) {
    throw new ResourceConfigError(
      "prune = true cannot be expressed through Terraform: Terraform manages only the accounts declared as resources, and never sees the others",
      "prune",
      {
        hint: 'remove prune here; to remove the platform\'s undeclared accounts, run `exrec plan` / `exrec apply` on this configuration (they read cdk.tf.json), or declare those accounts with state = "absent"',
      },
    );
  }
  if (offer === "private" && removal !== null)
    throw new ResourceConfigError(
      "removal is Hosted only: a Private account is deleted at once (P3)",
      "removal",
    );
  if (offer === "private" && defaultRenewal !== null)
    throw new ResourceConfigError(
      "default_renewal is Hosted only: Private accounts renew monthly (P1)",
      "default_renewal",
    );
  if (offer === "private" && storageQuota !== null)
    throw new ResourceConfigError(
      "storage_quota is Hosted only: it is the size of the accounts exrec orders (H1)",
      "storage_quota",
    );
  const organization = str(config, "organization");
  const service = str(config, "service");
  if (!organization || !service || !offer) return null;
  return {
    organization,
    service,
    offer,
    removal: removal ?? "expire",
    defaultLicense,
    defaultRenewal,
    storageQuota,
  };
}

function idOf(ref: PlatformRef): string {
  return `${ref.organization}/${ref.service}`;
}

export class PlatformResource {
  constructor(
    private readonly engine: Engine,
    private readonly settings: PlatformSettingsStore,
  ) {}

  /**
   * The live platform must exist. A platform just imported has only its identity in the state: its
   * settings are exrec's, not OVHcloud's, so they are taken from the configuration (as the
   * validate walk recorded it), and an import of a platform plans no change of its own.
   */
  async read(current: ObjectValue, privateBytes: Buffer | undefined): Promise<ResourceResult> {
    const ref = { organization: str(current, "organization") ?? "", service: str(current, "service") ?? "" };
    const live = await this.engine.platform(ref);
    const state: ObjectValue = { ...current, id: idOf(ref), offer: str(current, "offer") ?? live.offer };
    let imported = readPrivate<{ imported: boolean }>(privateBytes).imported === true;
    if (imported) {
      // `terraform import` reads before any validation has recorded the configuration: then the
      // mark stays, and the next plan's read fills the settings in.
      const declared = await this.settings.get(ref);
      if (declared && declared.offer === live.offer) {
        imported = false;
        state.offer = declared.offer;
        state.removal =
          declared.offer === "hosted" && declared.removal !== "expire" ? declared.removal : null;
        state.default_license = declared.defaultLicense;
        state.default_renewal = declared.defaultRenewal;
        state.storage_quota = declared.storageQuota ?? null;
      }
    }
    return { state, private: writePrivate(imported ? { imported } : {}), diagnostics: [] };
  }

  async plan(prior: ObjectValue | null, proposed: ObjectValue | null): Promise<ResourceResult> {
    if (proposed === null) {
      return {
        state: null,
        diagnostics: [
          warning(
            `exrec forgets the platform ${str(prior, "organization")}/${str(prior, "service")}: the platform and its accounts are left as they are`,
          ),
        ],
      };
    }
    const settings = settingsOf(proposed);
    if (!settings) return { state: { ...proposed, id: proposed.id ?? null }, diagnostics: [] };
    await this.settings.put(settings);
    const live = await this.engine.platform(settings);
    const diagnostics: Diagnostic[] = [];
    if (live.offer !== settings.offer) {
      diagnostics.push(
        error(
          `offer = "${settings.offer}", but the live platform ${idOf(settings)} is ${live.offer} (API offer ${live.apiOffer})`,
          "The same DELETE resets an account on Hosted and destroys it on Private: correct the offer; nothing is planned on this platform.",
          "offer",
        ),
      );
    }
    const requiresReplace = prior === null ? [] : IDENTITY.filter((n) => str(prior, n) !== str(proposed, n));
    return {
      state: { ...proposed, id: idOf(settings) },
      diagnostics,
      ...(requiresReplace.length > 0 ? { requiresReplace } : {}),
    };
  }

  async apply(planned: ObjectValue | null): Promise<ResourceResult> {
    if (planned === null) return { state: null, diagnostics: [] };
    const settings = settingsOf(planned);
    if (settings) await this.settings.put(settings);
    return { state: planned, diagnostics: [] };
  }

  importState(id: string, attributes: readonly string[]): ObjectValue {
    const [organization, service, ...rest] = id.split("/");
    if (
      organization === undefined ||
      service === undefined ||
      rest.length > 0 ||
      organization.trim() === "" ||
      service.trim() === ""
    ) {
      throw new ImportIdError(
        `${JSON.stringify(id)} is not a platform id: exrec_platform is imported by ORGANIZATION/SERVICE, for example hosted-ab12345-1/hosted-ab12345-1`,
      );
    }
    const state: ObjectValue = {};
    for (const name of attributes) state[name] = null;
    return { ...state, organization, service, id };
  }
}
