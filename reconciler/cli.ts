#!/usr/bin/env node
/**
 * The `exrec` executable: wires this process (its arguments, environment, working folder, streams
 * and signals) into runExrec, and exits with its code once the output is flushed. Failpoints, which
 * kill the process, are armed here only: an in-process run never has them.
 *
 * A help request (`exrec --help`, `exrec plan -h`, `exrec help plan`, `--version`) is answered
 * from the table generated at build time from the same program, without loading commander or any
 * command: it prints the same bytes in a fraction of the time.
 */
import { precomputedHelp } from "./commands/fast-help.js";

/** Exits once stdout and stderr are flushed: idle keep-alive sockets must not hold the process open. */
function exitWhenFlushed(code: number): void {
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

const args = process.argv.slice(2);
const help = precomputedHelp(args, process);
if (help) {
  process[help.stream].write(help.text);
  exitWhenFlushed(help.code);
} else {
  const [{ processIo }, { runExrec }] = await Promise.all([
    import("./commands/process-io.js"),
    import("./exrec.js"),
  ]);
  // Unset (every run but the crash tests'), no failpoint is armed: nothing to load.
  if (process.env.EXREC_FAILPOINT) {
    const [{ failpointKillerFrom }, { armFailpoints }] = await Promise.all([
      import("../provider/system/process.js"),
      import("./apply/failpoint.js"),
    ]);
    armFailpoints(failpointKillerFrom(process.env));
  }
  // runExrec never rejects: it catches every error and turns it into an exit code. The process
  // ends right after it: connections left idle need no closing.
  exitWhenFlushed(await runExrec(args, processIo({ endsWithRun: true })));
}
