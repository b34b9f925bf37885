/**
 * The sandbox's own reading of OVHcloud's API v1 models, written from the published schema
 * (`email.exchange.*`, `order.*`, `billing.*`, `me.payment.*`) and never from the client's types:
 * the sandbox is a second implementation, so that where it and the client agree, it is because
 * both follow the schema, not because they share a declaration. Field comments give the schema's
 * nullability where it matters to clients.
 */

/** `email.exchange.OvhLicenceEnum`. */
export type Licence = "basic" | "standard" | "enterprise";
export const LICENCES: readonly Licence[] = ["basic", "standard", "enterprise"];

/** `email.exchange.RenewPeriodEnum`. */
export type RenewPeriod = "monthly" | "yearly";
export const RENEW_PERIODS: readonly RenewPeriod[] = ["monthly", "yearly"];

/** `email.exchange.ObjectStateEnum`. */
export type ObjectState =
  "creating" | "deleting" | "internalMigration" | "ok" | "reopening" | "suspended" | "suspending";
export const OBJECT_STATES: readonly ObjectState[] = [
  "creating",
  "deleting",
  "internalMigration",
  "ok",
  "reopening",
  "suspended",
  "suspending",
];

/** `email.exchange.ServiceOfferEnum`. */
export type ServiceOffer = "dedicated" | "dedicatedCluster" | "hosted" | "provider";

/** `email.exchange.ServiceStateEnum`. */
export type ServiceState = "inMaintenance" | "ok" | "suspended";

/** `email.exchange.TaskStatusEnum`. */
export type TaskStatus = "todo" | "doing" | "done" | "error" | "cancelled";

/** The `email.exchange.TaskFunctionEnum` values the sandbox creates. */
export type TaskFunction = "addAccount" | "changePassword" | "deleteAccount" | "setAccount";

/** `billing.order.OrderStatusEnum`. */
export type OrderStatus =
  | "cancelled"
  | "cancelling"
  | "checking"
  | "delivered"
  | "delivering"
  | "documentsRequested"
  | "notPaid"
  | "unknown";

/** Order durations the Exchange account order offers (OVHcloud's control panel uses these two). */
export type OrderDuration = "01" | "12";

/** The domain of the blank accounts a delivered order puts on a platform. */
export const PLACEHOLDER_DOMAIN = "configureme.me";

/**
 * Offers whose accounts are ordered, renewed and terminated at expiry (the Hosted rules); the
 * others are Private Exchange, whose accounts are added and deleted.
 */
export function isHostedOffer(offer: ServiceOffer): boolean {
  return offer === "hosted" || offer === "provider";
}

/** `email.exchange.Account`, with the fields the sandbox gives. */
export interface ExchangeAccount {
  primaryEmailAddress: string;
  login: string;
  domain: string;
  displayName: string | null;
  firstName: string | null;
  lastName: string | null;
  accountLicense: Licence;
  renewPeriod: RenewPeriod | null;
  deleteAtExpiration: boolean | null;
  expirationDate: string | null;
  creationDate: string | null;
  configured: boolean;
  state: ObjectState;
  /** canBeNull: true on accounts. */
  taskPendingId: number | null;
  quota: number;
  currentUsage: number | null;
  id: number;
  SAMAccountName: string | null;
  company: string | null;
  hiddenFromGAL: boolean;
  litigation: boolean;
  outlookLicense: boolean;
  spamDetected: boolean;
  numberOfAliases: number;
}

/** `email.exchange.ExchangeService`, with the fields the sandbox gives. */
export interface ExchangeService {
  domain: string;
  displayName: string | null;
  offer: ServiceOffer;
  state: ServiceState;
  /** canBeNull: false on the service. */
  taskPendingId: number;
  hostname: string | null;
  webUrl: string | null;
  sslExpirationDate: string | null;
  lastUpdateDate: string | null;
  maxSendSize: number;
  maxReceiveSize: number;
  complexityEnabled: boolean;
}

/** `email.exchange.Task`. */
export interface ExchangeTask {
  id: number;
  function: TaskFunction;
  status: TaskStatus;
  todoDate: string;
  finishDate: string | null;
}

/** `order.Price`. `priceInUcents` may be null. */
export interface OrderPrice {
  currencyCode: string;
  value: number;
  text: string;
  priceInUcents: number | null;
}

/** `order.OrderPrices`. */
export interface OrderPrices {
  withoutTax: OrderPrice;
  withTax: OrderPrice;
  tax: OrderPrice;
}

/** `order.OrderDetail`: a line of a quote or of a placed order's answer; `quantity` is a number. */
export interface OrderOrderDetail {
  description: string;
  detailType: string | null;
  domain: string;
  quantity: number;
  unitPrice: OrderPrice;
  totalPrice: OrderPrice;
  originalTotalPrice: OrderPrice;
  reductionTotalPrice: OrderPrice;
  reductions: unknown[];
  cartItemID: number | null;
}

/** `order.Order`: a quote (orderId and url null) or a placed order. */
export interface OrderOrder {
  orderId: number | null;
  url: string | null;
  prices: OrderPrices;
  details: OrderOrderDetail[];
  contracts: unknown[];
}

/** `billing.Order`: a past order under /me/order. `date` may be null. */
export interface BillingOrder {
  orderId: number;
  date: string | null;
  expirationDate: string | null;
  url: string;
  pdfUrl: string;
  password: string;
  retractionDate: string | null;
  priceWithTax: OrderPrice;
  priceWithoutTax: OrderPrice;
  tax: OrderPrice;
}

/** `billing.OrderDetail`: a line of a past order; `quantity` is a string in the schema. */
export interface BillingOrderDetail {
  orderDetailId: number;
  description: string;
  domain: string;
  detailType: string | null;
  quantity: string | number;
  unitPrice: OrderPrice;
  totalPrice: OrderPrice;
  cancelled: boolean;
}

/** `billing.order.RegisteredPaymentMean` (and, in older answers, the mean's id). */
export interface RegisteredPaymentMean {
  paymentMean: string;
  paymentMeanId?: number;
}

/** `me.payment.PaymentMethod` (the schema's `payment.method.PaymentMethod` has the same fields). */
export interface PaymentMethod {
  paymentMethodId: number;
  paymentMeanId: number | null;
  paymentType: string;
  paymentSubType: string | null;
  default: boolean;
  status: string;
  label: string | null;
  description: string | null;
  icon: { name: string; data: string | null; url: string | null };
  integration: string | null;
  oneclick: boolean | null;
  billingContactId: number | null;
  merchantId: string | null;
  formSessionId: string | null;
  creationDate: string;
  lastUpdate: string | null;
  expirationDate: string | null;
}
