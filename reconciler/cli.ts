#!/usr/bin/env node
/**
 * The `exrec` executable: wires this process (its arguments, environment, working folder, streams
 * and signals) into runExrec, and exits with its code once the output is flushed. Failpoints, which
 * kill the process, are armed here only: an in-process run never has them.
 */
import { failpointKillerFrom } from "../provider/system/process.js";
import { armFailpoints } from "./apply/failpoint.js";
import { processIo } from "./commands/process-io.js";
import { runExrec } from "./exrec.js";

armFailpoints(failpointKillerFrom(process.env));
// Exit once stdout and stderr are flushed: idle keep-alive sockets must not hold the process open.
// runExrec never rejects: it catches every error and turns it into an exit code.
void runExrec(process.argv.slice(2), processIo()).then((code) => {
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
});
