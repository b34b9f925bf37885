/**
 * Where the lock, the journal of operations in flight and the history live. `openBackend` reads
 * the `--backend` / `EXREC_BACKEND` value: nothing means the local `.exrec` folder; a
 * `postgres://` or `postgresql://` URL means PostgreSQL. See docs/BACKENDS.md.
 */
import type { Backend } from "../../reconciler/ports.js";
import type { BackendOptions } from "./common.js";
import { BackendError, maskSecrets } from "./errors.js";
import { openLocalBackend } from "./local.js";

export interface OpenBackendOptions extends BackendOptions {
  /** The `.exrec` folder: the home of the local backend (created if missing). */
  dir: string;
}

export async function openBackend(spec: string | undefined, options: OpenBackendOptions): Promise<Backend> {
  const value = spec?.trim() ?? "";
  if (value === "") return openLocalBackend(options.dir, options);
  if (/^postgres(ql)?:\/\//i.test(value)) {
    // The PostgreSQL client (about 70 ms of CPU to load) only for a postgres:// backend.
    const { openPostgresBackend } = await import("./postgres.js");
    return openPostgresBackend(value, options);
  }
  throw new BackendError(`unsupported backend ${JSON.stringify(maskSecrets(value))}`, {
    hint: "give a postgres:// or postgresql:// URL in --backend or EXREC_BACKEND, or leave both unset for the local .exrec folder",
  });
}

export type { BackendOptions } from "./common.js";
export {
  BackendError,
  BackendSchemaError,
  JournalError,
  LockHeldError,
  OrderingTurnTimeoutError,
  maskSecrets,
} from "./errors.js";
export { DEFAULT_ORDERING_WAIT_MS, hostOrderingTurns } from "./ordering-turns.js";
export type { LockHolderKind } from "./errors.js";
export { LocalBackend, openLocalBackend } from "./local.js";
export { lockFileName, lockFilePath } from "./local-lock.js";
// PostgresBackend is imported from ./postgres.js itself: re-exported here, it would load the
// PostgreSQL client into every command. The schema's module loads no client.
export { SCHEMA_VERSION } from "./pg-schema.js";
