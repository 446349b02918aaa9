/**
 * The training rows as bins, row-major (a row's bins side by side, one byte a feature): values
 * binned against the feature's cut points (0..254), missing values in their own bin.
 */
import { binOf } from '../../data/bins.js';
import type { FeatureMatrix } from '../../data/matrix.js';
import { MISSING_BIN } from './histogram.js';

export function binRows(x: FeatureMatrix, cuts: readonly Float64Array[], shared: boolean): Uint8Array {
  const p = x.features.length;
  const n = x.rows;
  const bins = new Uint8Array(shared ? new SharedArrayBuffer(n * p) : new ArrayBuffer(n * p));
  for (let j = 0; j < p; j++) {
    const c = x.columns[j];
    const t = cuts[j];
    for (let i = 0; i < n; i++) {
      const v = c[i];
      bins[i * p + j] = Number.isNaN(v) ? MISSING_BIN : t.length === 0 ? 0 : binOf(t, v);
    }
  }
  return bins;
}
