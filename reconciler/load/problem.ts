/**
 * A problem found in a manifest: where it is (file, 1-based line and column) and what is wrong.
 * Every check of the loader reports these instead of throwing, so that one run lists every
 * mistake of every file at once, like a compiler.
 */
import type { RuleId } from "../model.js";

export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
  /** The billing rule of docs/RULES.md the problem is about, when one applies. */
  rule?: RuleId;
}

/** 1-based line and column in a file. */
export interface Position {
  line: number;
  col: number;
}

export const START: Position = { line: 1, col: 1 };

export function problemAt(file: string, position: Position, message: string, rule?: RuleId): Problem {
  const problem: Problem = { file, line: position.line, col: position.col, message };
  if (rule !== undefined) problem.rule = rule;
  return problem;
}

/** `file:line:col: message`, with ` (rule P1)` appended where a rule applies. */
export function formatProblem(problem: Problem): string {
  const rule = problem.rule === undefined ? "" : ` (rule ${problem.rule})`;
  return `${problem.file}:${problem.line}:${problem.col}: ${problem.message}${rule}`;
}

/** `file:line:col`, for messages that point at a second place ("also declared at ..."). */
export function formatPosition(file: string, position: Position): string {
  return `${file}:${position.line}:${position.col}`;
}

function compareProblems(a: Problem, b: Problem): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.col !== b.col) return a.col - b.col;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** Sorted by file, line, column (then message, for a stable order), without exact repeats. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const kept: Problem[] = [];
  let previous: string | null = null;
  for (const problem of [...problems].sort(compareProblems)) {
    const text = formatProblem(problem);
    if (text !== previous) kept.push(problem);
    previous = text;
  }
  return kept;
}
