/**
 * Harrell's C for survival: over pairs where the earlier time is an observed event, the share in
 * which the earlier customer has the higher risk (risk ties count 1/2; equal times are not
 * compared). O(n log n) with a Fenwick tree over risk ranks.
 */
export interface Concordance { c: number; comparable: number }

/**
 * The pair counts behind a concordance index, each event weighted: Σ w(a)·(rows with a later time
 * and a lower risk than a, plus half those with an equal risk) and Σ w(a)·(rows with a later time),
 * over events a with a nonzero weight. Harrell's C weighs every event 1; Uno's C by the inverse
 * squared censoring survival (survival-metrics.ts).
 */
export function weightedConcordance(time: Float64Array, event: Uint8Array, risk: Float64Array, weight: (row: number) => number): { concordant: number; comparable: number } {
  const n = time.length;
  // Distinct risk values -> ranks.
  const sortedRisk = Float64Array.from(risk).sort();
  const distinct: number[] = [];
  for (let i = 0; i < n; i++) if (i === 0 || sortedRisk[i] !== sortedRisk[i - 1]) distinct.push(sortedRisk[i]);
  const rankOf = (v: number): number => {
    let lo = 0;
    let hi = distinct.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (distinct[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1; // 1-based for the Fenwick tree
  };
  const m = distinct.length;
  const tree = new Float64Array(m + 1);
  const add = (i: number): void => { for (; i <= m; i += i & -i) tree[i]++; };
  const prefix = (i: number): number => { let s = 0; for (; i > 0; i -= i & -i) s += tree[i]; return s; };

  // Walk times from the latest down; the tree holds everyone with a strictly later time.
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => time[b] - time[a]);
  let concordant = 0;
  let comparable = 0;
  let i = 0;
  let later = 0;
  while (i < n) {
    let j = i;
    while (j < n && time[order[j]] === time[order[i]]) j++;
    for (let k = i; k < j; k++) {
      const a = order[k];
      if (event[a] !== 1) continue;
      const w = weight(a);
      if (w === 0) continue;
      const r = rankOf(risk[a]);
      const below = prefix(r - 1);
      const tied = prefix(r) - below;
      comparable += w * later;
      concordant += w * (below + 0.5 * tied);
    }
    for (let k = i; k < j; k++) add(rankOf(risk[order[k]]));
    later += j - i;
    i = j;
  }
  return { concordant, comparable };
}

export function concordance(time: Float64Array, event: Uint8Array, risk: Float64Array): Concordance {
  const { concordant, comparable } = weightedConcordance(time, event, risk, () => 1);
  return { c: comparable === 0 ? Number.NaN : concordant / comparable, comparable };
}

export function harrellC(time: Float64Array, event: Uint8Array, risk: Float64Array): number {
  return Math.round(concordance(time, event, risk).c * 1e9) / 1e9;
}
