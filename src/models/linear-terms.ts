/**
 * What logistic and Cox share as linear models: per-feature parts centred at the training means,
 * and exp(coefficient) ratios with Wald tests and 95% confidence intervals.
 */
import type { FeatureMatrix } from '../data/matrix.js';
import { normalQuantile, normalTwoSided } from '../evaluate/tails.js';

const Z95 = normalQuantile(0.975);

/** coef_j × (x_ij − mean_j) for every row, row-major: exact parts of the linear predictor around the mean. */
export function centredContributions(coef: readonly number[], mean: readonly number[], x: FeatureMatrix): Float64Array {
  const p = coef.length;
  const out = new Float64Array(x.rows * p);
  for (let j = 0; j < p; j++) {
    const c = x.columns[j];
    const b = coef[j];
    const m = mean[j];
    for (let i = 0; i < x.rows; i++) out[i * p + j] = b * (c[i] - m);
  }
  return out;
}

/** A coefficient with its Wald test: z = coef / se, two-sided p, and exp(coef) with its 95% interval. */
export interface RatioRow { feature: string; coef: number; se: number; z: number; p: number; ratio: number; ci_low: number; ci_high: number }

/** exp(coef) per unit of each feature (odds or hazard ratio) with its Wald test and 95% interval. */
export function ratioRows(features: readonly string[], coef: readonly number[], se: readonly number[]): RatioRow[] {
  return coef.map((b, j) => ({
    feature: features[j],
    coef: b,
    se: se[j],
    z: b / se[j],
    p: normalTwoSided(b / se[j]),
    ratio: Math.exp(b),
    ci_low: Math.exp(b - Z95 * se[j]),
    ci_high: Math.exp(b + Z95 * se[j]),
  }));
}
