/**
 * Progress on stderr for long refreshes and applies: done/total, rate, ETA. Shown on a terminal,
 * silent in CI unless `--progress` asks for it. One line, rewritten in place on a terminal.
 */
import type { CliOutput } from "./io.js";

export class Progress {
  private readonly started = Date.now();
  private lastPrint = 0;
  private readonly totals = new Map<string, { done: number; total: number }>();

  /** `stream`: where progress is shown; none, no progress. */
  constructor(
    private readonly stream: CliOutput | undefined,
    private readonly label: string,
  ) {}

  update(key: string, done: number, total: number): void {
    if (!this.stream) return;
    this.totals.set(key, { done, total });
    const now = Date.now();
    if (now - this.lastPrint < 250 && done < total) return;
    this.lastPrint = now;
    let sumDone = 0;
    let sumTotal = 0;
    for (const t of this.totals.values()) {
      sumDone += t.done;
      sumTotal += t.total;
    }
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? sumDone / seconds : 0;
    const eta = rate > 0 ? Math.ceil((sumTotal - sumDone) / rate) : null;
    const line = `${this.label}: ${sumDone}/${sumTotal} accounts, ${rate.toFixed(0)}/s${eta !== null ? `, ETA ${eta} s` : ""}`;
    if (this.stream.isTTY) this.stream.write(`\r\x1b[2K${line}`);
    else this.stream.write(`${line}\n`);
  }

  done(): void {
    if (this.stream?.isTTY && this.totals.size > 0) this.stream.write("\n");
  }
}
