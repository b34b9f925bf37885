/**
 * The help texts of the command line, answered without loading commander (which alone costs more
 * than a bare Node.js start): the bin looks its arguments up here first. The table is generated at
 * build time by running each help request through the real program (generate-help.ts), so the
 * bytes are commander's own; any other request, and any width commander would lay out
 * differently, is left to commander.
 */
import { HELP_ANSWERS, HELP_TEXTS, HELP_WIDTH } from "./gen/help.js";

/** What the bin needs to know of a stream: commander's width is the terminal's, or 80 off one. */
export interface HelpStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface PrecomputedHelp {
  stream: "stdout" | "stderr";
  text: string;
  code: number;
}

/**
 * The help this exact request prints, as commander would print it on these streams, or null
 * when commander must answer (not a help request, or a terminal of another width).
 */
export function precomputedHelp(
  args: readonly string[],
  streams: { stdout: HelpStream; stderr: HelpStream },
): PrecomputedHelp | null {
  const key = JSON.stringify(args);
  if (!Object.hasOwn(HELP_ANSWERS, key)) return null;
  const answer = HELP_ANSWERS[key]!;
  const stream = streams[answer.stream];
  // The width commander would use (reconciler/exrec.ts): the terminal's, 80 when it gives none.
  if (stream.isTTY && (!answer.sameOnTerminal || (stream.columns ?? HELP_WIDTH) !== HELP_WIDTH)) return null;
  return { stream: answer.stream, text: HELP_TEXTS[answer.text]!, code: answer.code };
}
