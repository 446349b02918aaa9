/**
 * The scoring pipeline: saved model + customer file -> ranked retention list (CSV/Parquet/Arrow).
 */
import { encoderRawColumns } from '../data/encoder.js';
import { addDerivedFeatures } from '../features/derived.js';
import { readScoringTable } from '../ingest/read-table.js';
import type { CustomerTable } from '../ingest/table.js';
import { writeTable, type OutColumn } from '../io/table-writer.js';
import { loadSavedModel, type LoadedModel } from '../score/load-model.js';
import { rankOrder } from '../score/rank.js';
import { scoreTable, type Scores } from '../score/score-table.js';
import { riskTier } from '../score/tiers.js';

export interface ScoreOptions {
  model: string;
  input: string;
  out: string;
}

export interface ScoreResult {
  rows: number;
  out: string;
  model: string;
}

export async function readForModel(loaded: LoadedModel, input: string): Promise<CustomerTable> {
  const { saved } = loaded;
  const derived = new Set(saved.encoder.derived);
  const required = encoderRawColumns(saved.encoder).filter((c) => !derived.has(c));
  if (saved.scoring.duration !== null && !required.includes(saved.scoring.duration)) required.push(saved.scoring.duration);
  const table = await readScoringTable(input, { id: saved.scoring.id, roles: saved.encoder.roles, required });
  return addDerivedFeatures(table, saved.encoder.roles);
}

/** The ranked list's columns for a scored table. */
export function rankedColumns(loaded: LoadedModel, table: CustomerTable, scores: Scores): OutColumn[] {
  const order = rankOrder(scores.churn_probability);
  const n = order.length;
  const rank = Int32Array.from({ length: n }, (_, k) => k + 1);
  const pick = (a: Float64Array): Float64Array => Float64Array.from(order, (i) => a[i]);
  const p = pick(scores.churn_probability);
  const columns: OutColumn[] = [
    { name: 'rank', type: 'int', values: rank },
    { name: 'id', type: 'text', values: Array.from(order, (i) => table.ids[i]) },
    { name: 'churn_probability', type: 'double', values: p },
    { name: 'risk_tier', type: 'text', values: Array.from(p, (v) => riskTier(v, loaded.saved.scoring.tiers)) },
  ];
  if (scores.within !== undefined) {
    columns.push(
      { name: 'p_churn_3m', type: 'double', values: pick(scores.within[3]) },
      { name: 'p_churn_6m', type: 'double', values: pick(scores.within[6]) },
      { name: 'p_churn_12m', type: 'double', values: pick(scores.within[12]) },
    );
  }
  return columns;
}

export async function scoreFile(options: ScoreOptions): Promise<ScoreResult> {
  const loaded = await loadSavedModel(options.model);
  const table = await readForModel(loaded, options.input);
  const scores = scoreTable(loaded, table);
  await writeTable(options.out, rankedColumns(loaded, table, scores));
  return { rows: table.rows, out: options.out, model: loaded.saved.name };
}
