import { renderHistoryJson } from "../render/history-json.js";
import { renderHistoryText } from "../render/history-text.js";
import { UsageError } from "../errors.js";
import { print, type CliIo } from "./io.js";
import { openBackendFor, type GlobalOptions } from "./session.js";

export interface HistoryOptions extends GlobalOptions {
  since?: string;
  format: string;
}

/** `exrec history`: what every apply did, from the backend. */
export async function historyCommand(io: CliIo, options: HistoryOptions): Promise<number> {
  if (options.format !== "text" && options.format !== "json") {
    throw new UsageError(`--format takes text or json, not ${JSON.stringify(options.format)}`);
  }
  let since: string | null = null;
  if (options.since) {
    const date = new Date(options.since);
    if (Number.isNaN(date.getTime()))
      throw new UsageError(`--since takes a date (YYYY-MM-DD or ISO), not ${JSON.stringify(options.since)}`);
    since = date.toISOString();
  }
  const backend = await openBackendFor(io, options);
  try {
    const entries = await backend.historyList(since);
    print(io, options.format === "json" ? renderHistoryJson(entries) : renderHistoryText(entries));
    return 0;
  } finally {
    await backend.close();
  }
}
