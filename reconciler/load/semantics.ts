/**
 * The checks JSON Schema cannot express: rules that tie one field to another (P1: no renewal other
 * than monthly on Private) and uniqueness across every file given. They read documents defensively,
 * as `unknown`, so that they also run on documents with schema problems: one run reports every
 * mistake, not the first layer of them.
 */
import { PLACEHOLDER_DOMAIN, platformKey, RENEWALS } from "../model.js";
import { quote } from "./describe.js";
import { ABSENT_ACCOUNT_FIELDS, asList, asRecord } from "./document.js";
import { formatPosition, problemAt, type Problem } from "./problem.js";
import type { DocPath, ManifestSource } from "./source.js";

/** The problems of one document on its own. */
export function semanticProblems(source: ManifestSource): Problem[] {
  const problems: Problem[] = [];
  const root = asRecord(source.document);
  asList(root?.platforms).forEach((platform, index) => {
    problems.push(...platformProblems(source, ["platforms", index], platform));
  });
  return problems;
}

function platformProblems(source: ManifestSource, path: DocPath, value: unknown): Problem[] {
  const platform = asRecord(value);
  if (platform === null) return [];
  const problems: Problem[] = [];
  const at = (sub: DocPath, target: "key" | "value" = "value") => source.locate([...path, ...sub], target);
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
    problems.push(privateRenewalProblem(source, at(["defaults", "renewal"]), defaults.renewal as string));
  }

  asList(platform.accounts).forEach((account, index) => {
    problems.push(...accountProblems(source, [...path, "accounts", index], account, isPrivate));
  });
  return problems;
}

function accountProblems(
  source: ManifestSource,
  path: DocPath,
  value: unknown,
  onPrivate: boolean,
): Problem[] {
  const account = asRecord(value);
  if (account === null) return [];
  const problems: Problem[] = [];
  const at = (field: string, target: "key" | "value" = "value") => source.locate([...path, field], target);

  if (typeof account.email === "string" && domainOf(account.email) === PLACEHOLDER_DOMAIN) {
    problems.push(
      problemAt(
        source.file,
        at("email"),
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
      problems.push(problemAt(source.file, at(field, "key"), message));
    }
  } else if (onPrivate && isNonMonthlyRenewal(account.renewal)) {
    problems.push(privateRenewalProblem(source, at("renewal"), account.renewal as string));
  }
  return problems;
}

/** A valid renewal other than monthly; an invalid one is the schema's to report, once. */
function isNonMonthlyRenewal(renewal: unknown): boolean {
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
  const addresses = new Map<string, { source: ManifestSource; path: DocPath }>();
  const firstAt = (first: { source: ManifestSource; path: DocPath }): string =>
    formatPosition(first.source.file, first.source.locate(first.path));
  for (const source of sources) {
    asList(asRecord(source.document)?.platforms).forEach((value, platformIndex) => {
      const platform = asRecord(value);
      if (platform === null) return;
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
              `platform ${key} is declared twice: also declared at ${firstAt(first)}; keep one`,
            ),
          );
      }
      asList(platform.accounts).forEach((account, accountIndex) => {
        const email = asRecord(account)?.email;
        if (typeof email !== "string") return;
        const path: DocPath = ["platforms", platformIndex, "accounts", accountIndex, "email"];
        const address = email.toLowerCase();
        const first = addresses.get(address);
        if (first === undefined) addresses.set(address, { source, path });
        else
          problems.push(
            problemAt(
              source.file,
              source.locate(path),
              `${quote(address)} is declared twice: also declared at ${firstAt(first)}; keep one`,
            ),
          );
      });
    });
  }
  return problems;
}
