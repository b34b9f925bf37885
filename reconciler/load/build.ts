/**
 * A valid manifest document → the desired model: defaults applied, addresses lower-cased, every
 * platform and account located in its file. Only called on documents without problems.
 */
import {
  toAddress,
  type DesiredAccount,
  type DesiredPlatform,
  type PresentAccount,
  type SourceLocation,
  type StorageQuota,
} from "../model.js";
import type { AccountV1, ManifestV1, PlatformV1 } from "./document.js";
import type { Position } from "./problem.js";
import type { DocPath, ManifestSource } from "./source.js";

export function desiredPlatforms(source: ManifestSource): DesiredPlatform[] {
  const document = source.document as ManifestV1;
  return document.platforms.map((platform, index) => desiredPlatform(source, index, platform));
}

function locationOf(source: ManifestSource, path: DocPath): SourceLocation {
  const { line, col } = source.locate(path);
  return { file: source.file, line, col };
}

function desiredPlatform(source: ManifestSource, index: number, platform: PlatformV1): DesiredPlatform {
  // Every account's position at once where the source can, rather than a walk to each.
  const positions = source.locateItems?.(["platforms", index, "accounts"]) ?? null;
  const accounts = (platform.accounts ?? []).map((account, i) =>
    desiredAccount(
      source.file,
      positions?.[i] ?? source.locate(["platforms", index, "accounts", i]),
      account,
      platform,
    ),
  );
  const common = {
    organization: platform.organization,
    service: platform.service,
    source: locationOf(source, ["platforms", index]),
    prune: platform.prune ?? false,
    accounts,
  };
  if (platform.offer !== "hosted") return { ...common, offer: "private" };
  // Left out of the model when not declared: OVHcloud's default applies, and the digest is unchanged.
  const storageQuota =
    platform.storageQuota === undefined ? undefined : (String(platform.storageQuota) as StorageQuota);
  return {
    ...common,
    offer: "hosted",
    removal: platform.removal ?? "expire",
    ...(storageQuota === undefined ? {} : { storageQuota }),
  };
}

/** Built field by field (no spreads): a manifest may hold 100,000 accounts. */
function desiredAccount(
  file: string,
  { line, col }: Position,
  account: AccountV1,
  platform: PlatformV1,
): DesiredAccount {
  const email = toAddress(account.email);
  const location: SourceLocation = { file, line, col };
  if (account.state === "absent") return { email, source: location, state: "absent" };
  const defaults = platform.defaults ?? {};
  const license = account.license ?? defaults.license;
  // Private accounts renew monthly whatever is written (P1); a declared monthly is accepted and dropped.
  const renewal = platform.offer === "hosted" ? (account.renewal ?? defaults.renewal) : undefined;
  const { displayName } = account;
  const protect = account.protect ?? false;
  // Fields in the order they have always had; absent ones are left out, never set to undefined.
  // The shapes `exrec import` writes are one literal each: one allocation, no property added later.
  if (license !== undefined && displayName !== undefined) {
    return renewal === undefined
      ? { email, source: location, state: "present", license, displayName, protect }
      : { email, source: location, state: "present", license, renewal, displayName, protect };
  }
  const built: Omit<PresentAccount, "protect"> & { protect?: boolean } = {
    email,
    source: location,
    state: "present",
  };
  if (license !== undefined) built.license = license;
  if (renewal !== undefined) built.renewal = renewal;
  if (displayName !== undefined) built.displayName = displayName;
  built.protect = protect;
  return built as PresentAccount;
}
