/**
 * The saved-model file: versioned JSON holding everything scoring needs (feature list, encoder,
 * the model's learnt state) and what training measured. No timings, no absolute paths, so the
 * same data, config and seed give a byte-identical file.
 */
import type { ModelKind, ModelState } from './model.js';
import type { RetentionSettings } from '../config/schema.js';
import type { DriftReference } from '../data/drift-reference.js';
import type { EncoderState } from '../data/encoder.js';

export const MODEL_FORMAT = 'churnscope-model';
/**
 * 2 added `drift_reference` and `scoring.drift_limit`; 3 dropped `scoring.horizon_months` (a Cox
 * model carries its label's window) and changed the Cox state. Older files load by migration,
 * but for Cox models, which must be retrained.
 */
export const MODEL_FORMAT_VERSION = 3;

export interface SavedModel {
  format: typeof MODEL_FORMAT;
  version: number;
  name: string; // e.g. "logistic", "random_forest", "cox"
  kind: ModelKind;
  features: string[]; // matrix column order
  encoder: EncoderState; // raw columns -> matrix
  scoring: ScoringSettings;
  model: ModelState;
  metrics: Record<string, number>; // test-split metrics measured at training
  drift_reference: DriftReference | null; // training distributions per raw column; null when migrated from version 1
}

/** What the score command needs besides the model: ids, tiers, the drift limit. */
export interface ScoringSettings {
  id: string | null; // id column; null = row number
  tiers: { high: number; medium: number }; // churn probability thresholds
  duration: string | null; // survival models: the tenure column scoring conditions on
  retention: RetentionSettings; // value, ranking, early warning and actions for the list
  drift_limit: number; // scoring refuses an input whose PSI on a feature exceeds this (unless --allow-drift)
}
