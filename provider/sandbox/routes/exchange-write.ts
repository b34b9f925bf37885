/**
 * Writing accounts, with the rules of each offer (docs/RULES.md):
 * Hosted accounts are ordered (H1), get a renewal period (H2, H3), are terminated at expiry (H4)
 * and reset by DELETE (H5); Private accounts renew monthly only (P1), are added (P2) and deleted
 * at once (P3). Both are renamed (configured, for a blank Hosted account) by a PUT of login/domain.
 */
import { createHash } from "node:crypto";
import { isHostedOffer } from "../models.js";
import { defaultQuota, insertAccount, renameAccount } from "../accounts.js";
import { parisDateTime } from "../dates.js";
import { ApiFailure } from "../errors.js";
import { param, type Answer, type ApiCall, type Route, type RouteContext } from "../router.js";
import { primaryAddress, type AccountRecord, type ServiceRecord } from "../state.js";
import { openTask } from "../tasks.js";
import { taskView } from "../views.js";
import { bodyObject, boolean, license, login, nullableText, renewal, required, text } from "./input.js";

const SERVICE = "/email/exchange/{org}/service/{svc}";

function target(call: ApiCall, { world }: RouteContext): { service: ServiceRecord; account: AccountRecord } {
  const service = world.service(param(call.params, "org"), param(call.params, "svc"));
  return { service, account: world.account(service, param(call.params, "email")) };
}

function isHosted(service: ServiceRecord): boolean {
  return isHostedOffer(service.offer);
}

/** An account with a task in progress, or not yet created, takes no other change. */
function refuseWhileBusy(account: AccountRecord): void {
  // Task ids are positive: 0, like null, is no task.
  if (account.taskPendingId !== null && account.taskPendingId !== 0) {
    throw ApiFailure.conflict(
      `A task is already in progress on ${primaryAddress(account)} (task ${account.taskPendingId}); wait for it to end`,
    );
  }
  if (account.state !== "ok") {
    throw ApiFailure.conflict(
      `${primaryAddress(account)} is in state ${account.state}; wait for it to be ok`,
    );
  }
}

/** An address this service may give: an attached domain and a free address. */
function checkNewAddress(
  service: ServiceRecord,
  newLogin: string,
  domain: string,
  except: AccountRecord | null,
): void {
  if (!service.domains.includes(domain)) {
    throw ApiFailure.badRequest(
      `The domain ${domain} is not attached to the service ${service.name} (attached: ${service.domains.join(", ")})`,
    );
  }
  const holder = service.accounts.get(`${newLogin}@${domain}`);
  if (holder && holder !== except)
    throw ApiFailure.badRequest(`The address ${newLogin}@${domain} is already used by another account`);
}

function updateAccount(call: ApiCall, context: RouteContext): Answer {
  const { service, account } = target(call, context);
  const body = bodyObject(call.body);
  refuseWhileBusy(account);
  const hosted = isHosted(service);
  // Read and check everything before changing anything: a refused PUT changes nothing.
  const change: Partial<AccountRecord> = {};
  if (body.renewPeriod !== undefined) {
    if (!hosted)
      throw ApiFailure.badRequest(
        "renewPeriod cannot be set on a Private Exchange service: its accounts renew monthly (P1)",
      );
    change.renewPeriod = renewal(body.renewPeriod, "renewPeriod");
  }
  if (body.deleteAtExpiration !== undefined) {
    if (!hosted)
      throw ApiFailure.badRequest(
        "deleteAtExpiration cannot be set on a Private Exchange service: delete the account instead (P3)",
      );
    change.deleteAtExpiration = boolean(body.deleteAtExpiration, "deleteAtExpiration");
  }
  if (body.accountLicense !== undefined)
    change.accountLicense = license(body.accountLicense, "accountLicense");
  for (const field of ["displayName", "firstName", "lastName"] as const) {
    if (body[field] !== undefined) change[field] = nullableText(body[field], field);
  }
  let address: { login: string; domain: string } | null = null;
  if (body.login !== undefined || body.domain !== undefined) {
    const newLogin = body.login === undefined ? account.login : login(body.login, "login");
    const domain = body.domain === undefined ? account.domain : text(body.domain, "domain").toLowerCase();
    if (newLogin !== account.login || domain !== account.domain) {
      checkNewAddress(service, newLogin, domain, account);
      address = { login: newLogin, domain };
    }
  }
  Object.assign(account, change);
  if (address) {
    renameAccount(service, account, address.login, address.domain);
    // A blank Hosted account that gets an address is configured.
    account.configured = true;
  }
  context.world.changed(service);
  return { body: null };
}

function deleteAccount(call: ApiCall, context: RouteContext): Answer {
  const { service, account } = target(call, context);
  refuseWhileBusy(account);
  const fails = call.effect === "task-error";
  if (isHosted(service)) {
    if (!account.configured) {
      throw ApiFailure.badRequest(
        `${primaryAddress(account)} is not configured: an unconfigured account cannot be deleted`,
      );
    }
    // H5: a reset. The account stays, blank, until it expires.
    return { body: taskView(openTask(context.world, service, account, "deleteAccount", "reset", fails)) };
  }
  account.state = "deleting";
  return { body: taskView(openTask(context.world, service, account, "deleteAccount", "delete", fails)) };
}

function terminateAccount(call: ApiCall, context: RouteContext): Answer {
  const { service, account } = target(call, context);
  if (!isHosted(service))
    throw ApiFailure.badRequest(
      "Private Exchange accounts are not terminated at expiration: delete them (P3)",
    );
  refuseWhileBusy(account);
  account.deleteAtExpiration = true;
  context.world.changed(service);
  return { body: `Account ${primaryAddress(account)} will be deleted at its expiration date` };
}

/**
 * `POST …/account/{email}/changePassword` `{password, forcePasswordChangeAtNextLogon?}`: a task.
 * The password goes to the in-memory password book (for tests) and nowhere else.
 */
function changePassword(call: ApiCall, context: RouteContext): Answer {
  const { service, account } = target(call, context);
  const body = bodyObject(call.body);
  const password = body.password;
  // The schema marks it optional (the same call can only force a change at next logon); the
  // sandbox, which models nothing else, wants one.
  if (typeof password !== "string" || password === "")
    throw ApiFailure.badRequest("Missing parameter password");
  if (body.forcePasswordChangeAtNextLogon !== undefined)
    boolean(body.forcePasswordChangeAtNextLogon, "forcePasswordChangeAtNextLogon");
  refuseWhileBusy(account);
  const task = openTask(
    context.world,
    service,
    account,
    "changePassword",
    "release",
    call.effect === "task-error",
  );
  context.world.passwordDigests.set(
    `${param(call.params, "org")}/${service.name}/${primaryAddress(account)}`.toLowerCase(),
    createHash("sha256").update(password, "utf8").digest("hex"),
  );
  context.passwords.record({
    organization: param(call.params, "org"),
    service: service.name,
    primaryEmailAddress: primaryAddress(account),
    password,
    taskId: task.id,
  });
  return { body: taskView(task) };
}

function addAccount(call: ApiCall, context: RouteContext): Answer {
  const { world } = context;
  const service = world.service(param(call.params, "org"), param(call.params, "svc"));
  if (isHosted(service)) {
    throw ApiFailure.badRequest(
      `Hosted Exchange accounts are ordered, not added: use POST /order/email/exchange/${param(call.params, "org")}/service/${service.name}/account/{duration}`,
    );
  }
  const body = bodyObject(call.body);
  const accountLicense = required(body, "license", license);
  const domain = required(body, "domain", text).toLowerCase();
  const newLogin = required(body, "login", login);
  // Checked for presence only: the password is handed to Exchange and never echoed; only its
  // digest is kept, in memory, as a log-in would check it.
  const password = body.password;
  if (typeof password !== "string" || password === "")
    throw ApiFailure.badRequest("Missing parameter password");
  const names = {
    displayName: body.displayName === undefined ? null : nullableText(body.displayName, "displayName"),
    firstName: body.firstName === undefined ? null : nullableText(body.firstName, "firstName"),
    lastName: body.lastName === undefined ? null : nullableText(body.lastName, "lastName"),
  };
  checkNewAddress(service, newLogin, domain, null);
  const account = insertAccount(world.state, service, {
    login: newLogin,
    domain,
    ...names,
    accountLicense,
    renewPeriod: null,
    deleteAtExpiration: null,
    expirationDate: null,
    creationDate: parisDateTime(world.now()),
    configured: true,
    state: "creating",
    taskPendingId: null,
    quota: defaultQuota(accountLicense),
    currentUsage: 0,
  });
  world.passwordDigests.set(
    `${param(call.params, "org")}/${service.name}/${primaryAddress(account)}`.toLowerCase(),
    createHash("sha256").update(password, "utf8").digest("hex"),
  );
  return {
    body: taskView(openTask(world, service, account, "addAccount", "add", call.effect === "task-error")),
  };
}

export const exchangeWriteRoutes: Route[] = [
  { method: "PUT", pattern: `${SERVICE}/account/{email}`, handle: updateAccount },
  { method: "DELETE", pattern: `${SERVICE}/account/{email}`, handle: deleteAccount },
  { method: "POST", pattern: `${SERVICE}/account/{email}/terminate`, handle: terminateAccount },
  { method: "POST", pattern: `${SERVICE}/account/{email}/changePassword`, handle: changePassword },
  { method: "POST", pattern: `${SERVICE}/account`, handle: addAccount },
];
