/**
 * The state file: the sandbox's world as JSON, written atomically (a temporary file in the same
 * folder, then a rename, so a reader never sees half a file) and checked when read back, so that
 * a damaged file is named instead of crashing a route later.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writevSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { SandboxStateFileError } from "./errors.js";
import {
  accountCount,
  newService,
  type AccountRecord,
  type OrderRecord,
  type SandboxState,
  type ServiceRecord,
  type TaskRecord,
} from "./state.js";

const FORMAT = "exrec-sandbox-state";
const VERSION = 1;
/** Above this many accounts the file is written without indentation (fleets). */
const PRETTY_MAX_ACCOUNTS = 2000;

interface StateDocument {
  format: typeof FORMAT;
  version: typeof VERSION;
  seed: string;
  rng: number;
  counters: SandboxState["counters"];
  organizations: { name: string; services: ServiceDocument[] }[];
  orders: OrderRecord[];
  /** Absent in files written before payment methods: a default method then. */
  defaultPaymentMethod?: boolean;
}

type ServiceDocument = Omit<ServiceRecord, "accounts" | "tasks" | "openTasks" | "nextExpiryMs"> & {
  accounts: AccountRecord[];
  tasks: TaskRecord[];
};

function serviceDocument({
  accounts,
  tasks,
  openTasks: _open,
  nextExpiryMs: _next,
  ...fields
}: ServiceRecord): ServiceDocument {
  return {
    ...fields,
    domains: [...fields.domains],
    accounts: [...accounts.values()].map((a) => ({ ...a })),
    tasks: [...tasks.values()].map((t) => ({ ...t })),
  };
}

function header(state: SandboxState) {
  return {
    format: FORMAT,
    version: VERSION,
    seed: state.seed,
    rng: state.rng,
    counters: { ...state.counters },
    defaultPaymentMethod: state.defaultPaymentMethod,
  } as const;
}

function ordersDocument(state: SandboxState): OrderRecord[] {
  return [...state.orders.values()].map((o) => ({ ...o, detailIds: [...o.detailIds] }));
}

/** The whole state as a plain JSON-ready object (also what `Sandbox.snapshot()` returns). */
export function toDocument(state: SandboxState): StateDocument {
  return {
    ...header(state),
    organizations: [...state.organizations].map(([name, services]) => ({
      name,
      services: [...services.values()].map(serviceDocument),
    })),
    orders: ordersDocument(state),
  };
}

/**
 * Saves the state after each change. Small states are written indented, for people to read.
 * Large ones (fleets) are written compact, and each service's JSON is kept, encoded, between
 * saves and rebuilt only when a change touched that service: a write on a 100k-account fleet then
 * costs one platform's serialization and a copy of bytes, not the whole state's serialization.
 */
export class StateFileWriter {
  private readonly fragments = new WeakMap<ServiceRecord, Buffer>();
  /** Services serialised anew by the last save (the others reused their cached JSON): for tests. */
  serializedByLastSave = 0;

  constructor(readonly file: string) {}

  /** `changed`: the services touched since the last save; null means "all of them". */
  save(state: SandboxState, changed: ReadonlySet<ServiceRecord> | null): void {
    this.serializedByLastSave = 0;
    const parts =
      accountCount(state) <= PRETTY_MAX_ACCOUNTS
        ? [Buffer.from(`${JSON.stringify(toDocument(state), null, 2)}\n`)]
        : this.compact(state, changed);
    writeAtomically(this.file, parts);
  }

  private compact(state: SandboxState, changed: ReadonlySet<ServiceRecord> | null): Buffer[] {
    const head = JSON.stringify(header(state));
    const parts: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"organizations":[`)];
    let firstOrg = true;
    for (const [name, services] of state.organizations) {
      parts.push(Buffer.from(`${firstOrg ? "" : ","}{"name":${JSON.stringify(name)},"services":[`));
      firstOrg = false;
      let firstService = true;
      for (const service of services.values()) {
        if (!firstService) parts.push(COMMA);
        firstService = false;
        parts.push(this.fragment(service, changed));
      }
      parts.push(Buffer.from("]}"));
    }
    parts.push(Buffer.from(`],"orders":${JSON.stringify(ordersDocument(state))}}\n`));
    return parts;
  }

  private fragment(service: ServiceRecord, changed: ReadonlySet<ServiceRecord> | null): Buffer {
    let bytes = changed === null || changed.has(service) ? undefined : this.fragments.get(service);
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify(serviceDocument(service)));
      this.fragments.set(service, bytes);
      this.serializedByLastSave++;
    }
    return bytes;
  }
}

const COMMA = Buffer.from(",");
/** Buffers per writev call (below the usual IOV_MAX of 1024). */
const WRITEV_BATCH = 512;

/** Writes the buffers in order without joining them (no copy of the whole file in memory). */
function writeAll(fd: number, parts: Buffer[]): void {
  for (let start = 0; start < parts.length; start += WRITEV_BATCH) {
    let batch = parts.slice(start, start + WRITEV_BATCH);
    let total = batch.reduce((sum, part) => sum + part.length, 0);
    while (total > 0) {
      const written = writevSync(fd, batch);
      total -= written;
      if (total > 0) batch = dropBytes(batch, written);
    }
  }
}

/** The buffers left once the first `count` bytes have been written (after a short write). */
function dropBytes(parts: Buffer[], count: number): Buffer[] {
  let skip = count;
  const rest: Buffer[] = [];
  for (const part of parts) {
    if (skip >= part.length) {
      skip -= part.length;
      continue;
    }
    rest.push(skip > 0 ? part.subarray(skip) : part);
    skip = 0;
  }
  return rest;
}

/** Writes atomically: readers see the old file or the new one, never a mix. */
function writeAtomically(file: string, parts: Buffer[]): void {
  const folder = dirname(file);
  mkdirSync(folder, { recursive: true });
  const temporary = join(folder, `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = openSync(temporary, "w");
    try {
      writeAll(fd, parts);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** The state in the file, or null when there is no file. */
export function loadState(file: string): SandboxState | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new SandboxStateFileError(file, `it cannot be read (${(error as Error).message})`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SandboxStateFileError(file, `it is not JSON (${(error as Error).message})`, { cause: error });
  }
  return fromDocument(json, (problem) => new SandboxStateFileError(file, problem));
}

// ---------------------------------------------------------------------------------------------
// Reading a document back, checking its shape as it goes

type Check = (value: unknown) => boolean;
type Shape = Record<string, Check>;

const isString: Check = (v) => typeof v === "string";
const isNumber: Check = (v) => typeof v === "number" && Number.isFinite(v);
const isBoolean: Check = (v) => typeof v === "boolean";
const orNull =
  (check: Check): Check =>
  (v) =>
    v === null || check(v);
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === "string" && values.includes(v);
const arrayOf =
  (check: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(check);

const LICENSE = oneOf("basic", "standard", "enterprise");
const RENEWAL = oneOf("monthly", "yearly");

const ACCOUNT: Shape = {
  id: isNumber,
  login: isString,
  domain: isString,
  displayName: orNull(isString),
  firstName: orNull(isString),
  lastName: orNull(isString),
  accountLicense: LICENSE,
  renewPeriod: orNull(RENEWAL),
  deleteAtExpiration: orNull(isBoolean),
  expirationDate: orNull(isString),
  creationDate: orNull(isString),
  configured: isBoolean,
  state: oneOf("creating", "deleting", "internalMigration", "ok", "reopening", "suspended", "suspending"),
  taskPendingId: orNull(isNumber),
  quota: isNumber,
  currentUsage: isNumber,
};

const TASK: Shape = {
  id: isNumber,
  function: oneOf("addAccount", "changePassword", "deleteAccount", "setAccount"),
  status: oneOf("todo", "doing", "done", "error", "cancelled"),
  todoDate: isString,
  finishDate: orNull(isString),
  accountId: isNumber,
  address: isString,
  effect: oneOf("add", "delete", "reset", "release"),
  createdAtMs: isNumber,
  dueAtMs: orNull(isNumber),
  fails: isBoolean,
};

const SERVICE: Shape = {
  name: isString,
  offer: oneOf("dedicated", "dedicatedCluster", "hosted", "provider"),
  domain: isString,
  displayName: orNull(isString),
  domains: arrayOf(isString),
  state: oneOf("inMaintenance", "ok", "suspended"),
  creationDate: isString,
  accounts: Array.isArray,
  tasks: Array.isArray,
};

const ORDER: Shape = {
  orderId: isNumber,
  date: isString,
  expirationDate: isString,
  url: isString,
  organization: isString,
  service: isString,
  licence: LICENSE,
  quantity: isNumber,
  duration: oneOf("01", "12"),
  quota: isNumber,
  unitUcents: isNumber,
  detailIds: arrayOf(isNumber),
  paymentMean: orNull(isString),
  paidAtMs: orNull(isNumber),
  neverDeliver: isBoolean,
  deliveredAt: orNull(isString),
};

const COUNTERS: Shape = { account: isNumber, task: isNumber, order: isNumber, detail: isNumber };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks `value` against a shape and returns it typed; `fail` names the first field that is wrong. */
function read<T>(value: unknown, shape: Shape, where: string, fail: (problem: string) => Error): T {
  if (!isObject(value)) throw fail(`${where} is not an object`);
  for (const [field, check] of Object.entries(shape)) {
    if (!check(value[field]))
      throw fail(`${where}.${field} is missing or has a wrong value (${JSON.stringify(value[field])})`);
  }
  return value as T;
}

export function fromDocument(json: unknown, fail: (problem: string) => Error): SandboxState {
  const doc = read<Record<string, unknown>>(
    json,
    {
      format: oneOf(FORMAT),
      version: (v) => v === VERSION,
      seed: isString,
      rng: isNumber,
      counters: isObject,
      organizations: Array.isArray,
      orders: Array.isArray,
    },
    "the document",
    fail,
  );
  const state: SandboxState = {
    seed: doc.seed as string,
    rng: doc.rng as number,
    counters: { ...read<SandboxState["counters"]>(doc.counters, COUNTERS, "counters", fail) },
    organizations: new Map(),
    orders: new Map(),
    defaultPaymentMethod: doc.defaultPaymentMethod === undefined ? true : doc.defaultPaymentMethod === true,
  };
  if (doc.defaultPaymentMethod !== undefined && typeof doc.defaultPaymentMethod !== "boolean")
    throw fail("the document.defaultPaymentMethod is not a boolean");
  (doc.organizations as unknown[]).forEach((orgValue, o) => {
    const org = read<{ name: string; services: unknown[] }>(
      orgValue,
      { name: isString, services: Array.isArray },
      `organizations[${o}]`,
      fail,
    );
    const services = new Map<string, ServiceRecord>();
    org.services.forEach((serviceValue, s) => {
      const where = `organizations[${o}].services[${s}]`;
      const doc = read<ServiceDocument>(serviceValue, SERVICE, where, fail);
      const { accounts, tasks, ...fields } = doc;
      const service = newService({ ...fields, domains: [...fields.domains] });
      accounts.forEach((accountValue, a) => {
        const account = read<AccountRecord>(accountValue, ACCOUNT, `${where}.accounts[${a}]`, fail);
        service.accounts.set(`${account.login}@${account.domain}`, { ...account });
      });
      tasks.forEach((taskValue, t) => {
        const task = read<TaskRecord>(taskValue, TASK, `${where}.tasks[${t}]`, fail);
        service.tasks.set(task.id, { ...task });
        if (task.status === "todo" || task.status === "doing") service.openTasks.add(task.id);
      });
      services.set(service.name, service);
    });
    state.organizations.set(org.name, services);
  });
  (doc.orders as unknown[]).forEach((orderValue, i) => {
    const order = read<OrderRecord>(orderValue, ORDER, `orders[${i}]`, fail);
    state.orders.set(order.orderId, { ...order, detailIds: [...order.detailIds] });
  });
  return state;
}
