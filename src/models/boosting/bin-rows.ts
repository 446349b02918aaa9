/**
 * The training rows as bins, row-major (a row's bins side by side, one byte a feature): values
 * binned against the feature's cut points (0..254), missing values in their own bin.
 */
import { binRowMajor } from '../../data/bins.js';
import type { FeatureMatrix } from '../../data/matrix.js';
import { MISSING_BIN } from './histogram.js';

export function binRows(x: FeatureMatrix, cuts: readonly Float64Array[], shared: boolean): Uint8Array {
  const p = x.features.length;
  const n = x.rows;
  const bins = new Uint8Array(shared ? new SharedArrayBuffer(n * p) : new ArrayBuffer(n * p));
  binRowMajor(x.columns, cuts, 0, n, bins, p, MISSING_BIN);
  return bins;
}
