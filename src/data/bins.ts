/**
 * The bin of a value among ascending cut points: how many cuts lie below it. So v > cuts[c]
 * exactly when binOf(cuts, v) > c, and v ≤ cuts[0] (or NaN, as `NaN > t` is false) is bin 0.
 * The forest bins with it (training histograms and the scoring walk), the drift check too.
 */
export function binOf(cuts: ArrayLike<number>, v: number): number {
  // At or below the first cut (a one-hot 0, most often): at once.
  if (!(v > cuts[0])) return 0;
  let lo = 1;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
