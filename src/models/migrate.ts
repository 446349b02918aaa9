/**
 * Older saved-model files, brought up to the current format when read, so a model trained
 * before an upgrade still scores. Version 1 lacks the training reference distributions (drift
 * is then reported as not checked) and the drift limit (the default applies). Versions 1 and 2
 * carry `scoring.horizon_months`, now unused; their Cox models scored an unconditional 12-month
 * probability and are refused (retrain).
 */
import { z } from 'zod';
import { DEFAULT_DRIFT_LIMIT } from '../config/schema.js';
import { ModelError } from '../errors.js';
import { MODEL_FORMAT_VERSION } from './artifact.js';

/** The format versions this churnscope reads: the current one and those it migrates. */
export const READABLE_VERSIONS: readonly number[] = [1, 2, MODEL_FORMAT_VERSION];

/** What migration reads of an older file: the parts it changes; everything else passes on to the model schema. */
const olderFile = z.looseObject({
  version: z.number(),
  kind: z.unknown(),
  scoring: z.looseObject({ drift_limit: z.unknown().optional(), horizon_months: z.unknown().optional() }).default({}),
  drift_reference: z.unknown().optional(),
});

/**
 * A parsed file of a readable version (format already checked) in the current shape, for the
 * model schema to check; what migration cannot read (a corrupt file) is left for that check to name.
 */
export function migrateSavedModel(parsed: unknown, file?: string): unknown {
  const older = olderFile.safeParse(parsed);
  if (!older.success || older.data.version === MODEL_FORMAT_VERSION) return parsed;
  const saved = older.data;
  if (saved.kind === 'cox') {
    throw new ModelError(`a Cox model of format version ${saved.version} scored a different probability and cannot be read by this churnscope`, { file, hint: 'Retrain the model with this version: churnscope train --config <file> --out <dir>.' });
  }
  // A corrupt file may lack any section: the schema that follows names what is missing.
  const { horizon_months: _unused, ...scoring } = saved.scoring;
  return {
    ...saved,
    version: MODEL_FORMAT_VERSION,
    scoring: { ...scoring, drift_limit: scoring.drift_limit ?? DEFAULT_DRIFT_LIMIT },
    drift_reference: saved.drift_reference ?? null,
  };
}
