/** How a run reads manifests; its own module, so that `validate` loads nothing of plan's. */
import type { ReadOptions } from "../load/index.js";
import { maxManifestBytes } from "../load/read.js";
import { runFiles } from "./files.js";
import type { CliIo } from "./io.js";

/** Relative paths from the run's working folder; the size limit from EXREC_MAX_MANIFEST_BYTES. */
export function manifestReading(io: CliIo): Required<ReadOptions> {
  return { ...runFiles(io), maxBytes: maxManifestBytes(io.env) };
}
