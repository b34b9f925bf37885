/**
 * Every OVHcloud API route exrec uses, typed (reconciler/ports.ts `ExchangeApi`). Each method builds
 * its path from URL-encoded segments (`@` becomes `%40`; the signature covers that exact URL), sends
 * it through OvhHttpClient, and checks the shape of the answer before handing it on.
 */
import type { License } from "../../reconciler/model.js";
import type {
  AccountBatch,
  AccountCreate,
  AccountPage,
  AccountUpdate,
  ApiAccount,
  ApiCatalog,
  ApiOrder,
  ApiOrderDetail,
  ApiOrderStatus,
  ApiPastOrder,
  ApiService,
  ApiTask,
  ExchangeApi,
  StorageQuota,
} from "../../reconciler/ports.js";
import type { OvhConnection } from "./config.js";
import { InvalidRequestError, OvhApiError, ResponseShapeError } from "./errors.js";
import { OvhHttpClient, type HttpMethod, type OvhHttpClientOptions, type RequestOptions } from "./http.js";
import * as shape from "./shape.js";

/** The separator of batch reads: sent as `X-Ovh-Batch` and between the ids of the last segment. */
const BATCH_SEPARATOR = ",";

const seg = encodeURIComponent;

function platformPath(org: string, svc: string): string {
  return `/email/exchange/${seg(org)}/service/${seg(svc)}`;
}

function accountPath(org: string, svc: string, email: string): string {
  return `${platformPath(org, svc)}/account/${seg(email)}`;
}

function orderPath(org: string, svc: string): string {
  return `/order/email/exchange/${seg(org)}/service/${seg(svc)}/account`;
}

function meOrderPath(orderId: number): string {
  return `/me/order/${seg(String(orderId))}`;
}

export class OvhExchangeApi implements ExchangeApi {
  constructor(private readonly http: OvhHttpClient) {}

  get requestsInFlight(): number {
    return this.http.requestsInFlight;
  }

  // -------------------------------------------------------------------------------------------
  // Reading
  // -------------------------------------------------------------------------------------------

  listOrganizations(): Promise<string[]> {
    return this.call("GET", "/email/exchange", shape.stringList);
  }

  listServices(org: string): Promise<string[]> {
    return this.call("GET", `/email/exchange/${seg(org)}/service`, shape.stringList);
  }

  getService(org: string, svc: string): Promise<ApiService> {
    return this.call("GET", platformPath(org, svc), shape.service);
  }

  listDomains(org: string, svc: string): Promise<string[]> {
    return this.call("GET", `${platformPath(org, svc)}/domain`, shape.stringList);
  }

  listAccounts(org: string, svc: string): Promise<string[]> {
    return this.call("GET", `${platformPath(org, svc)}/account`, shape.stringList);
  }

  getAccount(org: string, svc: string, email: string): Promise<ApiAccount> {
    return this.call("GET", accountPath(org, svc, email), shape.account);
  }

  async listAccountsPage(org: string, svc: string, page: number, size: number): Promise<AccountPage> {
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1) {
      throw new InvalidRequestError(
        `listAccountsPage: page (${page}) and size (${size}) must be whole numbers ≥ 1`,
      );
    }
    const path = `${platformPath(org, svc)}/account`;
    const call = `GET ${path}`;
    const response = await this.http.request<unknown>("GET", path, {
      headers: {
        "x-pagination-mode": "CachedObjectList-Pages",
        "x-pagination-size": String(size),
        "x-pagination-number": String(page),
      },
    });
    return readAccountPage(call, response.body, response.headers["x-pagination-elements"]);
  }

  async getAccountsBatch(org: string, svc: string, emails: string[]): Promise<AccountBatch> {
    const unsafe = withSeparator(emails);
    if (unsafe.length > 0) {
      throw new InvalidRequestError(
        `getAccountsBatch: ${unsafe.join(" ")} contains the batch separator "${BATCH_SEPARATOR}"`,
        {
          hint: "read such an address alone with getAccount",
        },
      );
    }
    if (emails.length === 0) return { kind: "objects", accounts: [], errors: [] };
    const path = `${platformPath(org, svc)}/account/${joinIds(emails)}`;
    const call = `GET ${path}`;
    let body: unknown;
    try {
      body = (await this.http.request<unknown>("GET", path, { headers: { "x-ovh-batch": BATCH_SEPARATOR } }))
        .body;
    } catch (error) {
      // Without batch support the joined ids name no account: a 404 (or 400) says nothing about them.
      if (error instanceof OvhApiError && (error.status === 404 || error.status === 400)) {
        return {
          kind: "unsupported",
          reason: `the API answered ${error.status} to a batch read (X-Ovh-Batch) of ${emails.length} accounts`,
        };
      }
      throw error;
    }
    return readBatchAnswer(call, body);
  }

  getTask(org: string, svc: string, taskId: number): Promise<ApiTask> {
    return this.call("GET", `${platformPath(org, svc)}/task/${seg(String(taskId))}`, shape.task);
  }

  listAccountTasks(org: string, svc: string, email: string): Promise<number[]> {
    return this.call("GET", `${accountPath(org, svc, email)}/tasks`, shape.idList);
  }

  // -------------------------------------------------------------------------------------------
  // Writing accounts
  // -------------------------------------------------------------------------------------------

  async updateAccount(org: string, svc: string, email: string, body: AccountUpdate): Promise<void> {
    await this.http.request("PUT", accountPath(org, svc, email), { body });
  }

  terminateAccount(org: string, svc: string, email: string): Promise<string> {
    return this.call("POST", `${accountPath(org, svc, email)}/terminate`, shape.str);
  }

  deleteAccount(org: string, svc: string, email: string): Promise<ApiTask> {
    return this.call("DELETE", accountPath(org, svc, email), shape.task);
  }

  addAccount(org: string, svc: string, body: AccountCreate): Promise<ApiTask> {
    return this.call("POST", `${platformPath(org, svc)}/account`, shape.task, {
      body,
      secrets: [body.password],
    });
  }

  changePassword(org: string, svc: string, email: string, password: string): Promise<ApiTask> {
    return this.call("POST", `${accountPath(org, svc, email)}/changePassword`, shape.task, {
      body: { password },
      secrets: [password],
    });
  }

  // -------------------------------------------------------------------------------------------
  // Ordering Hosted accounts (H1)
  // -------------------------------------------------------------------------------------------

  orderDurations(org: string, svc: string, license: License, quantity: number): Promise<string[]> {
    return this.call("GET", orderPath(org, svc), shape.stringList, {
      query: { licence: license, number: quantity },
    });
  }

  quoteOrder(
    org: string,
    svc: string,
    duration: string,
    license: License,
    quantity: number,
    storageQuota?: StorageQuota,
  ): Promise<ApiOrder> {
    return this.call("GET", `${orderPath(org, svc)}/${seg(duration)}`, shape.order, {
      query: { licence: license, number: quantity, storageQuota },
      // A quote changes nothing and no read waits on its answer: the refresh's reads go first.
      background: true,
    });
  }

  placeOrder(
    org: string,
    svc: string,
    duration: string,
    body: { licence: License; number: number; storageQuota?: StorageQuota },
  ): Promise<ApiOrder> {
    return this.call("POST", `${orderPath(org, svc)}/${seg(duration)}`, shape.order, { body });
  }

  // Payment, as OVHcloud's Terraform provider does it (ovh/order.go): the default payment method,
  // then /pay; the fidelity account only for an order that costs nothing.

  defaultPaymentMethods(): Promise<number[]> {
    return this.call("GET", "/me/payment/method", shape.paymentMethodIds, { query: { default: true } });
  }

  async payOrder(orderId: number, paymentMethodId: number): Promise<void> {
    await this.http.request("POST", `${meOrderPath(orderId)}/pay`, {
      body: { paymentMethod: { id: paymentMethodId } },
    });
  }

  /**
   * `payWithRegisteredPaymentMean` with the fidelity account, which needs no `paymentMeanId`: exrec
   * uses it only for orders that cost 0 (every other mean needs an id this route cannot give).
   */
  async payWithFidelityAccount(orderId: number): Promise<void> {
    await this.http.request("POST", `${meOrderPath(orderId)}/payWithRegisteredPaymentMean`, {
      body: { paymentMean: "fidelityAccount" },
    });
  }

  orderStatus(orderId: number): Promise<ApiOrderStatus> {
    return this.call("GET", `${meOrderPath(orderId)}/status`, shape.orderStatus);
  }

  listOrders(range: { from?: string; to?: string }): Promise<number[]> {
    return this.call("GET", "/me/order", shape.idList, {
      query: { "date.from": range.from, "date.to": range.to },
    });
  }

  getOrder(orderId: number): Promise<ApiPastOrder> {
    return this.call("GET", meOrderPath(orderId), shape.pastOrder);
  }

  listOrderDetails(orderId: number): Promise<number[]> {
    return this.call("GET", `${meOrderPath(orderId)}/details`, shape.idList);
  }

  getOrderDetail(orderId: number, detailId: number): Promise<ApiOrderDetail> {
    return this.call("GET", `${meOrderPath(orderId)}/details/${seg(String(detailId))}`, shape.orderDetail);
  }

  // -------------------------------------------------------------------------------------------
  // Prices
  // -------------------------------------------------------------------------------------------

  /** Needs no authentication; signing it anyway is harmless and keeps one request path. */
  catalog(subsidiary: string): Promise<ApiCatalog> {
    return this.call("GET", "/order/catalog/public/exchange", shape.catalog, {
      query: { ovhSubsidiary: subsidiary },
      background: true,
    });
  }

  private async call<T>(
    method: HttpMethod,
    path: string,
    check: shape.Check<T>,
    options?: RequestOptions,
  ): Promise<T> {
    const response = await this.http.request<unknown>(method, path, options);
    return shape.validate(`${method} ${path}`, check, response.body);
  }
}

// The loops over a page's or a batch's items live in small functions of their own: in the async
// methods that await the answer, they made the optimising compiler take tens of milliseconds over
// each method, once per process, for reads that last a few hundred.

/** A page answer: bare ids (the API ignored the pagination mode), or checked accounts and the total. */
function readAccountPage(call: string, body: unknown, totalHeader: string | undefined): AccountPage {
  if (!Array.isArray(body))
    throw new ResponseShapeError(call, "expected an array of accounts or of addresses");
  // An API that ignores the pagination mode answers bare ids. An empty page is only known to be
  // a page of objects when the total came with it.
  if (body.length > 0 ? body.every((item) => typeof item === "string") : totalHeader === undefined) {
    return { kind: "ids", ids: body as string[] };
  }
  const accounts = shape.validate(call, shape.arrayOf(shape.account), body);
  const total = totalHeader === undefined || !/^\d+$/.test(totalHeader.trim()) ? NaN : Number(totalHeader);
  if (Number.isNaN(total)) {
    throw new ResponseShapeError(
      call,
      "a page of objects came without a whole-number X-Pagination-Elements header",
    );
  }
  return { kind: "objects", accounts, total };
}

/** A batch answer: its accounts (checked) and the ids it answered with an error, or why it is no batch answer. */
function readBatchAnswer(call: string, body: unknown): AccountBatch {
  if (!Array.isArray(body)) {
    return {
      kind: "unsupported",
      reason: "the API answered a batch read (X-Ovh-Batch) with something other than an array",
    };
  }
  if (!body.every(shape.isBatchElement)) {
    return {
      kind: "unsupported",
      reason: "the API answered a batch read (X-Ovh-Batch) with elements that are not {key, value, error}",
    };
  }
  const accounts: ApiAccount[] = [];
  const errors: { email: string; message: string }[] = [];
  for (let i = 0; i < body.length; i++) {
    const element = body[i] as { key: string; value?: unknown; error?: unknown };
    if (element.value !== null && element.value !== undefined) {
      accounts.push(shape.validateElement(call, i, ".value", shape.account, element.value));
    } else {
      errors.push({ email: element.key, message: describeBatchError(element.error) });
    }
  }
  return { kind: "objects", accounts, errors };
}

/** The ids that hold the batch separator (usually none: no array is made then). */
function withSeparator(emails: readonly string[]): string[] {
  return emails.some((e) => e.includes(BATCH_SEPARATOR))
    ? emails.filter((e) => e.includes(BATCH_SEPARATOR))
    : [];
}

/** The last path segment of a batch read: each id encoded as a lone one, joined by the separator. */
function joinIds(emails: readonly string[]): string {
  return emails.map(seg).join(BATCH_SEPARATOR);
}

function describeBatchError(error: unknown): string {
  if (typeof error === "string" && error !== "") return error;
  if (
    error !== null &&
    typeof error === "object" &&
    typeof (error as { message?: unknown }).message === "string"
  ) {
    return (error as { message: string }).message;
  }
  return "the batch answer gave neither a value nor an error for this address";
}

export interface ExchangeApiOptions {
  /** Wall clock in ms (tests inject a skewed one). */
  clock?: () => number;
  /** One line per request attempt. */
  debug?: (line: string) => void;
  userAgent?: string;
  /** Retry tuning, mostly for tests (attempts, delays). */
  retry?: OvhHttpClientOptions["retry"];
  /** Told what a request waits for when it goes unanswered for a few seconds. */
  onSlow?: (line: string) => void;
}

/** The API client for a resolved connection; close `http` when done. */
export function createExchangeApi(
  connection: OvhConnection,
  opts: ExchangeApiOptions = {},
): { api: OvhExchangeApi; http: OvhHttpClient } {
  const http = new OvhHttpClient({
    baseUrl: connection.baseUrl,
    auth: connection.auth,
    limits: connection.limits,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.debug ? { debug: opts.debug } : {}),
    ...(opts.userAgent ? { userAgent: opts.userAgent } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.onSlow ? { onSlow: opts.onSlow } : {}),
  });
  return { api: new OvhExchangeApi(http), http };
}
