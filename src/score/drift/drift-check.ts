/**
 * The drift check before scoring: the month's input against the model's training distributions.
 * Past DRIFT_WARNING a warning names the features; past the limit scoring refuses (DriftError)
 * unless allowed. The result is the manifest's `drift` field.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DriftError } from '../../errors.js';
import { note } from '../../io/progress.js';
import type { LoadedModel } from '../../models/load-model.js';
import type { DriftSummary } from '../manifest.js';
import { measureDrift } from './drift.js';

export type { DriftSummary } from '../manifest.js';

/** PSI above this is a moderate shift: worth a warning, not a refusal. */
const DRIFT_WARNING = 0.1;


interface DriftOptions {
  file: string; // the input, for messages
  limit?: number; // default: the model's scoring.drift_limit
  allow?: boolean;
  view?: string; // the DuckDB view over the input; default "src"
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;
const listed = (fs: readonly { feature: string; psi: number }[]): string => fs.slice(0, 5).map((f) => `${f.feature} ${f.psi.toFixed(3)}`).join(', ') + (fs.length > 5 ? ` and ${fs.length - 5} more` : '');

/** Measures drift over the whole input (all shards: every shard's manifest then agrees). */
export async function checkDrift(con: DuckDBConnection, loaded: LoadedModel, options: DriftOptions): Promise<DriftSummary> {
  const limit = options.limit ?? loaded.saved.scoring.drift_limit;
  const allowed = options.allow === true;
  const base = { limit, allowed };
  const reference = loaded.saved.drift_reference ?? null;
  if (reference === null) {
    const msg = `drift not checked: the model file (format version 1) has no training reference distributions; retrain it to enable the check`;
    note(`warning: ${msg}`);
    return { ...base, checked: false, max_psi: null, features: [], warnings: [msg] };
  }
  const { rows, features: measured } = await measureDrift(con, options.view ?? 'src', reference, options.file);
  if (rows === 0) return { ...base, checked: false, max_psi: null, features: [], warnings: ['drift not checked: the input has no rows'] };

  const features = measured
    .map((f) => ({ feature: f.feature, psi: round(f.psi) }))
    .sort((a, b) => b.psi - a.psi || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0));
  const maxPsi = features.length === 0 ? null : features[0].psi;
  const past = features.filter((f) => f.psi > limit);
  if (past.length > 0 && !allowed) {
    throw new DriftError(
      `the input has drifted from the training data past the PSI limit ${limit}: ${listed(past)}.`,
      past,
      { file: options.file, column: past[0].feature, key: 'drift_limit', hint: "Check this month's extract; to score anyway, rerun with --allow-drift (or raise --drift-limit)." },
    );
  }
  const warnings: string[] = [];
  const shifted = features.filter((f) => f.psi > DRIFT_WARNING);
  if (shifted.length > 0) warnings.push(`PSI above ${DRIFT_WARNING} (the input has shifted from the training data): ${listed(shifted)}`);
  if (past.length > 0) warnings.push(`PSI above the limit ${limit}, scored anyway (--allow-drift): ${listed(past)}`);
  for (const w of warnings) note(`warning: ${w}`);
  return { ...base, checked: true, max_psi: maxPsi, features, warnings };
}
