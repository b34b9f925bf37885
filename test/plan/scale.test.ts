/**
 * A smoke test at the scale exrec is built for: 100,000 live accounts on two platforms. It checks
 * counts only (the speed is measured by the benchmark, not asserted here).
 */
import { describe, expect, it } from "vitest";
import type { ActualAccount, DesiredAccount, Plan } from "../../reconciler/model.js";
import { plan } from "../../reconciler/plan.js";
import {
  absent,
  actualOf,
  blankAccount,
  desiredOf,
  hostedPlatform,
  liveAccount,
  liveHosted,
  livePrivate,
  livePrivateAccount,
  NOW,
  present,
  privatePlatform,
  samplePrices,
} from "../support/builders.js";

const address = (prefix: string, i: number): string => `${prefix}${i}@acme.example`;

function countBy(result: Plan): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const change of result.changes) counts[change.action] = (counts[change.action] ?? 0) + 1;
  return counts;
}

describe("plan at scale", () => {
  it("H1, H3, H4, P2, P3: plans 100,000 live accounts, reusing every blank, in one order per licence and duration", () => {
    // Hosted: 60,000 live = 40,000 kept, 10,000 renewed (H3), 5,000 declared absent (H4),
    // 3,000 undeclared and pruned (H4), 2,000 blanks; 6,000 declared and missing: 2,000 reuse
    // the blanks, 4,000 are ordered (H1) in one order.
    const hostedLive: ActualAccount[] = [];
    const hostedDeclared: DesiredAccount[] = [];
    for (let i = 0; i < 40_000; i++) {
      hostedLive.push(liveAccount(address("keep", i)));
      hostedDeclared.push(present(address("keep", i), { license: "standard", renewal: "yearly" }));
    }
    for (let i = 0; i < 10_000; i++) {
      hostedLive.push(liveAccount(address("renew", i), { renewal: "monthly" }));
      hostedDeclared.push(present(address("renew", i), { renewal: "yearly" }));
    }
    for (let i = 0; i < 5_000; i++) {
      hostedLive.push(liveAccount(address("gone", i)));
      hostedDeclared.push(absent(address("gone", i)));
    }
    for (let i = 0; i < 3_000; i++) hostedLive.push(liveAccount(address("stray", i)));
    for (let i = 0; i < 2_000; i++) hostedLive.push(blankAccount(`blank${i}`));
    for (let i = 0; i < 6_000; i++)
      hostedDeclared.push(present(address("new", i), { license: "standard", renewal: "yearly" }));

    // Private: 40,000 live = 39,000 kept, 1,000 deleted (P3); 500 added (P2).
    const privateLive: ActualAccount[] = [];
    const privateDeclared: DesiredAccount[] = [];
    for (let i = 0; i < 39_000; i++) {
      privateLive.push(livePrivateAccount(address("p", i), { license: "basic" }));
      privateDeclared.push(present(address("p", i), { license: "basic" }));
    }
    for (let i = 0; i < 1_000; i++) {
      privateLive.push(livePrivateAccount(address("pgone", i)));
      privateDeclared.push(absent(address("pgone", i)));
    }
    for (let i = 0; i < 500; i++)
      privateDeclared.push(present(address("pnew", i), { license: "enterprise" }));

    expect(hostedLive.length + privateLive.length).toBe(100_000);
    const result = plan(
      desiredOf(
        hostedPlatform({ prune: true, accounts: hostedDeclared }),
        privatePlatform({ accounts: privateDeclared }),
      ),
      actualOf(liveHosted(hostedLive), livePrivate(privateLive)),
      { now: NOW, prices: samplePrices(), quotes: new Map() },
    );

    expect(countBy(result)).toEqual({
      renew: 10_000,
      configure: 2_000,
      add: 500,
      order: 1,
      terminate: 8_000,
      delete: 1_000,
    });
    const order = result.changes.find((c) => c.action === "order");
    expect(order?.action === "order" && order.quantity).toBe(4_000);
    expect(result.waiting).toHaveLength(0);
    expect(result.unmanaged).toHaveLength(0);
    expect(result.totals.unknownCosts).toBe(1); // the order, without its quote
  });
});
