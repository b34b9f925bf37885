/**
 * `.exrecignore`: rules that silence known, accepted drift, so that `exrec drift` stays quiet
 * about it and loud about everything else.
 *
 *     # comment
 *     *@legacy.example                    every item about these addresses
 *     ceo@acme.example displayName        one field of one account
 *     acme/hosted-1:*@acme.example unmanaged   one kind, on one platform only
 *
 * A rule is an address glob (`*` any run of characters, `?` one character, case-insensitive,
 * matched against the whole address), optionally prefixed by `organization/service:` and
 * optionally followed by one field or kind.
 */
import { IgnoreFileError } from "../errors.js";
import { DRIFT_FIELDS, driftItems, type DriftField, type DriftItem, type DriftReport } from "./types.js";

/** What a rule may name after the glob: a managed field, or a whole kind of item. */
export type IgnoreTarget = DriftField | "unmanaged" | "missing";

export const IGNORE_TARGETS: readonly IgnoreTarget[] = [...DRIFT_FIELDS, "unmanaged", "missing"];

export interface IgnoreRule {
  /** `organization/service`, or null for every platform. */
  platform: string | null;
  /** The address glob as written. */
  pattern: string;
  /** null: every item about the matching addresses. */
  target: IgnoreTarget | null;
  source: { file: string; line: number };
}

const PLATFORM_SCOPE = /^([^/:\s]+)\/([^/:\s]+):(.*)$/;

/** Parse a `.exrecignore` text. Throws one IgnoreFileError listing every bad line. */
export function parseIgnore(text: string, file: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  const problems: { line: number; message: string }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const parsed = parseLine(raw);
    if (parsed === null) return;
    if ("problem" in parsed) problems.push({ line, message: parsed.problem });
    else rules.push({ ...parsed, source: { file, line } });
  });
  if (problems.length > 0) throw new IgnoreFileError(file, problems);
  return rules;
}

type ParsedLine = Omit<IgnoreRule, "source"> | { problem: string } | null;

function parseLine(raw: string): ParsedLine {
  // A `#` starts a comment at the start of a line or after whitespace; inside an address it is a character.
  const text = raw.replace(/(^|\s)#.*$/, "").trim();
  if (text === "") return null;
  const words = text.split(/\s+/);
  if (words.length > 2) {
    return {
      problem: `expected an address glob and at most one field, found ${words.length} words: ${JSON.stringify(text)}`,
    };
  }
  const [scoped, targetWord] = words as [string, string | undefined];
  let platform: string | null = null;
  let pattern = scoped;
  if (scoped.includes(":")) {
    const match = PLATFORM_SCOPE.exec(scoped);
    const [, organization, service, glob] = match ?? [];
    if (organization === undefined || service === undefined || glob === undefined) {
      return {
        problem: `bad platform scope in ${JSON.stringify(scoped)}: write organization/service:address-glob`,
      };
    }
    platform = `${organization}/${service}`;
    pattern = glob;
    if (pattern === "")
      return { problem: `no address glob after the platform scope ${JSON.stringify(`${platform}:`)}` };
  }
  let target: IgnoreTarget | null = null;
  if (targetWord !== undefined) {
    const found = IGNORE_TARGETS.find((t) => t.toLowerCase() === targetWord.toLowerCase());
    if (!found) {
      return {
        problem: `unknown field ${JSON.stringify(targetWord)}: expected one of ${IGNORE_TARGETS.join(", ")}`,
      };
    }
    target = found;
  }
  return { platform, pattern, target };
}

const globCache = new Map<string, RegExp>();

/** Whole-address, case-insensitive glob: `*` any run of characters, `?` exactly one. */
export function globMatches(pattern: string, address: string): boolean {
  let regex = globCache.get(pattern);
  if (!regex) {
    const body = [...pattern]
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/-]/g, "\\$&")))
      .join("");
    regex = new RegExp(`^${body}$`, "is");
    globCache.set(pattern, regex);
  }
  return regex.test(address);
}

/** The field or kind an item is about, as rules name it (null: no single field). */
export function itemTarget(item: DriftItem): IgnoreTarget | null {
  switch (item.kind) {
    case "changed":
      return item.field;
    case "missing":
      return "missing";
    case "unmanaged":
      return "unmanaged";
    case "pending":
      return item.field;
  }
}

export function ruleMatches(rule: IgnoreRule, item: DriftItem): boolean {
  if (rule.platform !== null && rule.platform.toLowerCase() !== item.platform.toLowerCase()) return false;
  if (!globMatches(rule.pattern, item.address)) return false;
  return rule.target === null || rule.target === itemTarget(item);
}

/** Split items into those no rule matches and the number that some rule silences. */
export function applyIgnore(items: DriftItem[], rules: IgnoreRule[]): { kept: DriftItem[]; ignored: number } {
  const kept = items.filter((item) => !rules.some((rule) => ruleMatches(rule, item)));
  return { kept, ignored: items.length - kept.length };
}

/** A rule as a line of `.exrecignore`. */
export function formatRule(rule: Pick<IgnoreRule, "platform" | "pattern" | "target">): string {
  const scoped = rule.platform === null ? rule.pattern : `${rule.platform}:${rule.pattern}`;
  return rule.target === null ? scoped : `${scoped} ${rule.target}`;
}

function ruleKey(rule: Pick<IgnoreRule, "platform" | "pattern" | "target">): string {
  return formatRule(rule).toLowerCase();
}

/**
 * The `.exrecignore` text that silences exactly today's drift (`exrec drift --write-ignore`): the
 * existing text unchanged, then, under a dated header, one rule per drift item (scoped to its
 * platform, naming its field or kind) that the existing rules do not already contain.
 * Pending and informational items are not drift and get no rule.
 */
export function baselineIgnore(report: DriftReport, existing?: { text: string; file: string }): string {
  const known = new Set((existing ? parseIgnore(existing.text, existing.file) : []).map(ruleKey));
  const added: string[] = [];
  for (const item of driftItems(report)) {
    const rule = { platform: item.platform, pattern: item.address, target: itemTarget(item) };
    const key = ruleKey(rule);
    if (known.has(key)) continue;
    known.add(key);
    added.push(formatRule(rule));
  }
  const before = existing && existing.text.trim() !== "" ? `${existing.text.replace(/\s+$/, "")}\n` : "";
  if (added.length === 0) return before;
  const header = [
    `# exrec drift --write-ignore on ${report.created_at.slice(0, 10)}: ${added.length} rule${added.length === 1 ? "" : "s"}`,
    `# silencing the drift found then (manifest ${report.manifest_digest}).`,
  ];
  return `${before}${before === "" ? "" : "\n"}${[...header, ...added].join("\n")}\n`;
}
