/**
 * The CliIo of this very process: its environment, working folder, streams and signals. Used by
 * the executables only (the `exrec` bin, the Terraform provider), which own their process; every
 * other caller builds its own CliIo.
 */
import { homedir } from "node:os";
import type { CliIo, StopSignal } from "./io.js";

export function processIo(options: { endsWithRun?: boolean } = {}): CliIo {
  return {
    processEndsWithRun: options.endsWithRun ?? false,
    env: process.env,
    cwd: process.cwd(),
    home: homedir(),
    args: process.argv.slice(2),
    // A getter: Node.js opens stdin on first use, and only a prompt needs it.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    onStopSignal(handler) {
      const listener = (signal: StopSignal) => handler(signal);
      process.on("SIGINT", listener);
      process.on("SIGTERM", listener);
      return () => {
        process.off("SIGINT", listener);
        process.off("SIGTERM", listener);
      };
    },
    exitNow(code) {
      process.exit(code);
    },
  };
}
