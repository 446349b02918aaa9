/**
 * Older saved-model files, brought up to the current format when read, so a model trained
 * before an upgrade still scores. Version 1 lacks the training reference distributions (drift
 * is then reported as not checked) and the drift limit (the default applies). Versions 1 and 2
 * carry `scoring.horizon_months`, now unused; their Cox models scored an unconditional 12-month
 * probability and are refused (retrain).
 */
import { DEFAULT_DRIFT_LIMIT } from '../config/schema.js';
import { ModelError } from '../errors.js';
import { MODEL_FORMAT_VERSION, type SavedModel } from './artifact.js';

/** The format versions this churnscope reads: the current one and those it migrates. */
export const READABLE_VERSIONS: readonly number[] = [1, 2, MODEL_FORMAT_VERSION];

/** A parsed file of a readable version (format already checked) as a current SavedModel. */
export function migrateSavedModel(saved: SavedModel, file?: string): SavedModel {
  if (saved.version === MODEL_FORMAT_VERSION) return saved;
  if (saved.kind === 'cox') {
    throw new ModelError(`a Cox model of format version ${saved.version} scored a different probability and cannot be read by this churnscope`, { file, hint: 'Retrain the model with this version: churnscope train --config <file> --out <dir>.' });
  }
  // A corrupt file may lack any section: the schema that follows names what is missing.
  const { horizon_months: _unused, ...scoring } = (saved.scoring ?? {}) as SavedModel['scoring'] & { horizon_months?: number };
  return {
    ...saved,
    version: MODEL_FORMAT_VERSION,
    scoring: { ...scoring, drift_limit: scoring.drift_limit ?? DEFAULT_DRIFT_LIMIT },
    drift_reference: saved.drift_reference ?? null,
  };
}
