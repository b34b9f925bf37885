/**
 * The plan as its JSON document holds it (`plan --format json`, plan files), against the plan in
 * memory. They differ in two fields. Each change's `destructive`, which the document writes for its
 * readers and the model derives from the action (`isDestructive`): the document is made from the
 * plan, never the other way round, and reading a document drops what it says and derives it again,
 * so a file edited to call a deletion harmless is still treated as destroying data. And the status
 * of an order already placed, which the document writes as the text OVHcloud sent.
 */
import {
  isDestructive,
  type Action,
  type Change,
  type OrderChange,
  type Plan,
  type PlacedOrder,
} from "../model.js";
import { orderStatusOf, orderStatusText } from "../order-status.js";

/** An order placed earlier, as the document writes it: its status as text. */
export type PlacedOrderDocument = Omit<PlacedOrder, "status"> & { status: string };

/** A change as the document writes it. */
export type ChangeDocument = (
  Exclude<Change, OrderChange> | (Omit<OrderChange, "placed"> & { placed?: PlacedOrderDocument[] })
) & { destructive: boolean };

/** The plan as the document writes it, with the plan file's digest when it has one. */
export type PlanDocument = Omit<Plan, "changes"> & { changes: ChangeDocument[]; digest?: string };

/**
 * The document of a plan, or of any part of one that holds its changes: only the changes are
 * copied, every other property is read as it is (a lazy one left out by the caller stays unread).
 */
export function documentOf<T extends { changes: readonly Change[] }>(
  plan: T,
): Omit<T, "changes"> & { changes: ChangeDocument[] } {
  return {
    ...plan,
    changes: plan.changes.map((change): ChangeDocument => {
      const destructive = isDestructive(change);
      if (change.action !== "order") return { ...change, destructive };
      const { placed, ...order } = change;
      if (placed === undefined) return { ...order, destructive };
      return {
        ...order,
        placed: placed.map((p) => ({ ...p, status: orderStatusText(p.status) })),
        destructive,
      };
    }),
  };
}

/**
 * A document read from outside, with each change's `destructive` replaced by the one its action
 * gives, so that the schema checks what exrec would write. Anything that is not a change as the
 * schema expects is left as it is, for the schema to refuse.
 */
export function withDerivedFlags(document: Record<string, unknown>): Record<string, unknown> {
  const changes = document.changes;
  if (!Array.isArray(changes)) return document;
  return {
    ...document,
    changes: changes.map((change: unknown) => {
      if (change === null || typeof change !== "object" || Array.isArray(change)) return change;
      const { action } = change as { action?: unknown };
      if (typeof action !== "string") return change;
      // An action the schema does not know is refused there; isDestructive only compares it.
      return { ...change, destructive: isDestructive({ action: action as Action }) };
    }),
  };
}

/** The plan a schema-valid document holds: its changes without the `destructive` they wrote. */
export function planOf(document: PlanDocument): Plan {
  const { digest: _digest, ...plan } = document;
  return {
    ...plan,
    changes: document.changes.map(({ destructive: _derived, ...change }): Change => {
      if (change.action !== "order") return change;
      const { placed, ...order } = change;
      if (placed === undefined) return order;
      return { ...order, placed: placed.map((p) => ({ ...p, status: orderStatusOf(p.status) })) };
    }),
  };
}
