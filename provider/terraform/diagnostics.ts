/**
 * Diagnostics, the protocol's way to report problems and warnings: every error the provider meets
 * becomes one (with its hint as the detail), and every billable change one warning.
 */
import { ExrecError, PlanRefusedError } from "../../reconciler/errors.js";
import { ResourceConfigError } from "./errors.js";

export interface Diagnostic {
  severity: "ERROR" | "WARNING";
  summary: string;
  detail: string;
  attribute?: { steps: { attribute_name: string }[] };
}

export function warning(summary: string, detail = ""): Diagnostic {
  return { severity: "WARNING", summary, detail };
}

export function error(summary: string, detail = "", attribute?: string | null): Diagnostic {
  const d: Diagnostic = { severity: "ERROR", summary, detail };
  if (attribute) d.attribute = { steps: [{ attribute_name: attribute }] };
  return d;
}

/** Any thrown value as error diagnostics; an unexpected one says it is a bug. */
export function fromError(thrown: unknown): Diagnostic[] {
  if (thrown instanceof PlanRefusedError) {
    return thrown.problems.map((p) =>
      error(
        `exrec refuses this plan${p.rule ? ` (${p.rule})` : ""}`,
        `${p.platform}${p.address ? ` ${p.address}` : ""}: ${p.message}${thrown.hint ? `\n${thrown.hint}` : ""}`,
      ),
    );
  }
  if (thrown instanceof ResourceConfigError) {
    return [error(thrown.message, thrown.hint ?? "", thrown.attribute)];
  }
  if (thrown instanceof ExrecError) {
    return [error(thrown.message, `${thrown.hint ?? ""}${thrown.hint ? "\n" : ""}(${thrown.code})`)];
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return [
    error(
      `exrec: ${message}`,
      "This is a bug in terraform-provider-exrec; please report it with this message.",
    ),
  ];
}

export function hasError(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "ERROR");
}
