/** "Did you mean …?" for misspelt keys and enum values: the closest allowed word, if close enough. */

/**
 * Levenshtein edit distance (insertions, deletions, substitutions), case-insensitive, where swapping
 * two neighbouring letters also counts as one edit (`emial` → `email`), the commonest typo.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const width = t.length + 1;
  // d(i, j): distance between the first i letters of s and the first j letters of t, kept in one
  // zero-filled table of (s.length + 1) rows of `width`.
  const table = new Uint32Array((s.length + 1) * width);
  const d = (i: number, j: number): number => table[i * width + j] ?? 0;
  for (let j = 0; j <= t.length; j++) table[j] = j;
  for (let i = 1; i <= s.length; i++) {
    table[i * width] = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        best = Math.min(best, d(i - 2, j - 2) + 1);
      table[i * width + j] = best;
    }
  }
  return d(s.length, t.length);
}

/**
 * The allowed word closest to `word`, when it is within a third of the word's length (at least 1,
 * at most 3 edits): close enough to be a typo, far enough not to suggest nonsense.
 */
export function closestWord(word: string, allowed: readonly string[]): string | null {
  // Beyond a few dozen characters nothing is a typo of a manifest word; skip the quadratic work.
  if (word.length > 64) return null;
  const budget = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: { word: string; distance: number } | null = null;
  for (const candidate of allowed) {
    const distance = editDistance(word, candidate);
    if (distance <= budget && (best === null || distance < best.distance))
      best = { word: candidate, distance };
  }
  return best?.word ?? null;
}
