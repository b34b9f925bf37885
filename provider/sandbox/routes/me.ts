/**
 * `/me/order`: past orders, their details, their status, and paying them with a registered
 * payment mean (the sandbox has a fidelity account and a bank account, id 1234).
 */
import type { ApiPaymentMean, ApiPastOrder } from "../../../reconciler/ports.js";
import { ApiFailure } from "../errors.js";
import { orderStatus } from "../orders.js";
import type { Answer, ApiCall, Route, RouteContext } from "../router.js";
import type { OrderRecord } from "../state.js";
import { orderDetailView, orderPrices } from "./order.js";
import { bodyObject, pathId, required, text } from "./input.js";

const PAYMENT_MEANS: readonly ApiPaymentMean[] = [
  { paymentMean: "fidelityAccount" },
  { paymentMean: "bankAccount", paymentMeanId: 1234 },
];

function orderOf(call: ApiCall, { world }: RouteContext): OrderRecord {
  return world.order(pathId(call.params.orderId as string, "orderId"));
}

function dateParameter(query: URLSearchParams, name: string): number | null {
  const value = query.get(name);
  if (value === null) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw ApiFailure.badRequest(
      `Invalid value for parameter ${name}: ${JSON.stringify(value)} is not a date`,
    );
  return ms;
}

function listOrders(call: ApiCall, { world }: RouteContext): Answer {
  const from = dateParameter(call.query, "date.from");
  const to = dateParameter(call.query, "date.to");
  const ids: number[] = [];
  for (const order of world.state.orders.values()) {
    const date = Date.parse(order.date);
    if ((from === null || date >= from) && (to === null || date <= to)) ids.push(order.orderId);
  }
  return { body: ids.sort((a, b) => a - b) };
}

function getOrder(call: ApiCall, context: RouteContext): Answer {
  const order = orderOf(call, context);
  const prices = orderPrices(order);
  const view: ApiPastOrder = {
    orderId: order.orderId,
    date: order.date,
    expirationDate: order.expirationDate,
    url: order.url,
    priceWithTax: prices.withTax,
    priceWithoutTax: prices.withoutTax,
    tax: prices.tax,
  };
  return { body: view };
}

function orderDetail(call: ApiCall, context: RouteContext): Answer {
  const order = orderOf(call, context);
  const detailId = pathId(call.params.detailId as string, "detailId");
  if (!order.detailIds.includes(detailId))
    throw ApiFailure.notFound(`The requested object (detailId = ${detailId}) does not exist`);
  return { body: orderDetailView(order) };
}

function pay(call: ApiCall, context: RouteContext): Answer {
  const { world } = context;
  const order = orderOf(call, context);
  const body = bodyObject(call.body);
  const meanName = required(body, "paymentMean", text);
  const mean = PAYMENT_MEANS.find((m) => m.paymentMean === meanName);
  if (!mean) {
    throw ApiFailure.badRequest(
      `The payment mean ${meanName} is not available for this order (available: ${PAYMENT_MEANS.map((m) => m.paymentMean).join(", ")})`,
    );
  }
  if (mean.paymentMeanId !== undefined && body.paymentMeanId !== mean.paymentMeanId) {
    throw ApiFailure.badRequest(
      `The payment mean ${meanName} needs its paymentMeanId (${mean.paymentMeanId})`,
    );
  }
  if (order.paidAtMs !== null) throw ApiFailure.badRequest(`The order ${order.orderId} is already paid`);
  order.paidAtMs = world.realNow();
  order.paymentMean = meanName;
  if (call.effect === "never-deliver") order.neverDeliver = true;
  world.openOrders.add(order.orderId);
  world.changed("orders");
  return { body: null };
}

const ORDER = "/me/order/{orderId}";

export const meRoutes: Route[] = [
  { method: "GET", pattern: "/me/order", handle: listOrders },
  { method: "GET", pattern: ORDER, handle: getOrder },
  {
    method: "GET",
    pattern: `${ORDER}/status`,
    handle: (call, context) => ({ body: orderStatus(context.world, orderOf(call, context)) }),
  },
  {
    method: "GET",
    pattern: `${ORDER}/details`,
    handle: (call, context) => ({ body: [...orderOf(call, context).detailIds] }),
  },
  { method: "GET", pattern: `${ORDER}/details/{detailId}`, handle: orderDetail },
  {
    method: "GET",
    pattern: `${ORDER}/availableRegisteredPaymentMean`,
    handle: (call, context) => {
      orderOf(call, context);
      return { body: PAYMENT_MEANS.map((mean) => ({ ...mean })) };
    },
  },
  { method: "POST", pattern: `${ORDER}/payWithRegisteredPaymentMean`, handle: pay },
];
