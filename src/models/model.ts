/**
 * The one interface every churn model shares, in the spirit of scikit-learn's estimators:
 * hyperparameters go in at fit time and are never changed by it; what fitting learns lives in
 * the returned model, which predicts on a batch and serialises itself to versioned JSON.
 */
import { takeRows, type FeatureMatrix, type TrainingData } from '../data/matrix.js';
import type { GlobalImportance } from '../evaluate/files/importance-file.js';
import type { Rng } from '../rng.js';
import type { Aliased, Reference } from './linear-design.js';

export interface LinearDesignNotes { references: Reference[]; aliased: Aliased[] }

export type ModelKind = 'logistic' | 'random_forest' | 'gradient_boosting' | 'cox' | 'sequence' | 'blend';

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
  /** The same parts for every row of a batch at once, typed, for scoring millions of customers. */
  explainBatch?(x: FeatureMatrix): BatchExplanation;
  /** Linear models: the reference level of each text column and the aliased columns dropped. */
  linearDesign?(): LinearDesignNotes;
  /** Survival models: P(churn within h months after each row's window start), per horizon. */
  churnWithin?(x: FeatureMatrix, horizonMonths: readonly number[]): Float64Array[];
  /** Survival models: S(t | x) from joining, per row, for each time (duration units). */
  survival?(x: FeatureMatrix, times: readonly number[]): Float64Array[];
  /** Survival models: rows whose window of `months` reaches past the longest tenure seen in training. */
  beyondFollowUp?(x: FeatureMatrix, months: number): number;
  /** The model's own view of its features (forest impurity, odds or hazard ratios), for importance.json. */
  globalImportance?(): GlobalImportance;
  toJSON(): ModelState;
  /**
   * Reasons coarser than the features, for a model whose features are parts of one thing (the
   * sequence model's months of a channel): the reason names, and each row's parts summed per
   * reason with a sentence for those that need the row's months to be said (null: say the feature).
   */
  readonly reasonNames?: readonly string[];
  reasonParts?(x: FeatureMatrix, e: BatchExplanation): ReasonParts;
  /** The compute backend, for a model that runs on one (the sequence model's TensorFlow.js backend). */
  readonly backend?: string;
}

export interface Explanation {
  scale: 'log_odds' | 'log_hazard' | 'probability';
  base: number;
  contributions: Contribution[];
}

/** Row-major parts: `contributions[i * features + j]` is feature j's part in row i's score. */
export interface BatchExplanation {
  scale: Explanation['scale'];
  base: number;
  contributions: Float64Array;
  /** P(churn) per row, when working out the parts computes it anyway (the forest's walk). */
  probability?: Float64Array;
}

/** Parts per reason (rows × names, row-major) and the sentences the model says itself. */
export interface ReasonParts {
  names: readonly string[];
  parts: Float64Array;
  sentence(row: number, reason: number): string | null;
}

/** One row's explanation, read from the batch explanation of that row alone. */
export function explainRow(model: ChurnModel & { explainBatch(x: FeatureMatrix): BatchExplanation }, x: FeatureMatrix, row: number): Explanation {
  const one = takeRows(x, [row]);
  const { scale, base, contributions } = model.explainBatch(one);
  return { scale, base, contributions: model.features.map((feature, j) => ({ feature, value: one.columns[j][0], contribution: contributions[j] })) };
}

export type Fit<P, M extends ChurnModel = ChurnModel> = (data: TrainingData, params: P, rng: Rng) => M;
