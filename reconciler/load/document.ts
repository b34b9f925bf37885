/**
 * The manifest document, version 1, as TypeScript types: the shape schemas/manifest.schema.json
 * guarantees once a document has passed it. Only the model builder relies on these; the checks
 * that run before (or beside) the schema read documents as `unknown`.
 */
import type { License, Offer, RemovalMode, Renewal, StorageQuota } from "../model.js";

export interface ManifestV1 {
  version: 1;
  platforms: PlatformV1[];
}

export interface PlatformV1 {
  organization: string;
  service: string;
  offer: Offer;
  prune?: boolean;
  removal?: RemovalMode;
  /** Hosted only; YAML may give it as a number. */
  storageQuota?: StorageQuota | 50 | 300;
  defaults?: { license?: License; renewal?: Renewal };
  accounts?: AccountV1[];
}

export interface AccountV1 {
  email: string;
  state?: "present" | "absent";
  license?: License;
  renewal?: Renewal;
  displayName?: string;
  protect?: boolean;
}

/** Fields an absent account may carry. */
export const ABSENT_ACCOUNT_FIELDS: readonly string[] = ["email", "state"];

/** Reading helpers for documents that have not (or not fully) passed the schema. */
export function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
