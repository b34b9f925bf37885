/**
 * `--platform ORG/SVC` and `--exclude ORG/SVC` (repeatable, `*` and `?` globs), so that CI can
 * shard a large estate across jobs.
 */
import { platformKey, type PlatformRef } from "../model.js";
import { UsageError } from "../errors.js";

/** As commander parses them: `--platform` (include) and `--exclude`, each repeatable. */
export interface Selection {
  platform: string[];
  exclude: string[];
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "i");
}

export function validateSelection(selection: Selection): void {
  for (const pattern of [...selection.platform, ...selection.exclude]) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(pattern)) {
      throw new UsageError(
        `--platform/--exclude take ORG/SVC (globs allowed), not ${JSON.stringify(pattern)}`,
      );
    }
  }
}

export function selects(selection: Selection, ref: PlatformRef): boolean {
  const key = platformKey(ref);
  const included =
    selection.platform.length === 0 || selection.platform.some((p) => globToRegExp(p).test(key));
  return included && !selection.exclude.some((p) => globToRegExp(p).test(key));
}

/** Could any platform of this organisation be selected? Saves listing the services of the others. */
export function mayHoldSelected(selection: Selection, organization: string): boolean {
  return (
    selection.platform.length === 0 ||
    selection.platform.some((p) => globToRegExp(organizationPart(p)).test(organization))
  );
}

/** The organisation a platform pattern `org/svc` names (all of it when it has no slash). */
function organizationPart(pattern: string): string {
  const slash = pattern.indexOf("/");
  return slash < 0 ? pattern : pattern.slice(0, slash);
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
