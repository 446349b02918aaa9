/**
 * SHAP values of a model's top drivers over a sample of test rows, for the report's summary
 * (per driver, the spread of SHAP values coloured by the feature's value) and dependence plots
 * (SHAP value against the feature's value). Only for models whose parts are SHAP values: the tree
 * models' exact TreeSHAP, and the logistic model's centred terms (a linear model's SHAP values).
 */
import type { FeatureMatrix } from '../data/matrix.js';
import type { ChurnModel, ModelKind } from '../models/model.js';

const SHAP_KINDS: ReadonlySet<ModelKind> = new Set(['gradient_boosting', 'random_forest', 'logistic']);
/** Drivers kept, by mean |SHAP|. */
const SHAP_TOP = 10;

export interface ShapDriver {
  feature: string;
  mean_abs: number;
  shap: number[]; // per sampled row
  value: (number | null)[]; // the row's feature value (null: missing)
}

export interface ShapSummary {
  scale: string; // what the values are on (log_odds)
  base: number;
  rows: number;
  drivers: ShapDriver[];
}

const r6 = (v: number): number => Math.round(v * 1e6) / 1e6;

export function shapSummary(model: ChurnModel, x: FeatureMatrix): ShapSummary | null {
  if (!SHAP_KINDS.has(model.kind) || model.explainBatch === undefined || x.rows === 0) return null;
  const e = model.explainBatch(x);
  const p = model.features.length;
  const meanAbs = model.features.map((_, j) => {
    let s = 0;
    for (let i = 0; i < x.rows; i++) s += Math.abs(e.contributions[i * p + j]);
    return s / x.rows;
  });
  const top = model.features.map((_, j) => j)
    .filter((j) => meanAbs[j] > 0)
    .sort((a, b) => meanAbs[b] - meanAbs[a] || model.features[a].localeCompare(model.features[b]))
    .slice(0, SHAP_TOP);
  return {
    scale: e.scale,
    base: r6(e.base),
    rows: x.rows,
    drivers: top.map((j) => ({
      feature: model.features[j],
      mean_abs: r6(meanAbs[j]),
      shap: Array.from({ length: x.rows }, (_, i) => r6(e.contributions[i * p + j])),
      value: Array.from(x.columns[j], (v) => (Number.isFinite(v) ? r6(v) : null)),
    })),
  };
}
