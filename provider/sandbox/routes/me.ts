/**
 * `/me`: past orders (`billing.Order`, `billing.OrderDetail`), their status, and paying them.
 *
 * Payment as OVHcloud's schema has it: the account's payment methods under `/me/payment/method`
 * (the sandbox has one, a bank account, default unless switched off through the control API),
 * `POST /me/order/{id}/pay` with `{"paymentMethod":{"id":N}}`, and the older
 * `payWithRegisteredPaymentMean`, where the fidelity account pays only orders that cost 0 and a
 * bank account, credit card or PayPal needs its `paymentMeanId`.
 */
import { ApiFailure } from "../errors.js";
import type { BillingOrder, BillingOrderDetail, PaymentMethod, RegisteredPaymentMean } from "../models.js";
import { orderStatus } from "../orders.js";
import { param, type Answer, type ApiCall, type Route, type RouteContext } from "../router.js";
import type { OrderRecord } from "../state.js";
import { bodyObject, pathId, required, text } from "./input.js";
import { orderLineView, orderPrices } from "./order.js";

/** The sandbox's one payment method, and the payment mean behind it. */
const PAYMENT_METHOD_ID = 1;
const BANK_ACCOUNT_ID = 1234;
/** Means that OVHcloud's schema says need a `paymentMeanId`. */
const MEANS_WITH_ID = new Set(["bankAccount", "creditCard", "paypal"]);

function orderOf(call: ApiCall, { world }: RouteContext): OrderRecord {
  return world.order(pathId(param(call.params, "orderId"), "orderId"));
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
  const nulls = context.answers.nullPrices;
  const prices = orderPrices(order, nulls);
  const view: BillingOrder = {
    orderId: order.orderId,
    date: nulls ? null : order.date,
    expirationDate: order.expirationDate,
    url: order.url,
    pdfUrl: `${order.url}&format=pdf`,
    password: "sandbox",
    retractionDate: null,
    priceWithTax: prices.withTax,
    priceWithoutTax: prices.withoutTax,
    tax: prices.tax,
  };
  return { body: view };
}

/** `billing.OrderDetail`, distinct from the quote's `order.OrderDetail`: a string quantity, `cancelled`. */
function orderDetail(call: ApiCall, context: RouteContext): Answer {
  const order = orderOf(call, context);
  const detailId = pathId(param(call.params, "detailId"), "detailId");
  if (!order.detailIds.includes(detailId))
    throw ApiFailure.notFound(`The requested object (detailId = ${detailId}) does not exist`);
  const line = orderLineView(order, context.answers.nullPrices);
  const view: BillingOrderDetail = {
    orderDetailId: detailId,
    description: line.description,
    domain: line.domain,
    detailType: line.detailType,
    quantity: context.answers.detailQuantity === "string" ? String(line.quantity) : line.quantity,
    unitPrice: line.unitPrice,
    totalPrice: line.totalPrice,
    cancelled: false,
  };
  return { body: view };
}

function registeredMeans(context: RouteContext): RegisteredPaymentMean[] {
  if (context.answers.legacyPaymentMeans)
    return [
      { paymentMean: "fidelityAccount" },
      { paymentMean: "bankAccount", paymentMeanId: BANK_ACCOUNT_ID },
    ];
  return [{ paymentMean: "fidelityAccount" }, { paymentMean: "bankAccount" }];
}

function markPaid(call: ApiCall, context: RouteContext, order: OrderRecord, mean: string): Answer {
  if (order.paidAtMs !== null) throw ApiFailure.badRequest(`The order ${order.orderId} is already paid`);
  order.paidAtMs = context.world.realNow();
  order.paymentMean = mean;
  if (call.effect === "never-deliver") order.neverDeliver = true;
  context.world.openOrders.add(order.orderId);
  context.world.changed("orders");
  return { body: null };
}

function orderCostsNothing(order: OrderRecord): boolean {
  return order.unitUcents * order.quantity === 0;
}

function payWithRegisteredPaymentMean(call: ApiCall, context: RouteContext): Answer {
  const order = orderOf(call, context);
  const body = bodyObject(call.body);
  const meanName = required(body, "paymentMean", text);
  const means = registeredMeans(context);
  if (!means.some((m) => m.paymentMean === meanName)) {
    throw ApiFailure.badRequest(
      `The payment mean ${meanName} is not available for this order (available: ${means.map((m) => m.paymentMean).join(", ")})`,
    );
  }
  if (MEANS_WITH_ID.has(meanName) && body.paymentMeanId !== BANK_ACCOUNT_ID) {
    throw ApiFailure.badRequest(
      body.paymentMeanId === undefined
        ? `Missing parameter paymentMeanId: the payment mean ${meanName} needs it`
        : `No ${meanName} with id ${JSON.stringify(body.paymentMeanId)}`,
    );
  }
  if (meanName === "fidelityAccount" && !context.answers.legacyPaymentMeans && !orderCostsNothing(order)) {
    throw ApiFailure.badRequest(
      `The fidelity account cannot pay the order ${order.orderId}: it costs more than its balance`,
    );
  }
  return markPaid(call, context, order, meanName);
}

/** `POST /me/order/{orderId}/pay` `{"paymentMethod":{"id":N}}` (`billing.order.PayWithPaymentMethod`). */
function pay(call: ApiCall, context: RouteContext): Answer {
  const order = orderOf(call, context);
  const body = bodyObject(call.body);
  const method = body.paymentMethod;
  if (typeof method !== "object" || method === null || Array.isArray(method))
    throw ApiFailure.badRequest("Missing parameter paymentMethod");
  const id = (method as Record<string, unknown>).id;
  if (typeof id !== "number" || !Number.isInteger(id))
    throw ApiFailure.badRequest("Invalid value for parameter paymentMethod.id: a number is expected");
  if (id !== PAYMENT_METHOD_ID)
    throw ApiFailure.notFound(`The requested object (paymentMethodId = ${id}) does not exist`);
  return markPaid(call, context, order, "bankAccount");
}

function paymentMethodView(context: RouteContext): PaymentMethod {
  return {
    paymentMethodId: PAYMENT_METHOD_ID,
    paymentMeanId: BANK_ACCOUNT_ID,
    paymentType: "SEPA_DIRECT_DEBIT",
    paymentSubType: null,
    default: context.world.state.defaultPaymentMethod,
    status: "VALID",
    label: "FR76 **** **** **** **** **** 234",
    description: "Sandbox bank account",
    icon: { name: "SEPA_DIRECT_DEBIT", data: null, url: null },
    integration: null,
    oneclick: null,
    billingContactId: null,
    merchantId: null,
    formSessionId: null,
    creationDate: "2024-01-02T10:00:00+01:00",
    lastUpdate: "2024-01-02T10:00:00+01:00",
    expirationDate: null,
  };
}

/** `GET /me/payment/method`, filters `default`, `paymentType`, `status` (=). */
function listPaymentMethods(call: ApiCall, context: RouteContext): Answer {
  const view = paymentMethodView(context);
  const wantDefault = call.query.get("default");
  if (wantDefault !== null && wantDefault !== "true" && wantDefault !== "false")
    throw ApiFailure.badRequest(
      `Invalid value for parameter default: ${JSON.stringify(wantDefault)} is not a boolean`,
    );
  const matches =
    (wantDefault === null || String(view.default) === wantDefault) &&
    (call.query.get("paymentType") ?? view.paymentType) === view.paymentType &&
    (call.query.get("status") ?? view.status) === view.status;
  return { body: matches ? [view.paymentMethodId] : [] };
}

function getPaymentMethod(call: ApiCall, context: RouteContext): Answer {
  const id = pathId(param(call.params, "paymentMethodId"), "paymentMethodId");
  if (id !== PAYMENT_METHOD_ID)
    throw ApiFailure.notFound(`The requested object (paymentMethodId = ${id}) does not exist`);
  return { body: paymentMethodView(context) };
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
      return { body: registeredMeans(context) };
    },
  },
  { method: "POST", pattern: `${ORDER}/payWithRegisteredPaymentMean`, handle: payWithRegisteredPaymentMean },
  { method: "POST", pattern: `${ORDER}/pay`, handle: pay },
  { method: "GET", pattern: "/me/payment/method", handle: listPaymentMethods },
  { method: "GET", pattern: "/me/payment/method/{paymentMethodId}", handle: getPaymentMethod },
];
