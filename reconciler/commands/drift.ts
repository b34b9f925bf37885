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
import { note, pathIn, print, useColor, type CliIo } from "./io.js";
import { writeOutputFile } from "./output.js";
import { readLive, readPrices, selectedDesired } from "./pipeline.js";
import { manifestReading } from "./manifests.js";
import { checkFormat, subsidiaryOf, wantsProgress } from "./plan.js";
import { openBackendFor, openSession, planningClock, resolveConfig, type GlobalOptions } from "./session.js";
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

async function readIgnoreFile(io: CliIo, file: string): Promise<{ text: string | null }> {
  try {
    return { text: await readFile(pathIn(io, file), "utf8") };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { text: null };
    throw new UsageError(`cannot read the ignore file ${file}: ${(error as Error).message}`);
  }
}

/** `exrec drift FILE...`: read-only. Exit 0, or 2 with --detailed-exitcode when there is drift. */
export async function driftCommand(io: CliIo, files: string[], options: DriftOptions): Promise<number> {
  checkFormat(options.format, DRIFT_FORMATS);
  validateSelection(options);
  if (files.length === 0) throw new UsageError("name at least one manifest file");
  const connection = resolveConfig(io, options);
  const desired = selectedDesired(await loadDesired(files, manifestReading(io)), options);
  if (desired.platforms.length === 0)
    throw new UsageError("no declared platform matches --platform/--exclude");
  const ignoreText = await readIgnoreFile(io, options.ignoreFile);
  const ignore = ignoreText.text === null ? [] : parseIgnore(ignoreText.text, options.ignoreFile);
  const now = planningClock(io);
  const backend = await openBackendFor(io, options);
  const session = await openSession(io, connection, options);
  // The catalog (for the renewal calendar) depends on nothing the refresh reads: it is read while
  // the platforms are, not after them. A failed refresh is still the error reported; both reads
  // have settled before the session closes, and neither rejects unhandled.
  const reading = readLive(session.api, desired, {
    progress: wantsProgress(io, options),
    stream: io.stderr,
  });
  const pricing = readPrices(session.api, subsidiaryOf(io));
  pricing.catch(() => undefined);
  try {
    const live = await reading;
    const prices = await pricing;
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
      await writeOutputFile(pathIn(io, options.ignoreFile), merged);
      note(io, `Wrote ${options.ignoreFile}: today's drift is now ignored.`);
      return 0;
    }
    const color = !options.out && useColor(io, io.stdout);
    const text = renderDrift(report, options.format, color, options.out);
    if (options.out) {
      await writeOutputFile(pathIn(io, options.out), text);
      note(io, `Drift report written to ${options.out}.`);
      if (options.format !== "text") print(io, renderDriftText(report, { color: useColor(io, io.stdout) }));
    } else {
      print(io, text);
    }
    return options.detailedExitcode && hasDrift(report) ? 2 : 0;
  } finally {
    await Promise.allSettled([reading, pricing]);
    await session.close();
    await backend.close();
  }
}
