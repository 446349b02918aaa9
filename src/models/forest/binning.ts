/**
 * Pre-binning for the forest: each feature is cut at up to 255 quantile thresholds learnt from
 * the training rows, so split search scans a 256-bin histogram instead of sorting rows.
 */
import { binOf } from '../../data/bins.js';

export const MAX_BINS = 256;

export interface Binned {
  rows: number;
  /** Per feature: bin index per row (value <= thresholds[b] and > thresholds[b-1] -> bin b). */
  bins: Uint8Array[];
  /** Per feature: ascending cut points, in raw units; bins = thresholds.length + 1. */
  thresholds: Float64Array[];
}

/** Cut points: midpoints between distinct values, thinned to quantiles when there are too many. */
export function cutPoints(column: Float64Array, maxBins: number): Float64Array {
  const sorted = Float64Array.from(column.filter((v) => !Number.isNaN(v))).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  if (distinct.length <= 1) return new Float64Array(0);
  if (distinct.length <= maxBins) {
    return Float64Array.from({ length: distinct.length - 1 }, (_, k) => (distinct[k] + distinct[k + 1]) / 2);
  }
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
    const t = thresholds[j];
    for (let i = 0; i < rows; i++) out[i] = binOf(t, c[i]);
    return out;
  });
  return { rows, bins, thresholds };
}
