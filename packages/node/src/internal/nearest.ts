/**
 * "Did you mean": the known name closest to a mistyped one, for config keys, variables, flags and commands.
 *
 * @internal
 * @module
 */

/**
 * The candidate nearest to `input` by edit distance (case-insensitive, a swap of two neighbours costs 1), when it is
 * close enough to be a typo: at most 2 edits, or a third of the longer name.
 *
 * @internal
 */
export function nearest(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const wanted = input.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(2, Math.floor(Math.max(input.length, best.length) / 3));
  return bestDistance <= allowed && bestDistance < Math.max(input.length, best.length) ? best : undefined;
}

/** ` (did you mean X?)` or the empty string. @internal */
export function didYouMean(input: string, candidates: Iterable<string>, format: (name: string) => string = (name) => `'${name}'`): string {
  const match = nearest(input, candidates);
  return match === undefined ? '' : ` (did you mean ${format(match)}?)`;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  // Names are short (flags, keys); a full matrix is clearer than a two-row one and costs nothing here.
  const rows = a.length + 1;
  const columns = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: columns }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < columns; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}
