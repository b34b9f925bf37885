/**
 * The process's own clock and environment, as the engine's ports want them: the engine never calls
 * a timer or reads a variable itself; the edges (the CLI, the Terraform provider) hand it these.
 */
import type { Sleep } from "../../reconciler/ports.js";

/** Resolves after `ms`, or at once when `signal` is aborted (a poll must not hold a stop for 10 s). */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });

/**
 * What the crash tests ask for with `EXREC_FAILPOINT=name`: the process is killed outright
 * (SIGKILL: no cleanup, no finally blocks, exactly like a crash or an OOM kill) at that failpoint.
 * Null when the variable is unset.
 */
export function failpointKillerFrom(env: NodeJS.ProcessEnv): ((name: string) => void) | null {
  const wanted = env.EXREC_FAILPOINT;
  if (wanted === undefined || wanted === "") return null;
  return (name) => {
    if (name === wanted) process.kill(process.pid, "SIGKILL");
  };
}
