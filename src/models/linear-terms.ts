/**
 * What logistic and Cox share as linear models: per-feature parts centred at the training means,
 * and exp(coefficient) ratios with 95% confidence intervals.
 */
import type { FeatureMatrix } from '../data/matrix.js';
import type { Contribution } from './model.js';

const Z95 = 1.959964;

/** coef_j × (x_j − mean_j) for one row: exact parts of the linear predictor around the mean. */
export function centredContributions(features: readonly string[], coef: readonly number[], mean: readonly number[], x: FeatureMatrix, row: number): Contribution[] {
  return coef.map((b, j) => ({ feature: features[j], value: x.columns[j][row], contribution: b * (x.columns[j][row] - mean[j]) }));
}

export interface RatioRow { feature: string; coef: number; se: number; ratio: number; ci_low: number; ci_high: number }

/** exp(coef) per unit of each feature (odds or hazard ratio) with its 95% interval. */
export function ratioRows(features: readonly string[], coef: readonly number[], se: readonly number[]): RatioRow[] {
  return coef.map((b, j) => ({
    feature: features[j],
    coef: b,
    se: se[j],
    ratio: Math.exp(b),
    ci_low: Math.exp(b - Z95 * se[j]),
    ci_high: Math.exp(b + Z95 * se[j]),
  }));
}
