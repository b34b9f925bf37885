/**
 * Ordering Hosted accounts (H1): the durations on offer, a quote (nothing bought), and the order
 * itself, priced from the sandbox catalog (N × the price of the duration, 20% tax).
 */
import { offerOf, type License, type OrderDuration } from "../../../reconciler/model.js";
import type { ApiOrder } from "../../../reconciler/ports.js";
import { addDays, parisDateOf, parisDateTime, parisMidnight } from "../dates.js";
import { ApiFailure } from "../errors.js";
import { apiPrice, hostedPriceUcents, taxOf } from "../prices.js";
import type { Answer, ApiCall, Route, RouteContext } from "../router.js";
import { nextId, type OrderRecord, type ServiceRecord } from "../state.js";
import { bodyObject, count, license, required } from "./input.js";

const ORDER_ACCOUNT = "/order/email/exchange/{org}/service/{svc}/account";
const DURATIONS: readonly OrderDuration[] = ["01", "12"];
/** How long a placed order may wait for its payment (a guess: OVHcloud's is not documented). */
const ORDER_VALIDITY_DAYS = 14;
/** Mailbox sizes on offer, in GB. */
const STORAGE_QUOTAS = ["50", "300"];

function hostedService(call: ApiCall, { world }: RouteContext): ServiceRecord {
  const service = world.service(call.params.org as string, call.params.svc as string);
  if (offerOf(service.offer) !== "hosted") {
    throw ApiFailure.badRequest(
      `Accounts of ${service.name} (offer ${service.offer}) are not ordered: add them with POST …/account (P2)`,
    );
  }
  return service;
}

function duration(call: ApiCall): OrderDuration {
  const value = call.params.duration as string;
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

/** `order.Order` for a line: a quote when `placed` is null. */
function orderView(line: OrderLine, placed: { orderId: number; url: string } | null): ApiOrder {
  const withoutTax = line.unitUcents * line.quantity;
  const tax = taxOf(withoutTax);
  // `order.OrderDetail` has more fields than exrec reads; they are given as OVHcloud names them.
  const detail = {
    description: describe(line),
    detailType: "DURATION",
    domain: line.service,
    quantity: line.quantity,
    unitPrice: apiPrice(line.unitUcents),
    totalPrice: apiPrice(withoutTax),
    originalTotalPrice: apiPrice(withoutTax),
    reductionTotalPrice: apiPrice(0),
    reductions: [],
    cartItemID: null,
  };
  return {
    orderId: placed?.orderId ?? null,
    url: placed?.url ?? null,
    prices: { withoutTax: apiPrice(withoutTax), withTax: apiPrice(withoutTax + tax), tax: apiPrice(tax) },
    details: [detail],
    contracts: [],
  };
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
  return { body: orderView(line(service, licence, quantity, duration(call)), null) };
}

function place(call: ApiCall, context: RouteContext): Answer {
  const { world } = context;
  const service = hostedService(call, context);
  const orderDuration = duration(call);
  const body = bodyObject(call.body);
  const licence = required(body, "licence", license);
  const quantity = count(body.number, "number");
  let quota = licence === "enterprise" ? 300 : 50;
  if (body.storageQuota !== undefined) {
    const asked = String(body.storageQuota);
    if (!STORAGE_QUOTAS.includes(asked))
      throw ApiFailure.badRequest(
        `Invalid value for parameter storageQuota: one of ${STORAGE_QUOTAS.join(", ")}`,
      );
    quota = Number(asked);
  }
  const orderLine = line(service, licence, quantity, orderDuration);
  const orderId = nextId(world.state, "order");
  const url = `https://www.ovh.com/cgi-bin/order/display-order.cgi?orderId=${orderId}&orderPassword=sandbox`;
  const now = world.now();
  const order: OrderRecord = {
    orderId,
    date: parisDateTime(now),
    expirationDate: parisMidnight(addDays(parisDateOf(now), ORDER_VALIDITY_DAYS)),
    url,
    organization: call.params.org as string,
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
  return { body: orderView(orderLine, { orderId, url }) };
}

/** The detail line of a placed order, as `/me/order/{id}/details/{detailId}` shows it. */
export function orderDetailView(order: OrderRecord): Record<string, unknown> {
  return { orderDetailId: order.detailIds[0], ...orderView(lineOf(order), null).details![0] };
}

/** Prices of a placed order, as `/me/order/{id}` shows them. */
export function orderPrices(order: OrderRecord): ApiOrder["prices"] {
  return orderView(lineOf(order), null).prices;
}

export const orderRoutes: Route[] = [
  { method: "GET", pattern: ORDER_ACCOUNT, handle: durations },
  { method: "GET", pattern: `${ORDER_ACCOUNT}/{duration}`, handle: quote },
  { method: "POST", pattern: `${ORDER_ACCOUNT}/{duration}`, handle: place },
];
