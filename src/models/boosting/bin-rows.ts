/**
 * The training rows as bins, both ways: by feature (the partition reads one feature of a node's
 * rows, in row order, from 1 byte a row) and row-major (a row's bins side by side, the histogram
 * kernel's layout). Values are binned against the feature's cut points (0..254), missing values
 * in their own bin.
 */
import { binColumn } from '../../data/bins.js';
import type { FeatureMatrix } from '../../data/matrix.js';
import { MISSING_BIN } from './histogram.js';

export interface TrainingBins {
  byFeature: Uint8Array[];
  rowMajor: Uint8Array;
}

/** Rows transposed at a time: a block's row-major bytes stay in cache while every feature is written. */
const TRANSPOSE_ROWS = 1024;

/**
 * Bins the rows into `into` (the histogram pool's shared memory in a fit, so the bins are written
 * once where the kernels read them), or into new arrays.
 */
export function binTraining(x: FeatureMatrix, cuts: readonly Float64Array[], into?: TrainingBins): TrainingBins {
  const p = x.features.length;
  const n = x.rows;
  const byFeature = into?.byFeature ?? x.columns.map(() => new Uint8Array(n));
  x.columns.forEach((c, j) => binColumn(c, cuts[j], byFeature[j], MISSING_BIN));
  const rowMajor = into?.rowMajor ?? new Uint8Array(n * p);
  for (let from = 0; from < n; from += TRANSPOSE_ROWS) {
    const to = Math.min(n, from + TRANSPOSE_ROWS);
    for (let j = 0; j < p; j++) {
      const column = byFeature[j];
      for (let i = from; i < to; i++) rowMajor[i * p + j] = column[i];
    }
  }
  return { byFeature, rowMajor };
}
