#!/usr/bin/env node
/**
 * terraform-provider-exrec: the executable Terraform starts. It serves the plugin until Terraform
 * shuts it down. Ctrl-C reaches the whole process group: the plugin ignores SIGINT and lets
 * Terraform stop it (StopProvider, then Shutdown), so that a write in flight is not cut in half.
 */
import { ExrecError } from "../../reconciler/errors.js";
import { armFailpoints } from "../../reconciler/apply/failpoint.js";
import { failpointKillerFrom } from "../system/process.js";
import { servePlugin } from "./server.js";

process.on("SIGINT", () => undefined);
armFailpoints(failpointKillerFrom(process.env));

servePlugin().then(
  (plugin) => {
    process.on("SIGTERM", () => void plugin.stop().finally(() => process.exit(0)));
  },
  (error: unknown) => {
    if (error instanceof ExrecError) {
      process.stderr.write(`${error.message}\n`);
      if (error.hint) process.stderr.write(`  ${error.hint}\n`);
    } else {
      process.stderr.write(
        `terraform-provider-exrec: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
    process.exit(1);
  },
);
