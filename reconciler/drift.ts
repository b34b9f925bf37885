/**
 * Drift detection: where the live state has moved away from the manifest, read-only and pure.
 *
 * `detectDrift` classifies every account of every declared platform that was read
 * (reconciler/drift/classify.ts), drops what `.exrecignore` silences (reconciler/drift/ignore.ts),
 * and adds the renewal calendar (reconciler/drift/calendar.ts). `hasDrift` is the one answer to
 * "is there drift?" that exit codes and renderers use.
 */
import { platformKey, type Actual, type ActualPlatform, type Desired, type PriceBook } from "./model.js";
import type { HistoryEntry, JournalEntry } from "./ports.js";
import { renewalCalendar } from "./drift/calendar.js";
import { classifyPlatform } from "./drift/classify.js";
import type { DriftCounts, DriftItem, DriftKind, DriftPlatformSummary, DriftReport } from "./drift/types.js";
import { applyIgnore, type IgnoreRule } from "./drift/ignore.js";

export * from "./drift/types.js";

export interface DriftContext {
  now: Date;
  prices: PriceBook;
  history: HistoryEntry[];
  journal: JournalEntry[];
  ignore: IgnoreRule[];
}

const KIND_ORDER: readonly DriftKind[] = ["changed", "missing", "unmanaged", "pending"];

export function detectDrift(desired: Desired, actual: Actual, ctx: DriftContext): DriftReport {
  const liveByKey = new Map(actual.platforms.map((p) => [platformKey(p), p]));
  const warnings: string[] = [];
  const compared: { summary: Omit<DriftPlatformSummary, "counts">; items: DriftItem[] }[] = [];
  const comparedLive: ActualPlatform[] = [];

  for (const platform of desired.platforms) {
    const key = platformKey(platform);
    const live = liveByKey.get(key);
    if (!live) {
      warnings.push(`${key} is declared but was not read from the API: it was not compared`);
      continue;
    }
    if (live.offer !== platform.offer) {
      warnings.push(
        `${key} is declared ${platform.offer} but is ${live.offer} (API offer ${live.apiOffer}): compared by the ${live.offer} rules; fix the manifest`,
      );
    }
    comparedLive.push(live);
    compared.push({
      summary: {
        organization: platform.organization,
        service: platform.service,
        offer: live.offer,
        prune: platform.prune,
      },
      items: classifyPlatform(platform, live, ctx),
    });
  }

  const all = compared.flatMap((c) => c.items);
  const { kept, ignored } = applyIgnore(all, ctx.ignore);
  const items = [...kept].sort(compareItems);
  const calendar = renewalCalendar(comparedLive, ctx.now, ctx.prices);

  return {
    format_version: "1",
    created_at: ctx.now.toISOString(),
    manifest_digest: desired.digest,
    platforms: compared.map(({ summary }) => ({
      ...summary,
      counts: countItems(items, platformKey(summary)),
    })),
    items,
    ignored,
    calendar: calendar.months,
    calendar_undated: calendar.undated,
    warnings,
  };
}

function countItems(items: DriftItem[], platform: string): DriftCounts {
  const counts: DriftCounts = { changed: 0, missing: 0, unmanaged: 0, pending: 0 };
  for (const item of items) if (item.platform === platform) counts[item.kind] += 1;
  return counts;
}

/** Code-unit order, not the locale's: the same report on every machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareItems(a: DriftItem, b: DriftItem): number {
  return (
    compareText(a.platform, b.platform) ||
    compareText(a.address, b.address) ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    compareText(fieldOf(a), fieldOf(b))
  );
}

function fieldOf(item: DriftItem): string {
  return item.kind === "changed" || item.kind === "pending" ? (item.field ?? "") : "";
}
