/**
 * `exrec import`: a manifest (version 1, YAML) of the live state, as a starting point for managing
 * existing platforms. It declares what is live, so that `exrec plan` on it against the same
 * platforms has nothing to do: every configured account with its live licence, renewal (Hosted)
 * and display name; an account already terminating (Hosted) as `state: absent`; `prune: false`, so
 * that nothing undeclared is ever removed by adopting the file. Blank accounts (delivered but not
 * configured) are listed in comments only: they stay unmanaged.
 *
 * Pure: the clock and the place the state was read from are passed in.
 */
import { stringify } from "yaml";
import { isBlank, onPlaceholderDomain } from "./account-state.js";
import {
  PLACEHOLDER_DOMAIN,
  platformKey,
  type Actual,
  type ActualAccount,
  type ActualPlatform,
} from "./model.js";
import { calendarDate } from "./format.js";

export interface ImportOptions {
  now: Date;
  /** Where the live state was read, for the header (e.g. `ovh-eu`); default: "the live API". */
  source?: string;
  /** The `$schema` reference for editors, relative to where the file will be saved. */
  schemaPath?: string;
}

export const DEFAULT_SCHEMA_PATH = "../schemas/manifest.schema.json";

export function renderImportedManifest(actual: Actual, options: ImportOptions): string {
  const platforms = [...actual.platforms].sort((a, b) => compare(platformKey(a), platformKey(b)));
  const lines = [
    `# yaml-language-server: $schema=${comment(options.schemaPath ?? DEFAULT_SCHEMA_PATH)}`,
    `# Imported by \`exrec import\` on ${options.now.toISOString()} from ${comment(options.source ?? "the live API")}: ${platforms.length} platform(s).`,
    "# It declares the live state: `exrec plan` with this file has nothing to do until you edit it.",
    "# prune is false: live accounts left out of this file are never removed. See docs/MANIFEST.md.",
    "version: 1",
  ];
  if (platforms.length === 0) {
    lines.push("platforms: []");
  } else {
    lines.push("platforms:");
    for (const platform of platforms) lines.push(...platformLines(platform));
  }
  return `${lines.join("\n")}\n`;
}

function platformLines(platform: ActualPlatform): string[] {
  const apiOffer = platform.apiOffer === platform.offer ? "" : ` # API offer: ${comment(platform.apiOffer)}`;
  const lines = [
    `  - organization: ${scalar(platform.organization)}`,
    `    service: ${scalar(platform.service)}`,
    `    offer: ${platform.offer}${apiOffer}`,
    "    prune: false",
  ];
  const blank = platform.accounts.filter(undeclarable).sort(byEmail);
  const declared = platform.accounts.filter((account) => !undeclarable(account)).sort(byEmail);
  if (declared.length === 0) lines.push("    accounts: []");
  else {
    lines.push("    accounts:");
    for (const account of declared) lines.push(...accountLines(account, platform));
  }
  if (blank.length > 0) {
    lines.push(`    # Blank accounts (paid, not configured), left unmanaged: ${blank.length}`);
    for (const account of blank) {
      const facts = [account.license, account.renewal, expiry(account)].filter((fact) => fact !== null);
      lines.push(`    #   ${comment(account.email)} (${comment(facts.join(", "))})`);
    }
  }
  return lines;
}

/**
 * Accounts with no address of their own to declare: blank ones, and any other still on the
 * placeholder domain, which a manifest may not name.
 */
function undeclarable(account: ActualAccount): boolean {
  return isBlank(account) || onPlaceholderDomain(account.email) || account.domain === PLACEHOLDER_DOMAIN;
}

function accountLines(account: ActualAccount, platform: ActualPlatform): string[] {
  const expires = expiry(account);
  // Only Hosted accounts terminate at expiry (H4); on Private, absent would mean "delete now" (P3).
  const terminating = platform.offer === "hosted" && account.deleteAtExpiration === true;
  const notes = [expires, terminating ? "terminating at expiry" : null].filter((note) => note !== null);
  const trailing = notes.length === 0 ? "" : ` # ${comment(notes.join("; "))}`;
  const lines = [`      - email: ${scalar(account.email)}${trailing}`];
  if (terminating) {
    lines.push("        state: absent");
    return lines;
  }
  lines.push(`        license: ${account.license}`);
  if (platform.offer === "hosted" && account.renewal !== null)
    lines.push(`        renewal: ${account.renewal}`);
  if (account.displayName !== null) lines.push(`        displayName: ${scalar(account.displayName)}`);
  return lines;
}

/** `expires 2027-03-31`: the calendar date in the date's own offset, as every renderer shows it. */
function expiry(account: ActualAccount): string | null {
  if (account.expirationDate === null) return null;
  try {
    return `expires ${calendarDate(account.expirationDate)}`;
  } catch {
    return "expiry date unreadable";
  }
}

/** A string as a YAML scalar on one line: plain where YAML allows, quoted otherwise. */
function scalar(text: string): string {
  // Plain yes/no/on/off are strings in YAML 1.2 but booleans to YAML 1.1 tools: quote them.
  if (/^(y|n|yes|no|on|off)$/i.test(text)) return JSON.stringify(text);
  const plain = stringify(text, { lineWidth: 0 }).replace(/\n$/, "");
  return plain.includes("\n") ? JSON.stringify(text) : plain;
}

/** Text from the API made safe inside a `#` comment: one line, no control characters. */
function comment(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, "?");
}

function byEmail(a: ActualAccount, b: ActualAccount): number {
  return compare(a.email, b.email);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
