/**
 * The one interface every churn model shares, in the spirit of scikit-learn's estimators:
 * hyperparameters go in at fit time and are never changed by it; what fitting learns lives in
 * the returned model, which predicts on a batch and serialises itself to versioned JSON.
 */
import type { FeatureMatrix, TrainingData } from '../data/matrix.js';
import type { Rng } from '../rng.js';

export type ModelKind = 'logistic' | 'random_forest' | 'cox';

/** One feature's part in one prediction, on the model's own scale (log-odds, log-hazard, or probability). */
export interface Contribution {
  feature: string;
  value: number; // the customer's value of the feature
  contribution: number;
}

/** The model's own state as JSON: parameters it was fitted with and what it learnt. */
export interface ModelState {
  kind: ModelKind;
  params: object;
}

export interface ChurnModel {
  readonly kind: ModelKind;
  /** Feature names, in matrix column order. */
  readonly features: readonly string[];
  /** P(churn) per row. */
  predictProba(x: FeatureMatrix): Float64Array;
  /**
   * Faithful per-feature parts of one row's score; `base` plus the contributions equals the
   * model's score for the row on the scale named by `scale`.
   */
  explain?(x: FeatureMatrix, row: number): Explanation;
  toJSON(): ModelState;
}

export interface Explanation {
  scale: 'log_odds' | 'log_hazard' | 'probability';
  base: number;
  contributions: Contribution[];
}

export type Fit<P, M extends ChurnModel = ChurnModel> = (data: TrainingData, params: P, rng: Rng) => M;
