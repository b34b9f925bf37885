/** The plan's warnings: each said once, in the order first met (so the plan stays deterministic). */
export class Warnings {
  private readonly seen = new Set<string>();
  private readonly list: string[] = [];

  add(text: string): void {
    if (this.seen.has(text)) return;
    this.seen.add(text);
    this.list.push(text);
  }

  all(): string[] {
    return [...this.list];
  }
}
