/**
 * Reading `/email/exchange`: organisations, services, domains, accounts (one by one, in pages of
 * whole objects, or in batches), and tasks.
 */
import type { IncomingHttpHeaders } from "node:http";
import { ApiFailure } from "../errors.js";
import { decodeSegment, param, type Answer, type ApiCall, type Route, type RouteContext } from "../router.js";
import { primaryAddress, type AccountRecord, type ServiceRecord } from "../state.js";
import { tasksOf } from "../tasks.js";
import { accountViewFor, serviceView, taskView } from "../views.js";
import { likePattern, pathId } from "./input.js";

const SERVICE = "/email/exchange/{org}/service/{svc}";
const PAGES_MODE = "CachedObjectList-Pages";

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function serviceOf(call: ApiCall, { world }: RouteContext): ServiceRecord {
  return world.service(param(call.params, "org"), param(call.params, "svc"));
}

/** The query filters of `GET …/account`: accountLicense (=), primaryEmailAddress, id, company (like). */
function accountFilter(query: URLSearchParams): (account: AccountRecord) => boolean {
  const tests: ((account: AccountRecord) => boolean)[] = [];
  const license = query.get("accountLicense");
  if (license !== null) tests.push((a) => a.accountLicense === license);
  const address = query.get("primaryEmailAddress");
  if (address !== null) {
    const pattern = likePattern(address);
    tests.push((a) => pattern.test(primaryAddress(a)));
  }
  const id = query.get("id");
  if (id !== null) {
    const pattern = likePattern(id);
    tests.push((a) => pattern.test(String(a.id)));
  }
  // The sandbox keeps no company: a company filter matches nothing.
  if (query.get("company") !== null) tests.push(() => false);
  return (account) => tests.every((test) => test(account));
}

function pageParameter(headers: IncomingHttpHeaders, name: string, fallback: number): number {
  const value = header(headers, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw ApiFailure.badRequest(`Invalid value for header ${name}: ${JSON.stringify(value)}`);
  return Number(value);
}

function listAccounts(call: ApiCall, context: RouteContext): Answer {
  const service = serviceOf(call, context);
  const filter = accountFilter(call.query);
  const accounts = [...service.accounts.values()].filter(filter);
  if (!context.readModes.pages || header(call.headers, "x-pagination-mode") !== PAGES_MODE) {
    return { body: accounts.map(primaryAddress) };
  }
  const size = pageParameter(call.headers, "x-pagination-size", 100);
  const number = pageParameter(call.headers, "x-pagination-number", 1);
  const page = accounts.slice((number - 1) * size, number * size);
  return {
    body: page.map(accountViewFor(context.answers)),
    headers: {
      "X-Pagination-Mode": PAGES_MODE,
      "X-Pagination-Elements": String(accounts.length),
      "X-Pagination-Size": String(size),
      "X-Pagination-Number": String(number),
    },
  };
}

function getAccount(call: ApiCall, context: RouteContext): Answer {
  const service = serviceOf(call, context);
  const view = accountViewFor(context.answers);
  const separator = header(call.headers, "x-ovh-batch");
  if (context.readModes.batch && separator !== undefined && separator !== "") {
    // Split before decoding: an encoded separator (%2C) belongs to an address.
    const keys = param(call.rawParams, "email").split(separator).map(decodeSegment);
    return {
      body: keys.map((key) => {
        const account = service.accounts.get(key.toLowerCase());
        return account
          ? { key, value: view(account), error: null }
          : { key, value: null, error: `The requested object (primaryEmailAddress = ${key}) does not exist` };
      }),
    };
  }
  return { body: view(context.world.account(service, param(call.params, "email"))) };
}

function accountTasks(call: ApiCall, context: RouteContext): Answer {
  const service = serviceOf(call, context);
  return { body: tasksOf(service, context.world.account(service, param(call.params, "email"))) };
}

function accountTask(call: ApiCall, context: RouteContext): Answer {
  const service = serviceOf(call, context);
  const account = context.world.account(service, param(call.params, "email"));
  const task = service.tasks.get(pathId(param(call.params, "id"), "id"));
  if (!task || task.accountId !== account.id)
    throw ApiFailure.notFound(`The requested object (id = ${param(call.params, "id")}) does not exist`);
  return { body: taskView(task) };
}

function serviceTask(call: ApiCall, context: RouteContext): Answer {
  const task = serviceOf(call, context).tasks.get(pathId(param(call.params, "id"), "id"));
  if (!task)
    throw ApiFailure.notFound(`The requested object (id = ${param(call.params, "id")}) does not exist`);
  return { body: taskView(task) };
}

export const exchangeReadRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/email/exchange",
    handle: (_call, { world }) => ({ body: [...world.state.organizations.keys()] }),
  },
  {
    method: "GET",
    pattern: "/email/exchange/{org}/service",
    handle: (call, { world }) => ({ body: [...world.organization(param(call.params, "org")).keys()] }),
  },
  {
    method: "GET",
    pattern: SERVICE,
    handle: (call, context) => ({ body: serviceView(serviceOf(call, context)) }),
  },
  {
    method: "GET",
    pattern: `${SERVICE}/domain`,
    handle: (call, context) => ({ body: [...serviceOf(call, context).domains] }),
  },
  { method: "GET", pattern: `${SERVICE}/account`, handle: listAccounts },
  { method: "GET", pattern: `${SERVICE}/account/{email}`, handle: getAccount },
  { method: "GET", pattern: `${SERVICE}/account/{email}/tasks`, handle: accountTasks },
  { method: "GET", pattern: `${SERVICE}/account/{email}/tasks/{id}`, handle: accountTask },
  {
    method: "GET",
    pattern: `${SERVICE}/task`,
    handle: (call, context) => ({ body: [...serviceOf(call, context).tasks.keys()] }),
  },
  { method: "GET", pattern: `${SERVICE}/task/{id}`, handle: serviceTask },
];
