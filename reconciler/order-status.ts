/**
 * An order's status (`GET /me/order/{orderId}/status`, `billing.order.OrderStatusEnum`), shared by
 * the API port and the model: its own module, below both, so that neither imports the other.
 */

/** The statuses OVHcloud's published schema lists, in its order. */
export const PUBLISHED_ORDER_STATUSES = [
  "cancelled",
  "cancelling",
  "checking",
  "delivered",
  "delivering",
  "documentsRequested",
  "notPaid",
  "unknown",
] as const;

export type PublishedOrderStatus = (typeof PUBLISHED_ORDER_STATUSES)[number];

/**
 * A status the published schema does not list (OVHcloud may add one): kept as it was sent, so that
 * it is shown rather than guessed at, and treated as neither paid nor cancelled nor delivered.
 */
export interface OtherOrderStatus {
  kind: "other";
  raw: string;
}

export type OrderStatus = PublishedOrderStatus | OtherOrderStatus;

/** The status a text names; an empty text is OVHcloud's own `unknown`. */
export function orderStatusOf(text: string): OrderStatus {
  if (text === "") return "unknown";
  return (PUBLISHED_ORDER_STATUSES as readonly string[]).includes(text)
    ? (text as PublishedOrderStatus)
    : { kind: "other", raw: text };
}

/** The status as OVHcloud wrote it. */
export function orderStatusText(status: OrderStatus): string {
  return typeof status === "string" ? status : status.raw;
}
