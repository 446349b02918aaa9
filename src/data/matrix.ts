/**
 * The numeric matrix every model consumes: column-major, one Float64Array per feature, so a
 * model can scan a feature without striding and a batch can be sliced without copying names.
 */
import type { SurvivalLabels } from '../labels/survival.js';

export interface FeatureMatrix {
  readonly rows: number;
  readonly features: readonly string[];
  readonly columns: readonly Float64Array[];
}

/** What fitting needs: the matrix, the 0/1 churn label, and for survival the time and event. */
export interface TrainingData {
  readonly x: FeatureMatrix;
  readonly y: Uint8Array; // 1 = churned (the event)
  readonly duration?: Float64Array; // time on network, for survival models
  readonly survival?: SurvivalLabels; // the span each row was watched over, for survival models
  /** Rows of one customer (a panel's reference months) share a group, so a split can keep them together. */
  readonly groups?: Int32Array;
}

export function makeMatrix(features: readonly string[], columns: readonly Float64Array[]): FeatureMatrix {
  if (features.length !== columns.length) {
    throw new Error(`matrix: ${features.length} feature names for ${columns.length} columns`);
  }
  const rows = columns.length > 0 ? columns[0].length : 0;
  for (let j = 0; j < columns.length; j++) {
    if (columns[j].length !== rows) {
      throw new Error(`matrix: column "${features[j]}" has ${columns[j].length} rows, expected ${rows}`);
    }
  }
  return { rows, features, columns };
}

/** Rows from..to as views on the same columns (no copy). */
export function rowRange(x: FeatureMatrix, from: number, to: number): FeatureMatrix {
  return { rows: to - from, features: x.features, columns: x.columns.map((c) => c.subarray(from, to)) };
}

/** Rows picked by index, in the given order (for splits, bootstraps and folds). */
export function takeRows(x: FeatureMatrix, index: ArrayLike<number>): FeatureMatrix {
  const n = index.length;
  const columns = x.columns.map((col) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = col[index[i]];
    return out;
  });
  return { rows: n, features: x.features, columns };
}

export function takeTraining(data: TrainingData, index: ArrayLike<number>): TrainingData {
  const y = new Uint8Array(index.length);
  for (let i = 0; i < index.length; i++) y[i] = data.y[index[i]];
  let duration: Float64Array | undefined;
  if (data.duration !== undefined) {
    duration = new Float64Array(index.length);
    for (let i = 0; i < index.length; i++) duration[i] = data.duration[index[i]];
  }
  const pick = (a: Float64Array): Float64Array => Float64Array.from(index, (i) => a[i]);
  const s = data.survival;
  const survival = s === undefined ? undefined : { exit: pick(s.exit), entry: pick(s.entry), start: pick(s.start), time: s.time };
  const groups = data.groups === undefined ? undefined : Int32Array.from(index, (i) => (data.groups as Int32Array)[i]);
  return { x: takeRows(data.x, index), y, duration, survival, groups };
}

/** Columns reordered (and checked) to the given feature list, as a saved model expects them. */
export function selectFeatures(x: FeatureMatrix, features: readonly string[]): FeatureMatrix {
  const position = new Map(x.features.map((f, j) => [f, j]));
  const columns = features.map((f) => {
    const j = position.get(f);
    if (j === undefined) throw new Error(`matrix: feature "${f}" is not in the batch`);
    return x.columns[j];
  });
  return { rows: x.rows, features, columns };
}

/**
 * x's columns in the order of `features`, x itself when it already is. Linear models read columns
 * by position and keep fewer than they were fitted on (reference levels, aliased columns), so a
 * caller handing them the training matrix would otherwise score the wrong columns without a word.
 */
export function inFeatureOrder(x: FeatureMatrix, features: readonly string[]): FeatureMatrix {
  if (x.features.length === features.length && x.features.every((f, j) => f === features[j])) return x;
  return selectFeatures(x, features);
}

/** One row as a plain array, for explanations and debugging (not for hot paths). */
export function rowValues(x: FeatureMatrix, row: number): number[] {
  return x.columns.map((c) => c[row]);
}
