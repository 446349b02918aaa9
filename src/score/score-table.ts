/**
 * Scores an encoded batch with a saved model: P(churn), and for survival models the conditional
 * churn probabilities at 3, 6 and 12 months.
 */
import type { FeatureMatrix } from '../data/matrix.js';
import { InputError } from '../errors.js';
import { findColumn, type CustomerTable } from '../ingest/table.js';
import type { CoxModel } from '../models/cox.js';
import type { LoadedModel } from './load-model.js';

export const SURVIVAL_HORIZONS = [3, 6, 12] as const;

export interface Scores {
  churn_probability: Float64Array;
  /** Survival models only: P(churn within h months | survived to current tenure), per horizon. */
  within?: Record<(typeof SURVIVAL_HORIZONS)[number], Float64Array>;
}

/** Scores an encoded batch; the table supplies the current tenure for survival models. */
export function scoreMatrix(loaded: LoadedModel, x: FeatureMatrix, table: CustomerTable): Scores {
  const { saved, model } = loaded;
  if (saved.kind !== 'cox') return { churn_probability: model.predictProba(x) };

  const cox = model as CoxModel;
  let tenure: Float64Array | null = null;
  if (saved.scoring.duration !== null) {
    const col = findColumn(table, saved.scoring.duration);
    if (col === undefined || col.kind !== 'numeric') {
      throw new InputError(`the survival model needs the numeric tenure column "${saved.scoring.duration}"`, { file: table.source, column: saved.scoring.duration });
    }
    tenure = col.values;
  }
  const horizons = [...SURVIVAL_HORIZONS, saved.scoring.horizon_months];
  const [m3, m6, m12, atHorizon] = cox.churnWithin(x, tenure, horizons);
  return { churn_probability: atHorizon, within: { 3: m3, 6: m6, 12: m12 } };
}
