/**
 * Renders the HTML drift report in a real browser (Debian's `chromium`, headless) and checks that
 * the screenshot is a page, not a blank: several distinct colours, including the chart's bars.
 * Skipped, saying why, where chromium is not installed.
 */
import { execFile } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { EXPIRY_COLOR, RENEWAL_COLOR } from "../../reconciler/render/drift-calendar-svg.js";
import { renderDriftHtml } from "../../reconciler/render/drift-html.js";
import { richReport } from "./fixtures.js";
import { colourCounts, decodePng } from "./png.js";

function onPath(program: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

const chromium = onPath("chromium");
const why =
  "chromium is not on PATH (Debian: apt-get install -y chromium); the HTML report's screenshot test needs it";

function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** Pixels whose colour is within `tolerance` of `hex` on every channel (browsers may round colours by a step or two). */
function pixelsNear(counts: Map<string, number>, hex: string, tolerance = 4): number {
  const [r, g, b] = hexToRgb(hex);
  let total = 0;
  for (const [key, n] of counts) {
    const [kr, kg, kb] = key.split(",").map(Number) as [number, number, number];
    if (Math.abs(kr - r) <= tolerance && Math.abs(kg - g) <= tolerance && Math.abs(kb - b) <= tolerance)
      total += n;
  }
  return total;
}

describe("HTML drift report in a browser", () => {
  const dir = mkdtempSync(join(tmpdir(), "exrec-drift-shot-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  if (!chromium) it.skip(`screenshot: skipped because ${why}`, () => {});

  it.skipIf(!chromium)(
    "renders to a screenshot that is not blank and shows the calendar's bars",
    async () => {
      const html = join(dir, "drift.html");
      const shot = join(dir, "shot.png");
      // The items table is dropped so that the chart is within the first screen.
      const report = { ...richReport(), items: [] };
      writeFileSync(html, renderDriftHtml(report));
      await new Promise<void>((resolve, reject) => {
        execFile(
          chromium!,
          [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            `--user-data-dir=${join(dir, "profile")}`,
            `--screenshot=${shot}`,
            "--window-size=1200,1600",
            pathToFileURL(html).href,
          ],
          { timeout: 60_000 },
          (error, _stdout, stderr) =>
            error ? reject(new Error(`chromium failed: ${error.message}\n${stderr}`)) : resolve(),
        );
      });

      const png = decodePng(readFileSync(shot));
      expect([png.width, png.height]).toEqual([1200, 1600]);
      const counts = colourCounts(png);
      expect(counts.size).toBeGreaterThan(8);
      const commonest = Math.max(...counts.values());
      expect(commonest / (png.width * png.height)).toBeLessThan(0.95);
      expect(pixelsNear(counts, RENEWAL_COLOR)).toBeGreaterThan(500);
      expect(pixelsNear(counts, EXPIRY_COLOR)).toBeGreaterThan(100);
    },
    90_000,
  );
});
