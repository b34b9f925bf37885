/**
 * Indexing that a test can rely on: the item is there, or the test fails saying which one was
 * missing, rather than going on with `undefined`.
 */

/** The item at `index` (negative counts from the end). */
export function itemAt<T>(items: readonly T[], index: number, what = "item"): T {
  const item = items.at(index);
  if (item === undefined) throw new Error(`expected a ${what} at index ${index}; there are ${items.length}`);
  return item;
}

/** The first item. */
export function first<T>(items: readonly T[], what = "item"): T {
  return itemAt(items, 0, what);
}
