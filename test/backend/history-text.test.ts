/** `exrec history` as text. */
import { expect, test } from "vitest";
import { toAddress } from "../../reconciler/model.js";
import type { HistoryEntry } from "../../reconciler/ports.js";
import { renderHistoryText } from "../../reconciler/render/history-text.js";

const base: HistoryEntry = {
  at: "2026-03-01T10:00:00.000Z",
  who: "alice",
  commit: "0123456789abcdef0123",
  platform: "hosted-ab1/hosted-ab1",
  changeId: "c1",
  action: "renew",
  addresses: [toAddress("alice@acme.example")],
  result: "done",
  message: null,
  orderId: null,
  amount: null,
};

test("an empty history says so", () => {
  expect(renderHistoryText([])).toBe("No history.\n");
});

test("each entry is a row: time in its own offset, short commit, order id and amount, and - where nothing is known", () => {
  const text = renderHistoryText([
    base,
    {
      ...base,
      at: "2026-03-02T09:15:30.123+01:00",
      who: null,
      commit: null,
      changeId: "c2",
      action: "order",
      addresses: [],
      orderId: 123456789,
      amount: { ucents: 10_788_000_000, currency: "EUR" },
    },
    { ...base, changeId: "c3", action: "delete", result: "failed", message: "the API refused: account busy" },
  ]);
  expect(text).toBe(
    [
      "time                       who    commit   platform               action  address             result      order      amount",
      "2026-03-01 10:00:00Z       alice  0123456  hosted-ab1/hosted-ab1  renew   alice@acme.example  done            -           -",
      "2026-03-02 09:15:30+01:00  -      -        hosted-ab1/hosted-ab1  order   -                   done    123456789  107.88 EUR",
      "2026-03-01 10:00:00Z       alice  0123456  hosted-ab1/hosted-ab1  delete  alice@acme.example  failed          -           -",
      "  failed: the API refused: account busy",
      "",
    ].join("\n"),
  );
});
