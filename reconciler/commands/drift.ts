import { readFile } from "node:fs/promises";
import { detectDrift, hasDrift, type DriftReport } from "../drift.js";
import { baselineIgnore, parseIgnore } from "../drift/ignore.js";
import { loadDesired } from "../load/index.js";
import { platformKey } from "../model.js";
import { renderDriftHtml } from "../render/drift-html.js";
import { renderDriftJson } from "../render/drift-json.js";
import { renderDriftMarkdown } from "../render/drift-markdown.js";
import { renderDriftText } from "../render/drift-text.js";
import { UsageError } from "../errors.js";
import { note, print, writeOutputFile } from "./output.js";
import { readLive, readPrices, selectedDesired } from "./pipeline.js";
import { checkFormat, wantsProgress } from "./plan.js";
import {
  openBackendFor,
  openSession,
  planningClock,
  resolveConfig,
  useColor,
  type GlobalOptions,
} from "./session.js";
import { validateSelection, type Selection } from "./select.js";

export interface DriftOptions extends GlobalOptions, Selection {
  format: string;
  detailedExitcode?: boolean;
  out?: string;
  ignoreFile: string;
  writeIgnore?: boolean;
}

const DRIFT_FORMATS = ["text", "markdown", "json", "html"];

function renderDrift(
  report: DriftReport,
  format: string,
  color: boolean,
  outFile: string | undefined,
): string {
  switch (format) {
    case "markdown":
      return renderDriftMarkdown(report, outFile ? { fullReportHint: outFile } : {});
    case "json":
      return renderDriftJson(report);
    case "html":
      return renderDriftHtml(report);
    default:
      return renderDriftText(report, { color });
  }
}

async function readIgnoreFile(file: string): Promise<{ text: string | null }> {
  try {
    return { text: await readFile(file, "utf8") };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { text: null };
    throw new UsageError(`cannot read the ignore file ${file}: ${(error as Error).message}`);
  }
}

/** `exrec drift FILE...`: read-only. Exit 0, or 2 with --detailed-exitcode when there is drift. */
export async function driftCommand(files: string[], options: DriftOptions): Promise<number> {
  checkFormat(options.format, DRIFT_FORMATS);
  validateSelection(options);
  if (files.length === 0) throw new UsageError("name at least one manifest file");
  const connection = resolveConfig(options);
  const desired = selectedDesired(await loadDesired(files), options);
  if (desired.platforms.length === 0)
    throw new UsageError("no declared platform matches --platform/--exclude");
  const ignoreText = await readIgnoreFile(options.ignoreFile);
  const ignore = ignoreText.text === null ? [] : parseIgnore(ignoreText.text, options.ignoreFile);
  const now = planningClock();
  const backend = await openBackendFor(options);
  const session = await openSession(connection, options);
  try {
    const live = await readLive(session.api, desired, { progress: wantsProgress(options) });
    const prices = await readPrices(session.api);
    const keys = desired.platforms.map(platformKey);
    const declared = new Set(keys);
    const history = (await backend.historyList(null)).filter((h) => declared.has(h.platform));
    const journal = await backend.journalOpenEntries(keys);
    const report = detectDrift(desired, live.actual, { now, prices, history, journal, ignore });
    if (options.writeIgnore) {
      const merged = baselineIgnore(
        report,
        ignoreText.text === null ? undefined : { text: ignoreText.text, file: options.ignoreFile },
      );
      await writeOutputFile(options.ignoreFile, merged);
      note(`Wrote ${options.ignoreFile}: today's drift is now ignored.`);
      return 0;
    }
    const color = !options.out && useColor(process.stdout);
    const text = renderDrift(report, options.format, color, options.out);
    if (options.out) {
      await writeOutputFile(options.out, text);
      note(`Drift report written to ${options.out}.`);
      if (options.format !== "text") print(renderDriftText(report, { color: useColor(process.stdout) }));
    } else {
      print(text);
    }
    return options.detailedExitcode && hasDrift(report) ? 2 : 0;
  } finally {
    await session.close();
    await backend.close();
  }
}
