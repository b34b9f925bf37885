/**
 * Changing an account behind exrec's back (`patchAccount`, `PATCH /_sandbox/account/...`), for
 * tests of drift and of re-checks: any field of the API object, checked for type, no business rule.
 */
import { LICENCES as LICENSES, RENEW_PERIODS as RENEWALS } from "./models.js";
import { renameAccount } from "./accounts.js";
import { SandboxControlError } from "./errors.js";
import { primaryAddress, type AccountRecord, type ServiceRecord } from "./state.js";

type FieldCheck = (value: unknown) => boolean;

const nullable =
  (check: FieldCheck): FieldCheck =>
  (v) =>
    v === null || check(v);
const isString: FieldCheck = (v) => typeof v === "string";
const isDate: FieldCheck = (v) => typeof v === "string" && !Number.isNaN(Date.parse(v));
const isCount: FieldCheck = (v) => typeof v === "number" && Number.isInteger(v) && v >= 0;
const among =
  (values: readonly string[]): FieldCheck =>
  (v) =>
    typeof v === "string" && values.includes(v);

const WRITABLE: Record<string, FieldCheck> = {
  displayName: nullable(isString),
  firstName: nullable(isString),
  lastName: nullable(isString),
  accountLicense: among(LICENSES),
  renewPeriod: nullable(among(RENEWALS)),
  deleteAtExpiration: nullable((v) => typeof v === "boolean"),
  expirationDate: nullable(isDate),
  creationDate: nullable(isDate),
  configured: (v) => typeof v === "boolean",
  state: among(["creating", "deleting", "internalMigration", "ok", "reopening", "suspended", "suspending"]),
  taskPendingId: nullable(isCount),
  quota: isCount,
  currentUsage: isCount,
};

const ADDRESS: Record<string, FieldCheck> = {
  login: isString,
  domain: isString,
  primaryEmailAddress: (v) => typeof v === "string" && /^[^@\s]+@[^@\s]+$/.test(v),
};

export function patchAccountRecord(
  service: ServiceRecord,
  account: AccountRecord,
  patch: Record<string, unknown>,
): void {
  for (const [field, value] of Object.entries(patch)) {
    const check = WRITABLE[field] ?? ADDRESS[field];
    if (!check) {
      throw new SandboxControlError(`patchAccount: ${field} is not a field the sandbox keeps`, 400, {
        hint: `one of ${[...Object.keys(WRITABLE), ...Object.keys(ADDRESS)].join(", ")}`,
      });
    }
    if (!check(value))
      throw new SandboxControlError(`patchAccount: ${JSON.stringify(value)} is not a valid ${field}`);
  }
  // primaryEmailAddress was checked above to hold exactly one "@".
  const [login, domain] =
    typeof patch.primaryEmailAddress === "string"
      ? splitAt(patch.primaryEmailAddress.toLowerCase())
      : [
          ((patch.login as string | undefined) ?? account.login).toLowerCase(),
          ((patch.domain as string | undefined) ?? account.domain).toLowerCase(),
        ];
  const address = `${login}@${domain}`;
  if (address !== primaryAddress(account)) {
    if (service.accounts.has(address))
      throw new SandboxControlError(`patchAccount: ${address} is already used on ${service.name}`);
    renameAccount(service, account, login, domain);
  }
  for (const field of Object.keys(WRITABLE)) {
    if (field in patch) (account as unknown as Record<string, unknown>)[field] = patch[field];
  }
  if ("expirationDate" in patch) service.nextExpiryMs = undefined;
}

function splitAt(address: string): [string, string] {
  const at = address.indexOf("@");
  return [address.slice(0, at), address.slice(at + 1)];
}
