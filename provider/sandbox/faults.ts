/**
 * Injected faults: each matches requests by method and path (below `/1.0`) and fires a number of
 * times. The first matching fault with shots left applies; one fault per request.
 */
import { SandboxControlError } from "./errors.js";
import type { FaultSpec } from "./types.js";

const KINDS: readonly FaultSpec["kind"][] = [
  "429",
  "500",
  "drop",
  "slow",
  "hold",
  "effect-then-500",
  "task-error",
  "never-deliver",
];

interface ArmedFault {
  spec: FaultSpec;
  left: number;
}

export class FaultBook {
  private armed: ArmedFault[] = [];

  add(spec: FaultSpec): void {
    if (!KINDS.includes(spec.kind)) {
      throw new SandboxControlError(`unknown fault kind ${JSON.stringify(spec.kind)}`, 400, {
        hint: `one of ${KINDS.join(", ")}`,
      });
    }
    const times = spec.times ?? Number.POSITIVE_INFINITY;
    if (!(times > 0)) throw new SandboxControlError(`a fault must fire at least once (times: ${spec.times})`);
    this.armed.push({ spec: { ...spec }, left: times });
  }

  clear(): void {
    this.armed = [];
  }

  /** The fault for this request, if any, spending one of its shots; `inFlight` counts this one. */
  take(method: string, path: string, inFlight = 1): FaultSpec | null {
    const index = this.armed.findIndex(
      (fault) =>
        matches(fault.spec, method, path) &&
        (fault.spec.inFlightAbove === undefined || inFlight > fault.spec.inFlightAbove),
    );
    const fault = this.armed[index];
    if (fault === undefined) return null;
    fault.left -= 1;
    if (fault.left <= 0) this.armed.splice(index, 1);
    return fault.spec;
  }
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method !== undefined && spec.method.toUpperCase() !== method) return false;
  if (spec.path === undefined) return true;
  if (typeof spec.path === "string") return path.includes(spec.path);
  spec.path.lastIndex = 0;
  return spec.path.test(path);
}
