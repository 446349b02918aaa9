/**
 * Boosting's starting margin from a penalised logistic regression (as scikit-learn's gradient
 * boosting takes an `init` estimator): churn tables are often close to linear in log-odds, so
 * the trees start from the linear fit and spend their rounds on what it misses (thresholds,
 * interactions). The linear part is kept centred, coef · (x − mean), with a missing value
 * contributing nothing, so its exact SHAP values are its terms and its expected value is zero.
 */
import { takeTraining, type FeatureMatrix, type TrainingData } from '../../data/matrix.js';
import { ConvergenceError } from '../../errors.js';
import type { Rng } from '../../rng.js';
import { fitLogistic, DEFAULT_LOGISTIC_PARAMS } from '../logistic.js';

export interface LinearPart {
  intercept: number; // the margin at the training means
  coef: number[]; // raw scale; 0 for features left out (constant, or against their monotone direction)
  mean: number[];
}

/**
 * The logistic fit on `rows`, keeping every monotone-constrained feature's coefficient on its
 * side (a feature whose fitted sign disagrees is left out and the rest refitted). Missing values
 * are fitted at the feature's mean. Null when the fit does not converge: boosting then starts
 * from the churn rate alone.
 */
export function fitLinearPart(data: TrainingData, rows: Int32Array, monotone: Int8Array, l2: number, rng: Rng): LinearPart | null {
  const part = takeTraining(data, rows);
  const p = part.x.features.length;
  const mean = new Array<number>(p).fill(0);
  const usable: number[] = [];
  const columns = part.x.columns.map((c, j) => {
    let s = 0;
    let k = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of c) {
      if (Number.isNaN(v)) continue;
      s += v;
      k++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    mean[j] = k > 0 ? s / k : 0;
    if (k > 0 && hi > lo) usable.push(j);
    return c.map((v) => (Number.isNaN(v) ? mean[j] : v));
  });
  let kept = usable;
  const index = new Map(part.x.features.map((f, j) => [f, j]));
  for (;;) {
    const x: FeatureMatrix = { rows: part.x.rows, features: kept.map((j) => part.x.features[j]), columns: kept.map((j) => columns[j]) };
    let fitted;
    try {
      fitted = fitLogistic({ x, y: part.y }, { ...DEFAULT_LOGISTIC_PARAMS, l2 }, rng);
    } catch (e) {
      if (e instanceof ConvergenceError) return null;
      throw e;
    }
    // The fit reports the columns it kept (text levels treatment coded, aliased columns dropped).
    const { coef, mean: fittedMean, intercept, features } = fitted.state;
    const column = features.map((f) => index.get(f) as number);
    const against = column.filter((j, k) => monotone[j] * coef[k] < 0);
    if (against.length > 0) {
      kept = kept.filter((j) => !against.includes(j));
      continue;
    }
    const full = new Array<number>(p).fill(0);
    let atMean = intercept;
    column.forEach((j, k) => {
      full[j] = coef[k];
      atMean += coef[k] * fittedMean[k];
    });
    return { intercept: atMean, coef: full, mean };
  }
}

/** Each centred term b_j (x_ij − mean_j) of the linear part, to `add` (a missing value has none). */
function eachTerm(linear: LinearPart, x: FeatureMatrix, add: (i: number, j: number, term: number) => void): void {
  linear.coef.forEach((b, j) => {
    if (b === 0) return;
    const c = x.columns[j];
    const m = linear.mean[j];
    for (let i = 0; i < x.rows; i++) {
      const v = c[i];
      if (!Number.isNaN(v)) add(i, j, b * (v - m));
    }
  });
}

/** Adds coef · (x − mean) to each row's margin. */
export function addLinear(linear: LinearPart, x: FeatureMatrix, margin: Float64Array): void {
  eachTerm(linear, x, (i, _, term) => { margin[i] += term; });
}

/** The linear part's SHAP values, row-major: its centred terms (0 for a missing value). */
export function linearContributions(linear: LinearPart, x: FeatureMatrix, out: Float64Array): void {
  const p = linear.coef.length;
  eachTerm(linear, x, (i, j, term) => { out[i * p + j] += term; });
}
