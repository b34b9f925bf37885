/**
 * Paying an order, as OVHcloud's Terraform provider does it (`ovh/order.go`): the account's default
 * payment method (`GET /me/payment/method?default=true`), then `POST /me/order/{id}/pay`; the
 * fidelity account only for an order that costs nothing. `availableRegisteredPaymentMean` is not
 * used: it answers no id, and paying by bank account, card or PayPal needs one.
 *
 * With no default payment method, the order stays unpaid and apply stops with a NoPaymentMethodError
 * naming it and its URL; the journal keeps it, so that the next run pays that same order.
 */
import { ExrecError } from "../errors.js";
import { moneyOfPrice } from "../prices.js";
import type { ApplyContext } from "./context.js";

export class NoPaymentMethodError extends ExrecError {
  readonly code = "EXREC_NO_PAYMENT_METHOD";
  constructor(
    readonly orderId: number,
    readonly url: string | null,
    detail: string,
  ) {
    super(`order ${orderId} was placed but not paid: ${detail}${url ? `; it can be paid at ${url}` : ""}`, {
      hint: "add a default payment method in OVHcloud's control panel (or pay the order there), then run apply again: it pays or continues that same order, it does not order again",
    });
  }
}

/** What one run learnt of the account's default payment method: asked once, shared by every order. */
const defaultMethods = new WeakMap<ApplyContext, Promise<number[]>>();

function defaultPaymentMethods(ctx: ApplyContext): Promise<number[]> {
  let asked = defaultMethods.get(ctx);
  if (!asked) {
    asked = ctx.api.defaultPaymentMethods();
    // A failed look-up is not remembered: the next order asks again.
    asked.catch(() => defaultMethods.delete(ctx));
    defaultMethods.set(ctx, asked);
  }
  return asked;
}

/**
 * True when this run already found that the account has no default payment method: a further
 * order would only be left unpaid beside the first, so none is placed.
 */
export async function knownToHaveNoPaymentMethod(ctx: ApplyContext): Promise<boolean> {
  const asked = defaultMethods.get(ctx);
  if (!asked) return false;
  try {
    return (await asked).length === 0;
  } catch {
    return false;
  }
}

/**
 * Pays an unpaid order. `url` is the order's payment page when known (it is read from the order
 * otherwise). Returns how it was paid, for the progress line; throws NoPaymentMethodError when it
 * cannot be paid.
 */
export async function payOrder(ctx: ApplyContext, orderId: number, url: string | null): Promise<string> {
  const methods = await defaultPaymentMethods(ctx);
  const method = methods[0];
  if (method !== undefined) {
    await ctx.api.payOrder(orderId, method);
    return `the default payment method (${method})`;
  }
  const order = await ctx.api.getOrder(orderId);
  const price = moneyOfPrice(order.priceWithoutTax);
  const pageUrl = url ?? order.url;
  if (price !== null && price.ucents === 0) {
    await ctx.api.payWithFidelityAccount(orderId);
    return "the fidelity account (the order costs 0)";
  }
  throw new NoPaymentMethodError(
    orderId,
    pageUrl,
    price === null
      ? "the OVHcloud account has no default payment method, and the order's price is unknown"
      : "the OVHcloud account has no default payment method",
  );
}
