/**
 * Ordering Hosted accounts (H1): the durations on offer, a quote (nothing bought), and the order
 * itself, priced from the sandbox catalog (N × the price of the duration, 20% tax).
 */
import {
  isHostedOffer,
  type Licence as License,
  type OrderDuration,
  type OrderOrder,
  type OrderOrderDetail,
} from "../models.js";
import { addDays, parisDateOf, parisDateTime, parisMidnight } from "../dates.js";
import { ApiFailure } from "../errors.js";
import { apiPrice, hostedPriceUcents, taxOf } from "../prices.js";
import { param, type Answer, type ApiCall, type Route, type RouteContext } from "../router.js";
import { nextId, type OrderRecord, type ServiceRecord } from "../state.js";
import { bodyObject, count, license, required } from "./input.js";

const ORDER_ACCOUNT = "/order/email/exchange/{org}/service/{svc}/account";
const DURATIONS: readonly OrderDuration[] = ["01", "12"];
/** How long a placed order may wait for its payment (a guess: OVHcloud's is not documented). */
const ORDER_VALIDITY_DAYS = 14;
/** Mailbox sizes on offer, in GB (`storageQuota`), and the one an order gets without it. */
const STORAGE_QUOTAS = ["50", "300"];
const DEFAULT_STORAGE_QUOTA = 50;

function hostedService(call: ApiCall, { world }: RouteContext): ServiceRecord {
  const service = world.service(param(call.params, "org"), param(call.params, "svc"));
  if (!isHostedOffer(service.offer)) {
    throw ApiFailure.badRequest(
      `Accounts of ${service.name} (offer ${service.offer}) are not ordered: add them with POST …/account (P2)`,
    );
  }
  return service;
}

function duration(call: ApiCall): OrderDuration {
  const value = param(call.params, "duration");
  if (!DURATIONS.includes(value as OrderDuration)) {
    throw ApiFailure.badRequest(
      `Invalid duration ${JSON.stringify(value)}: available durations are ${DURATIONS.join(", ")}`,
    );
  }
  return value as OrderDuration;
}

interface OrderLine {
  service: string;
  licence: License;
  quantity: number;
  duration: OrderDuration;
  unitUcents: number;
}

function describe(line: OrderLine): string {
  return `Exchange Hosted ${line.licence} account, ${line.duration === "01" ? "1 month" : "12 months"}`;
}

/** `order.OrderDetail` for a line; `nulls`: answer priceInUcents as null (AnswerModes.nullPrices). */
function detailView(line: OrderLine, nulls: boolean): OrderOrderDetail {
  const withoutTax = line.unitUcents * line.quantity;
  return {
    description: describe(line),
    detailType: "DURATION",
    domain: line.service,
    quantity: line.quantity,
    unitPrice: apiPrice(line.unitUcents, nulls),
    totalPrice: apiPrice(withoutTax, nulls),
    originalTotalPrice: apiPrice(withoutTax, nulls),
    reductionTotalPrice: apiPrice(0, nulls),
    reductions: [],
    cartItemID: null,
  };
}

function pricesView(line: OrderLine, nulls: boolean): OrderOrder["prices"] {
  const withoutTax = line.unitUcents * line.quantity;
  const tax = taxOf(withoutTax);
  return {
    withoutTax: apiPrice(withoutTax, nulls),
    withTax: apiPrice(withoutTax + tax, nulls),
    tax: apiPrice(tax, nulls),
  };
}

/** `order.Order` for a line: a quote when `placed` is null. */
function orderView(
  line: OrderLine,
  placed: { orderId: number; url: string } | null,
  nulls: boolean,
): OrderOrder {
  return {
    orderId: placed?.orderId ?? null,
    url: placed?.url ?? null,
    prices: pricesView(line, nulls),
    details: [detailView(line, nulls)],
    contracts: [],
  };
}

/** `storageQuota` of the quote (query) and the order (body): the mailbox size in GB. */
function storageQuota(value: unknown, licence: License): number {
  if (value === undefined || value === null) return licence === "enterprise" ? 300 : DEFAULT_STORAGE_QUOTA;
  if (typeof value !== "string" || !STORAGE_QUOTAS.includes(value))
    throw ApiFailure.badRequest(
      `Invalid value for parameter storageQuota: ${JSON.stringify(value)} is not one of ${STORAGE_QUOTAS.join(", ")}`,
    );
  return Number(value);
}

function line(
  service: ServiceRecord,
  licence: License,
  quantity: number,
  orderDuration: OrderDuration,
): OrderLine {
  return {
    service: service.name,
    licence,
    quantity,
    duration: orderDuration,
    unitUcents: hostedPriceUcents(licence, orderDuration),
  };
}

/** A placed order's line, at the price it was placed at. */
function lineOf(order: OrderRecord): OrderLine {
  return {
    service: order.service,
    licence: order.licence,
    quantity: order.quantity,
    duration: order.duration,
    unitUcents: order.unitUcents,
  };
}

function durations(call: ApiCall, context: RouteContext): Answer {
  hostedService(call, context);
  license(call.query.get("licence") ?? undefined, "licence");
  count(call.query.get("number") ?? undefined, "number");
  return { body: [...DURATIONS] };
}

function quote(call: ApiCall, context: RouteContext): Answer {
  const service = hostedService(call, context);
  const licence = license(call.query.get("licence") ?? undefined, "licence");
  const quantity = count(call.query.get("number") ?? undefined, "number");
  // Checked like the order's; the price does not depend on it.
  storageQuota(call.query.get("storageQuota") ?? undefined, licence);
  return {
    body: orderView(line(service, licence, quantity, duration(call)), null, context.answers.nullPrices),
  };
}

function place(call: ApiCall, context: RouteContext): Answer {
  const { world } = context;
  const service = hostedService(call, context);
  const orderDuration = duration(call);
  const body = bodyObject(call.body);
  const licence = required(body, "licence", license);
  const quantity = count(body.number, "number");
  const quota = storageQuota(body.storageQuota, licence);
  const orderLine = line(service, licence, quantity, orderDuration);
  const orderId = nextId(world.state, "order");
  const url = `https://www.ovh.com/cgi-bin/order/display-order.cgi?orderId=${orderId}&orderPassword=sandbox`;
  const now = world.now();
  const order: OrderRecord = {
    orderId,
    date: parisDateTime(now),
    expirationDate: parisMidnight(addDays(parisDateOf(now), ORDER_VALIDITY_DAYS)),
    url,
    organization: param(call.params, "org"),
    service: service.name,
    licence,
    quantity,
    duration: orderDuration,
    quota,
    unitUcents: orderLine.unitUcents,
    detailIds: [nextId(world.state, "detail")],
    paymentMean: null,
    paidAtMs: null,
    neverDeliver: call.effect === "never-deliver",
    deliveredAt: null,
  };
  world.state.orders.set(orderId, order);
  world.changed("orders");
  return { body: orderView(orderLine, { orderId, url }, context.answers.nullPrices) };
}

/** The line of a placed order, at the price it was placed at (for `/me/order/{id}/details/{id}`). */
export function orderLineView(order: OrderRecord, nulls: boolean): OrderOrderDetail {
  return detailView(lineOf(order), nulls);
}

/** Prices of a placed order, as `/me/order/{id}` shows them. */
export function orderPrices(order: OrderRecord, nulls: boolean): OrderOrder["prices"] {
  return pricesView(lineOf(order), nulls);
}

export const orderRoutes: Route[] = [
  { method: "GET", pattern: ORDER_ACCOUNT, handle: durations },
  { method: "GET", pattern: `${ORDER_ACCOUNT}/{duration}`, handle: quote },
  { method: "POST", pattern: `${ORDER_ACCOUNT}/{duration}`, handle: place },
];
