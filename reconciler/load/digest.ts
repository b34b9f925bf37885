/**
 * The digest of a desired model: sha256 over a canonical JSON of what is declared, without file
 * names or positions, so that the same platforms declared in YAML or through CDKTF, in one file or
 * several, in any order, give the same digest. A saved plan records it; apply refuses the plan when
 * the manifest's digest has changed since.
 */
import { createHash } from "node:crypto";
import { platformKey, type DesiredPlatform } from "../model.js";

export function desiredDigest(platforms: readonly DesiredPlatform[]): string {
  const canonical = [...platforms]
    .sort((a, b) => compare(platformKey(a), platformKey(b)))
    .map((platform) => {
      const { source: _source, accounts, ...rest } = platform;
      return {
        ...rest,
        accounts: [...accounts]
          .sort((a, b) => compare(a.email, b.email))
          .map(({ source: _accountSource, ...account }) => account),
      };
    });
  return createHash("sha256").update(canonicalJson(canonical)).digest("hex");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON with object keys sorted at every level and undefined members left out. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => compare(a, b))
      .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}
