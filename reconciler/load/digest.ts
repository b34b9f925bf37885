/**
 * The digest of a desired model: sha256 over a canonical JSON of what is declared, without file
 * names or positions, so that the same platforms declared in YAML or through CDKTF, in one file or
 * several, in any order, give the same digest. A saved plan records it; apply refuses the plan when
 * the manifest's digest has changed since.
 */
import { createHash } from "node:crypto";
import { platformKey, type DesiredPlatform } from "../model.js";

export function desiredDigest(platforms: readonly DesiredPlatform[]): string {
  const sorted = [...platforms].sort((a, b) => compare(platformKey(a), platformKey(b)));
  // Written straight into the hash, a platform at a time: the same bytes as canonicalJson of the
  // platforms without their `source`, with accounts sorted by address, and no copy of them.
  const hash = createHash("sha256");
  hash.update("[");
  sorted.forEach((platform, index) => {
    if (index > 0) hash.update(",");
    const accounts = [...platform.accounts].sort((a, b) => compare(a.email, b.email));
    const parts: string[] = [];
    for (const account of accounts) parts.push(canonicalJsonWithout(account, "source"));
    const rest = canonicalJsonWithout({ ...platform, accounts: undefined }, "source");
    // `accounts` sorts first among a platform's keys: put the list right after the `{`.
    hash.update(`{"accounts":[${parts.join(",")}]${rest === "{}" ? "}" : `,${rest.slice(1)}`}`);
  });
  hash.update("]");
  return hash.digest("hex");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON with object keys sorted at every level and undefined members left out. */
export function canonicalJson(value: unknown): string {
  return canonicalJsonWithout(value, null);
}

/** canonicalJson, leaving out the members named `skip` at every level. */
function canonicalJsonWithout(value: unknown, skip: string | null): string {
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      out += canonicalJsonWithout(value[i] ?? null, skip);
    }
    return `${out}]`;
  }
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys: string[] = [];
    for (const key in record) {
      if (key !== skip && Object.hasOwn(record, key) && record[key] !== undefined) keys.push(key);
    }
    keys.sort(compare);
    let out = "{";
    keys.forEach((key, i) => {
      if (i > 0) out += ",";
      out += `${JSON.stringify(key)}:${canonicalJsonWithout(record[key], skip)}`;
    });
    return `${out}}`;
  }
  return JSON.stringify(value);
}
