/**
 * Pre-binning for the forest: each feature is cut at up to 255 quantile thresholds learnt from
 * the training rows, so split search scans a 256-bin histogram instead of sorting rows.
 */
import { binColumn } from '../../data/bins.js';

export const MAX_BINS = 256;

export interface Binned {
  rows: number;
  /** Per feature: bin index per row (value <= thresholds[b] and > thresholds[b-1] -> bin b). */
  bins: Uint8Array[];
  /** Per feature: ascending cut points, in raw units; bins = thresholds.length + 1. */
  thresholds: Float64Array[];
}

/**
 * The column's distinct values, ascending, when it has at most `limit` of them (NaN skipped);
 * null as soon as it has more. Most columns are indicators or small codes: this one pass spares
 * them the sort. (A value equal to one kept, as -0 to 0, is the same value here as in a sort.)
 */
function fewDistinct(column: Float64Array, limit: number): Float64Array | null {
  const seen = new Float64Array(limit);
  let k = 0;
  let last = Number.NaN;
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (v === last || Number.isNaN(v)) continue; // runs of one value, the common case, cost one compare
    last = v;
    let lo = 0;
    let hi = k;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seen[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo < k && seen[lo] === v) continue;
    if (k === limit) return null;
    seen.copyWithin(lo + 1, lo, k);
    seen[lo] = v;
    k++;
  }
  return seen.subarray(0, k);
}

/** Cut points: midpoints between distinct values, thinned to quantiles when there are too many. */
export function cutPoints(column: Float64Array, maxBins: number): Float64Array {
  const distinct = fewDistinct(column, maxBins);
  if (distinct !== null) {
    return distinct.subarray(1).map((v, k) => (distinct[k] + v) / 2); // none for 0 or 1 distinct values
  }
  const values = new Float64Array(column.length);
  let n = 0;
  for (let i = 0; i < column.length; i++) if (!Number.isNaN(column[i])) values[n++] = column[i];
  const sorted = values.subarray(0, n).sort(); // typed, no comparator: the engine's numeric sort
  const cuts: number[] = [];
  for (let q = 1; q < maxBins; q++) {
    const i = Math.floor((q * sorted.length) / maxBins);
    const lo = sorted[i - 1];
    const hi = sorted[i];
    if (lo === hi) continue; // inside a run of equal values: no cut here
    const mid = (lo + hi) / 2;
    if (cuts.length === 0 || mid > cuts[cuts.length - 1]) cuts.push(mid);
  }
  return Float64Array.from(cuts);
}

export function binColumns(columns: readonly Float64Array[], maxBins: number, shared: boolean): Binned {
  const rows = columns.length > 0 ? columns[0].length : 0;
  const thresholds = columns.map((c) => cutPoints(c, Math.min(maxBins, MAX_BINS)));
  const bins = columns.map((c, j) => {
    const out = new Uint8Array(shared ? new SharedArrayBuffer(rows) : new ArrayBuffer(rows));
    binColumn(c, thresholds[j], out, 0);
    return out;
  });
  return { rows, bins, thresholds };
}
