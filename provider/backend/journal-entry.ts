/**
 * Journal entries as the backends store them, and their decoding when read back. What a journal
 * file or table holds was written by some exrec, possibly an older one, and may have been edited
 * by hand: it is checked here, at the edge, so that apply and drift work on entries of the shape
 * their action promises. An entry that cannot be understood stops the read with a JournalError
 * naming where it is and what is wrong: acting on a misread order could order twice.
 *
 * The stored shape is the one exrec has always written: `{id, platform, changeId, action, detail,
 * startedAt, status, updatedAt}`, `detail` an object whose fields depend on the action.
 */
import { LICENSES, toAddress, type License, type Money } from "../../reconciler/model.js";
import {
  JOURNAL_ACTIONS,
  type AccountTaskJournalDetail,
  type JournalAction,
  type JournalEntry,
  type JournalStatus,
  type OrderJournalDetail,
  type SetPasswordJournalDetail,
} from "../../reconciler/ports.js";
import { JournalError } from "./errors.js";

/** An entry as stored: only what the backend itself needs is typed. */
export interface StoredJournalEntry {
  id: string;
  platform: string;
  status: JournalStatus;
  updatedAt: string;
  detail: object;
  [field: string]: unknown;
}

const STATUSES: readonly JournalStatus[] = ["open", "done", "failed"];

/** Problems found in one entry, described field by field. */
class EntryReader {
  constructor(
    private readonly record: Record<string, unknown>,
    private readonly prefix: string,
    private readonly fail: (problem: string) => never,
  ) {}

  text(field: string): string {
    const value = this.record[field];
    if (typeof value !== "string") this.fail(`${this.prefix}${field} must be a string, found ${show(value)}`);
    return value;
  }

  optionalText(field: string): string | undefined {
    return this.record[field] === undefined ? undefined : this.text(field);
  }

  optionalCount(field: string, min: number): number | undefined {
    const value = this.record[field];
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min)
      this.fail(`${this.prefix}${field} must be a whole number of at least ${min}, found ${show(value)}`);
    return value;
  }

  count(field: string, min: number): number {
    const value = this.optionalCount(field, min);
    if (value === undefined) this.fail(`${this.prefix}${field} is missing`);
    return value;
  }

  has(field: string): boolean {
    return this.record[field] !== undefined;
  }

  raw(field: string): unknown {
    return this.record[field];
  }
}

/**
 * The entry `raw`, read from `where` (a file, or a database as `describeConnection` names it),
 * checked against the shape of its action.
 */
export function decodeJournalEntry(raw: unknown, where: string): JournalEntry {
  const id = isRecord(raw) && typeof raw.id === "string" ? raw.id : "(no id)";
  const fail = (problem: string): never => {
    throw new JournalError(`journal entry ${id} in ${where} cannot be read: ${problem}`, id, {
      hint: "it was written by a newer exrec or edited by hand: upgrade exrec, or restore the journal; nothing was changed",
    });
  };
  if (!isRecord(raw)) return fail(`it is ${show(raw)}, not an object`);
  const entry = new EntryReader(raw, "", fail);
  const action = entry.text("action");
  if (!isJournalAction(action))
    return fail(`its action ${JSON.stringify(action)} is not one of ${JOURNAL_ACTIONS.join(", ")}`);
  const status = entry.text("status");
  if (!STATUSES.includes(status as JournalStatus))
    return fail(`its status ${JSON.stringify(status)} is not one of ${STATUSES.join(", ")}`);
  const base = {
    id: entry.text("id"),
    platform: entry.text("platform"),
    changeId: entry.text("changeId"),
    startedAt: entry.text("startedAt"),
    status: status as JournalStatus,
    updatedAt: entry.text("updatedAt"),
  };
  const detailValue = raw.detail;
  if (!isRecord(detailValue)) return fail(`detail must be an object, found ${show(detailValue)}`);
  const detail = new EntryReader(detailValue, "detail.", fail);
  switch (action) {
    case "order":
      return { ...base, action, detail: orderDetail(detail, fail) };
    case "set-password":
      return { ...base, action, detail: setPasswordDetail(detail) };
    case "add":
    case "reset":
    case "delete":
      return { ...base, action, detail: accountTaskDetail(detail) };
  }
}

function orderDetail(detail: EntryReader, fail: (problem: string) => never): OrderJournalDetail {
  const license = detail.text("license");
  if (!LICENSES.includes(license as License))
    fail(`detail.license ${JSON.stringify(license)} is not one of ${LICENSES.join(", ")}`);
  const addresses = detail.raw("addresses");
  if (!Array.isArray(addresses) || !addresses.every((a): a is string => typeof a === "string"))
    fail(`detail.addresses must be a list of addresses, found ${show(addresses)}`);
  const decoded: OrderJournalDetail = {
    license: license as License,
    duration: detail.text("duration"),
    quantity: detail.count("quantity", 1),
    addresses: addresses.map((a) => toAddress(a)),
    // Absent on entries written before exrec recorded the quoted amount.
    amount: money(detail.raw("amount"), fail),
  };
  const orderId = detail.optionalCount("orderId", 1);
  if (orderId !== undefined) decoded.orderId = orderId;
  if (detail.has("url")) decoded.url = detail.raw("url") === null ? null : detail.text("url");
  if (detail.has("delivered")) {
    const delivered = detail.raw("delivered");
    if (typeof delivered !== "boolean")
      fail(`detail.delivered must be true or false, found ${show(delivered)}`);
    decoded.delivered = delivered;
  }
  const outcome = detail.optionalText("outcome");
  if (outcome !== undefined) decoded.outcome = outcome;
  return decoded;
}

function setPasswordDetail(detail: EntryReader): SetPasswordJournalDetail {
  const decoded: SetPasswordJournalDetail = { address: toAddress(detail.text("address")) };
  const placeholder = detail.optionalText("placeholder");
  if (placeholder !== undefined) decoded.placeholder = toAddress(placeholder);
  return withTaskOutcome(decoded, detail);
}

function accountTaskDetail(detail: EntryReader): AccountTaskJournalDetail {
  const decoded: AccountTaskJournalDetail = { address: toAddress(detail.text("address")) };
  return withTaskOutcome(decoded, detail);
}

function withTaskOutcome<T extends { taskId?: number; outcome?: string }>(
  decoded: T,
  detail: EntryReader,
): T {
  const taskId = detail.optionalCount("taskId", 0);
  if (taskId !== undefined) decoded.taskId = taskId;
  const outcome = detail.optionalText("outcome");
  if (outcome !== undefined) decoded.outcome = outcome;
  return decoded;
}

function money(value: unknown, fail: (problem: string) => never): Money | null {
  if (value === undefined || value === null) return null;
  if (
    isRecord(value) &&
    typeof value.ucents === "number" &&
    Number.isInteger(value.ucents) &&
    typeof value.currency === "string"
  )
    return { ucents: value.ucents, currency: value.currency };
  return fail(`detail.amount must be {ucents, currency} or null, found ${show(value)}`);
}

function isJournalAction(action: string): action is JournalAction {
  return (JOURNAL_ACTIONS as readonly string[]).includes(action);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
