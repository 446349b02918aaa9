/**
 * Older saved-model files, brought up to the current format when read, so a model trained
 * before an upgrade still scores. Version 1 lacks the training reference distributions (drift
 * is then reported as not checked) and the drift limit (the default applies).
 */
import { DEFAULT_DRIFT_LIMIT } from '../config/schema.js';
import { MODEL_FORMAT_VERSION, type SavedModel } from './artifact.js';

/** The format versions this churnscope reads: the current one and those it migrates. */
export const READABLE_VERSIONS: readonly number[] = [1, MODEL_FORMAT_VERSION];

/** A parsed file of a readable version (format already checked) as a current SavedModel. */
export function migrateSavedModel(saved: SavedModel): SavedModel {
  if (saved.version !== 1) return saved;
  return {
    ...saved,
    version: MODEL_FORMAT_VERSION,
    scoring: { ...saved.scoring, drift_limit: saved.scoring.drift_limit ?? DEFAULT_DRIFT_LIMIT },
    drift_reference: null,
  };
}
