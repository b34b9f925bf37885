/**
 * The checks JSON Schema cannot express: rules that tie one field to another (P1: no renewal other
 * than monthly on Private) and uniqueness across every file given. They read documents defensively,
 * as `unknown`, so that they also run on documents with schema problems: one run reports every
 * mistake, not the first layer of them.
 */
import { PLACEHOLDER_DOMAIN, platformKey, RENEWALS } from "../model.js";
import { quote } from "./describe.js";
import { ABSENT_ACCOUNT_FIELDS, asList, asRecord } from "./document.js";
import { formatPosition, problemAt, type Position, type Problem } from "./problem.js";
import type { DocPath, ManifestSource } from "./source.js";

/**
 * The problems of one document on its own. A manifest may hold 100,000 accounts: the walk over
 * them allocates nothing while they are good, and builds paths only for a problem's position.
 */
export function semanticProblems(source: ManifestSource): Problem[] {
  const problems: Problem[] = [];
  const platforms = asList(asRecord(source.document)?.platforms);
  for (let index = 0; index < platforms.length; index++) {
    platformProblems(source, index, platforms[index], problems);
  }
  return problems;
}

function platformProblems(source: ManifestSource, index: number, value: unknown, problems: Problem[]): void {
  const platform = asRecord(value);
  if (platform === null) return;
  const at = (sub: DocPath, target: "key" | "value" = "value") =>
    source.locate(["platforms", index, ...sub], target);
  const isPrivate = platform.offer === "private";

  if (isPrivate && platform.removal !== undefined) {
    problems.push(
      problemAt(
        source.file,
        at(["removal"], "key"),
        "`removal` applies to Hosted platforms only: a Private account is removed by an immediate delete; remove this field",
        "P3",
      ),
    );
  }
  if (isPrivate && platform.storageQuota !== undefined) {
    problems.push(
      problemAt(
        source.file,
        at(["storageQuota"], "key"),
        "`storageQuota` applies to Hosted platforms only: it is the mailbox size of the accounts exrec orders, and Private accounts are added, not ordered; remove this field",
        "P2",
      ),
    );
  }
  const defaults = asRecord(platform.defaults);
  if (isPrivate && defaults !== null && isNonMonthlyRenewal(defaults.renewal)) {
    problems.push(privateRenewalProblem(source, at(["defaults", "renewal"]), defaults.renewal));
  }

  const accounts = asList(platform.accounts);
  for (let account = 0; account < accounts.length; account++) {
    accountProblems(source, index, account, accounts[account], isPrivate, problems);
  }
}

/**
 * The problems of account `index` of platform `platform`. Called for every account: the place is
 * two numbers (not a tuple, which would be destructured through the iterator protocol, slow while
 * this code is still interpreted), and nothing is allocated for an account without problems.
 */
function accountProblems(
  source: ManifestSource,
  platform: number,
  index: number,
  value: unknown,
  onPrivate: boolean,
  problems: Problem[],
): void {
  const account = asRecord(value);
  if (account === null) return;

  if (typeof account.email === "string" && isPlaceholderAddress(account.email)) {
    problems.push(
      problemAt(
        source.file,
        accountFieldAt(source, platform, index, "email"),
        `${quote(account.email)}: ${PLACEHOLDER_DOMAIN} is OVHcloud's placeholder domain for blank accounts and cannot be declared; declare the address the account should have`,
      ),
    );
  }

  if (account.state === "absent") {
    for (const field of Object.keys(account)) {
      if (ABSENT_ACCOUNT_FIELDS.includes(field)) continue;
      const message =
        field === "protect" && account.protect === true
          ? "a protected account cannot be absent: exrec never removes a protected account (remove `protect: true` to allow the removal, or `state: absent` to keep the account)"
          : `an absent account takes only \`email\` and \`state\`: remove \`${field}\``;
      problems.push(problemAt(source.file, accountFieldAt(source, platform, index, field, "key"), message));
    }
  } else if (onPrivate && isNonMonthlyRenewal(account.renewal)) {
    problems.push(
      privateRenewalProblem(source, accountFieldAt(source, platform, index, "renewal"), account.renewal),
    );
  }
}

/** The position of a field of account `index` of platform `platform`, located for a problem only. */
function accountFieldAt(
  source: ManifestSource,
  platform: number,
  index: number,
  field: string,
  target: "key" | "value" = "value",
): Position {
  return source.locate(["platforms", platform, "accounts", index, field], target);
}

/**
 * Whether an address is on the placeholder domain. Lower-casing never shortens a string (it
 * lengthens only U+0130, into characters the domain does not hold), so an address whose domain is
 * not as long as the placeholder's is not on it: that is known without a lower-cased copy.
 */
function isPlaceholderAddress(email: string): boolean {
  return (
    email.length - email.lastIndexOf("@") - 1 === PLACEHOLDER_DOMAIN.length &&
    domainOf(email) === PLACEHOLDER_DOMAIN
  );
}

/** A valid renewal other than monthly; an invalid one is the schema's to report, once. */
function isNonMonthlyRenewal(renewal: unknown): renewal is string {
  return (
    typeof renewal === "string" && renewal !== "monthly" && (RENEWALS as readonly string[]).includes(renewal)
  );
}

function privateRenewalProblem(
  source: ManifestSource,
  position: { line: number; col: number },
  renewal: string,
): Problem {
  return problemAt(
    source.file,
    position,
    `\`renewal: ${renewal}\` on a Private platform: Private accounts renew monthly only; remove the renewal`,
    "P1",
  );
}

/** The lower-cased domain of an address (after its last `@`). */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}

/**
 * Uniqueness across every file given: a platform (organization/service) is declared once, and an
 * address (compared case-insensitively) once, whatever the platform. The second declaration is the
 * problem; its message names the first.
 */
export function crossSourceProblems(sources: readonly ManifestSource[]): Problem[] {
  const problems: Problem[] = [];
  // Where each was first declared, located only when a second declaration needs to name it.
  const platforms = new Map<string, { source: ManifestSource; path: DocPath }>();
  // Addresses are only noted as seen: which declaration came first is looked for again, in a
  // second walk, for the few that are declared twice. An account is named by its ordinal among
  // every account listed, which `listed` turns back into a place.
  const seen = new Set<string>();
  const repeats: { address: string; ordinal: number }[] = [];
  const listed: ListedAccounts[] = [];
  let ordinal = 0;
  for (const source of sources) {
    const list = asList(asRecord(source.document)?.platforms);
    for (let platformIndex = 0; platformIndex < list.length; platformIndex++) {
      const platform = asRecord(list[platformIndex]);
      if (platform === null) continue;
      const platformPath: DocPath = ["platforms", platformIndex];
      if (typeof platform.organization === "string" && typeof platform.service === "string") {
        const key = platformKey({ organization: platform.organization, service: platform.service });
        const first = platforms.get(key);
        if (first === undefined) platforms.set(key, { source, path: platformPath });
        else
          problems.push(
            problemAt(
              source.file,
              source.locate(platformPath),
              `platform ${key} is declared twice: also declared at ${formatPosition(first.source.file, first.source.locate(first.path))}; keep one`,
            ),
          );
      }
      const accounts = asList(platform.accounts);
      if (accounts.length > 0) listed.push({ source, platformIndex, first: ordinal, accounts });
      for (let accountIndex = 0; accountIndex < accounts.length; accountIndex++) {
        const address = addressOf(accounts[accountIndex]);
        if (address === null) continue;
        const size = seen.size;
        seen.add(address);
        if (seen.size === size) repeats.push({ address, ordinal: ordinal + accountIndex });
      }
      ordinal += accounts.length;
    }
  }
  if (repeats.length > 0) problems.push(...repeatedAddressProblems(repeats, listed));
  return problems;
}

/** The accounts of one platform, and the ordinal of its first among every account listed. */
interface ListedAccounts {
  source: ManifestSource;
  platformIndex: number;
  first: number;
  accounts: readonly unknown[];
}

/** The lower-cased address of an account, when it has one. */
function addressOf(account: unknown): string | null {
  const email = asRecord(account)?.email;
  return typeof email === "string" ? email.toLowerCase() : null;
}

/** A problem for each address declared again, naming where it was declared first. */
function repeatedAddressProblems(
  repeats: readonly { address: string; ordinal: number }[],
  listed: readonly ListedAccounts[],
): Problem[] {
  const wanted = new Set(repeats.map((repeat) => repeat.address));
  const firstOf = new Map<string, number>();
  for (const owner of listed) {
    owner.accounts.forEach((account, index) => {
      const address = addressOf(account);
      if (address !== null && wanted.has(address) && !firstOf.has(address))
        firstOf.set(address, owner.first + index);
    });
  }
  const placeOf = (ordinal: number): { source: ManifestSource; position: Position } => {
    const owner = lastAtOrBefore(listed, ordinal);
    if (owner === undefined) throw new Error(`account ordinal ${ordinal} belongs to no platform listed`);
    const path = ["platforms", owner.platformIndex, "accounts", ordinal - owner.first, "email"];
    return { source: owner.source, position: owner.source.locate(path) };
  };
  return repeats.map(({ address, ordinal }) => {
    const first = firstOf.get(address);
    if (first === undefined) throw new Error(`${address} was seen twice but not found again`);
    const here = placeOf(ordinal);
    const there = placeOf(first);
    return problemAt(
      here.source.file,
      here.position,
      `${quote(address)} is declared twice: also declared at ${formatPosition(there.source.file, there.position)}; keep one`,
    );
  });
}

/** The last of `items` (sorted by `first`) whose `first` is at most `ordinal`. */
function lastAtOrBefore<T extends { first: number }>(items: readonly T[], ordinal: number): T | undefined {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((items[middle]?.first ?? Infinity) <= ordinal) low = middle + 1;
    else high = middle;
  }
  return items[low - 1];
}
