/**
 * Stopping at a safe point. Once `signal` is aborted, every further call through the wrapped API
 * throws InterruptedError before anything is sent; a call already sent runs to its answer, and the
 * step that sent it records that answer (the journal entry of an order, the password of an account)
 * before it makes its next call. So an interrupted apply leaves no step half-recorded, and the next
 * apply resumes from the journal.
 */
import { InterruptedError } from "../errors.js";
import type { ExchangeApi } from "../ports.js";

export function stoppingApi(api: ExchangeApi, signal: AbortSignal): ExchangeApi {
  return new Proxy(api, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (signal.aborted) throw interrupted();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export function interrupted(): InterruptedError {
  return new InterruptedError("interrupted: stopped before the next request to the API", {
    hint: "run the same command again: apply resumes from its journal and never orders twice",
  });
}
