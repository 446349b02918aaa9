/**
 * Scores an encoded batch with a saved model: P(churn), and for survival models the conditional
 * churn probabilities at 3, 6 and 12 months.
 */
import type { FeatureMatrix } from '../../data/matrix.js';
import type { LoadedModel } from '../../models/load-model.js';

const SURVIVAL_HORIZONS = [3, 6, 12] as const;

export interface Scores {
  churn_probability: Float64Array;
  /** Survival models only: P(churn within h months | survived to current tenure), per horizon. */
  within?: Record<(typeof SURVIVAL_HORIZONS)[number], Float64Array>;
}

/** Scores an encoded batch; a survival model reads each customer's tenure from the matrix. */
export function scoreMatrix(loaded: LoadedModel, x: FeatureMatrix): Scores {
  const { model } = loaded;
  const churn_probability = model.predictProba(x);
  if (model.churnWithin === undefined) return { churn_probability };
  const [m3, m6, m12] = model.churnWithin(x, SURVIVAL_HORIZONS);
  return { churn_probability, within: { 3: m3, 6: m6, 12: m12 } };
}
