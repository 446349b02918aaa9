/**
 * Saved models written by hand, for scoring tests that need exact probabilities: a logistic model
 * whose log-odds is the `score` column (coefficient 1, intercept 0) and a Cox model with a
 * hand-set baseline. Other numeric inputs ride along with coefficient 0, so warnings and reasons
 * can be placed where a test needs them.
 */
import { writeFileSync } from 'node:fs';
import { retentionSchema, type RetentionSettings } from '../../src/config/schema.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type SavedModel } from '../../src/models/artifact.js';
import type { CoxState } from '../../src/models/cox.js';
import { LogisticModel, type LogisticState } from '../../src/models/logistic.js';
import type { ModelState } from '../../src/models/model.js';

export interface HandModelOptions {
  /** Numeric inputs after `score`, with coefficient 0 (e.g. traffic_change, complaints_1m). */
  extra?: string[];
  tiers?: { high: number; medium: number };
  retention?: Partial<RetentionSettings>;
  /** The `revenue` role's column, for value at risk; none when null. */
  revenue?: string | null;
}

function savedModel(kind: 'logistic' | 'cox', features: string[], model: ModelState, options: HandModelOptions, duration: string | null): SavedModel {
  const revenue = options.revenue === undefined ? 'revenue' : options.revenue;
  return {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    name: kind,
    kind,
    features,
    encoder: {
      columns: features.map((column) => ({ kind: 'numeric', column, median: 0 })),
      features,
      derived: [],
      roles: revenue === null ? {} : { revenue },
    },
    scoring: {
      id: 'id',
      tiers: options.tiers ?? { high: 0.5, medium: 0.25 },
      duration,
      retention: { ...retentionSchema.parse({}), ...options.retention },
      drift_limit: 0.25,
      missing_values: [],
    },
    model,
    metrics: {},
    drift_reference: { rows: 0, columns: [] }, // nothing to compare: drift checked, none found
  };
}

export function handLogistic(options: HandModelOptions = {}): SavedModel {
  const features = ['score', ...(options.extra ?? [])];
  const zeros = features.map(() => 0);
  const state: LogisticState = {
    kind: 'logistic', params: { l2: 0, maxIter: 1, tol: 1 }, features, intercept: 0,
    coef: features.map((_, j) => (j === 0 ? 1 : 0)), se: zeros, se_intercept: 0, mean: zeros, iterations: 1, log_likelihood: 0,
    design: { references: [], aliased: [] }, null_log_likelihood: 0, concordance: 0.5, rows: 100,
  };
  return savedModel('logistic', features, state, options, null);
}

/** P(churn) the hand logistic model gives for a score: the model's own sigmoid, bit for bit. */
export function probabilityOf(score: number): number {
  const model = new LogisticModel(handLogistic().model as LogisticState);
  return model.predictProba({ rows: 1, features: ['score'], columns: [Float64Array.from([score])] })[0];
}

/**
 * A Cox model on `score` with coefficient ln 2 (risk 2^score), the baseline given (at the means),
 * conditioned on the `tenure` column; its churn_probability is churn within a 1-month window.
 */
export function handCox(times: number[], cumhaz: number[], lastTime: number, options: HandModelOptions = {}): SavedModel {
  const features = ['score', 'tenure'];
  const state: CoxState = {
    kind: 'cox', params: { l2: 0, maxIter: 1, tol: 1, maxStep: 1, ties: 'breslow', strata: [] }, features, covariates: ['score'], design: { references: [], aliased: [] },
    time: { feature: 'tenure', offset: 0, window: 1, month: 1 }, strata: [], coef: [Math.LN2], se: [0], mean: [0],
    baselines: [{ levels: [], rows: 100, events: 10, last_time: lastTime, times, cumhaz }],
    log_partial_likelihood: 0, null_log_partial_likelihood: 0, concordance: 0.5, rows: 100, events: 10, iterations: 1,
  };
  return savedModel('cox', features, state, options, 'tenure');
}

export function writeModel(path: string, saved: SavedModel): string {
  writeFileSync(path, `${JSON.stringify(saved)}\n`);
  return path;
}
