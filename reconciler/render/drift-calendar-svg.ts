/**
 * The renewal calendar as an inline SVG bar chart: per month, a bar of renewals and a bar of
 * expiries and terminations, the counts above the bars, the month and its renewal cost below.
 * Inline SVG in HTML needs no namespace declaration, so the chart holds no URL at all.
 */
import type { CalendarMonth } from "../drift/types.js";
import { amountText } from "./drift-common.js";
import { escapeHtml } from "./drift-html-escape.js";

const WIDTH = 1080;
const HEIGHT = 340;
const LEFT = 48;
const RIGHT = 12;
const TOP = 40;
const BOTTOM = 78;
const BAR = 24;

export const RENEWAL_COLOR = "#2f6fdf";
export const EXPIRY_COLOR = "#e0702a";

export function renderCalendarSvg(months: CalendarMonth[]): string {
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const baseline = TOP + plotHeight;
  const slot = plotWidth / Math.max(months.length, 1);
  const max = Math.max(1, ...months.flatMap((m) => [m.renewals, m.expiries]));
  const scale = (n: number) => (n / max) * plotHeight;
  const ticks = tickValues(max);

  const parts: string[] = [];
  parts.push(
    `<svg class="calendar" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-labelledby="calendar-title">`,
    `<title id="calendar-title">Renewals and expiries per month, next ${months.length} months</title>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
  );
  // Legend.
  parts.push(
    `<rect x="${LEFT}" y="12" width="14" height="14" fill="${RENEWAL_COLOR}"/>`,
    `<text x="${LEFT + 20}" y="24" class="legend">renewals</text>`,
    `<rect x="${LEFT + 110}" y="12" width="14" height="14" fill="${EXPIRY_COLOR}"/>`,
    `<text x="${LEFT + 130}" y="24" class="legend">expiries and terminations</text>`,
  );
  // Grid and axis.
  for (const tick of ticks) {
    const y = round(baseline - scale(tick));
    parts.push(
      `<line x1="${LEFT}" y1="${y}" x2="${WIDTH - RIGHT}" y2="${y}" stroke="#d8dde6" stroke-width="1"/>`,
      `<text x="${LEFT - 6}" y="${y + 4}" text-anchor="end" class="tick">${tick}</text>`,
    );
  }
  parts.push(
    `<line x1="${LEFT}" y1="${baseline}" x2="${WIDTH - RIGHT}" y2="${baseline}" stroke="#5a6270" stroke-width="1"/>`,
  );

  months.forEach((month, i) => {
    const center = LEFT + slot * i + slot / 2;
    const bars: [number, string, string][] = [
      [month.renewals, RENEWAL_COLOR, "renewals"],
      [month.expiries, EXPIRY_COLOR, "expiries and terminations"],
    ];
    bars.forEach(([count, color, label], j) => {
      const x = round(center - BAR - 2 + j * (BAR + 4));
      const h = round(scale(count));
      parts.push(
        `<rect x="${x}" y="${round(baseline - h)}" width="${BAR}" height="${h}" fill="${color}"><title>${month.month}: ${count} ${label}</title></rect>`,
        `<text x="${round(x + BAR / 2)}" y="${round(baseline - h - 5)}" text-anchor="middle" class="count">${count}</text>`,
      );
    });
    const amount = amountText(month.amount);
    const amountClass = month.amount.kind === "unknown" ? "amount unknown" : "amount";
    const amountTitle =
      month.amount.kind === "unknown" ? `<title>unknown: ${escapeHtml(month.amount.reason)}</title>` : "";
    parts.push(
      `<text x="${round(center)}" y="${baseline + 20}" text-anchor="middle" class="month">${month.month}</text>`,
      `<text x="${round(center)}" y="${baseline + 40}" text-anchor="middle" class="${amountClass}">${escapeHtml(amount)}${amountTitle}</text>`,
    );
  });
  parts.push(`<text x="${LEFT}" y="${HEIGHT - 8}" class="tick">renewal cost per month, excluding tax</text>`);
  parts.push("</svg>");
  return parts.join("\n");
}

/** Whole-number grid lines: at most five, evenly spaced, ending at or above the maximum. */
function tickValues(max: number): number[] {
  const step = Math.max(1, Math.ceil(max / 4));
  const ticks: number[] = [];
  for (let t = step; t <= max; t += step) ticks.push(t);
  return ticks;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
