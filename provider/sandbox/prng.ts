/**
 * A small seeded pseudo-random generator (mulberry32), so that seeds and generated placeholder
 * logins are the same on every run. Its state is one integer, kept in the sandbox state so that a
 * reloaded sandbox continues the same sequence.
 */
export class Prng {
  constructor(public state: number) {}

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly [T, ...T[]]): T {
    return items[Math.floor(this.next() * items.length)] ?? items[0];
  }

  /** Lower-case letters and digits, starting with a letter (a plausible mailbox login). */
  login(length: number): string {
    const letters = "abcdefghijklmnopqrstuvwxyz";
    const alphabet = `${letters}0123456789`;
    let text = letters.charAt(Math.floor(this.next() * letters.length));
    while (text.length < length) text += alphabet.charAt(Math.floor(this.next() * alphabet.length));
    return text;
  }
}
