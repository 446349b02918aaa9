/**
 * Scores one batch of customers into the list's columns, unranked: probabilities, tiers, survival
 * horizons, value at risk, early-warning signals and the top reasons with actions. The ranking key
 * comes back beside them, so a batch job can rank out of core and a small run in memory.
 */
import { UsageError } from '../errors.js';
import { findColumn, type CustomerTable } from '../ingest/table.js';
import type { OutColumn } from '../io/table-writer.js';
import { rowRange, type FeatureMatrix } from '../data/matrix.js';
import type { ChurnModel } from '../models/model.js';
import { earlyWarnings, type Warnings } from './early-warning.js';
import type { LoadedModel } from './load-model.js';
import { reasonsOfRow, topContributions, type TopParts } from './reasons.js';
import { modelMatrix } from './model-matrix.js';
import { scoreMatrix, type Scores } from './score-table.js';
import { riskTier, type RiskTier } from './tiers.js';
import { customerValue } from './value.js';

export const REASONS_PER_CUSTOMER = 3;
export type RankBy = 'value_at_risk' | 'probability';

export interface ScoredBatch {
  columns: OutColumn[]; // id first; no rank
  key: Float64Array; // the ranking key per row (higher first)
  ids: readonly string[];
  tiers: string[];
  segments: (string | null)[] | null;
}

export function resolveRankBy(loaded: LoadedModel, rankBy: RankBy | undefined): RankBy {
  const chosen = rankBy ?? loaded.saved.scoring.retention.rank_by;
  const hasValue = loaded.saved.scoring.retention.value_column !== undefined || loaded.saved.encoder.roles.revenue !== undefined;
  if (chosen === 'value_at_risk' && !hasValue) {
    throw new UsageError('ranking by value at risk needs a revenue role or retention.value_column in the model; use --rank-by probability', { key: 'retention.rank_by' });
  }
  return chosen;
}

export const TIERS: readonly RiskTier[] = ['high', 'medium', 'low'];

/**
 * One batch scored on typed arrays: what both the in-memory list and the batch job are made of.
 * Tier, value at risk and the ranking key follow from these (scoreBatch here, SQL in the job).
 */
export interface TypedScores {
  x: FeatureMatrix;
  p: Float64Array;
  within?: Scores['within'];
  value: Float64Array | null;
  warnings: Warnings;
  reasons: TopParts;
}

/** `coded`: text columns as level codes (see encode). */
export function scoreTyped(loaded: LoadedModel, table: CustomerTable, previous: Map<string, number> | null = null, coded?: ReadonlyMap<string, Int32Array>): TypedScores {
  const { saved, model } = loaded;
  const x = modelMatrix(loaded, table, coded);
  const explained = explainTop(model, x);
  // The forest's walk for the reasons yields its probabilities too (the same sums, bit for bit).
  const scores = explained.probability !== null ? { churn_probability: explained.probability } : scoreMatrix(loaded, x);
  const p = scores.churn_probability;
  const value = customerValue(saved, table);
  const warnings = earlyWarnings(x, p, previous, table.ids, saved.scoring.retention.early_warning);
  return { x, p, within: scores.within, value, warnings, reasons: explained.top };
}

/** Rows explained at a time: a block's parts (rows × features) stay in the core's cache until its top reasons are taken. */
const EXPLAIN_BLOCK = 1024;

/** Each row's top reasons (and the probabilities, when explaining computes them), block by block. */
function explainTop(model: ChurnModel, x: FeatureMatrix): { top: TopParts; probability: Float64Array | null } {
  const k = REASONS_PER_CUSTOMER;
  if (model.explainBatch === undefined) return { top: topContributions(new Float64Array(x.rows * x.features.length), x.rows, x.features, k), probability: null };
  const feature = new Int32Array(x.rows * k);
  const contribution = new Float64Array(x.rows * k);
  let probability: Float64Array | null = null;
  for (let from = 0; from < x.rows; from += EXPLAIN_BLOCK) {
    const to = Math.min(x.rows, from + EXPLAIN_BLOCK);
    const e = model.explainBatch(rowRange(x, from, to));
    const top = topContributions(e.contributions, to - from, x.features, k);
    feature.set(top.feature, from * k);
    contribution.set(top.contribution, from * k);
    if (e.probability !== undefined) {
      probability ??= new Float64Array(x.rows);
      probability.set(e.probability, from);
    }
  }
  return { top: { k, feature, contribution }, probability };
}

export function scoreBatch(loaded: LoadedModel, table: CustomerTable, rankBy: RankBy, previous: Map<string, number> | null = null): ScoredBatch {
  const { saved } = loaded;
  const settings = saved.scoring.retention;
  const { x, p, within, value, warnings, reasons: top } = scoreTyped(loaded, table, previous);
  const atRisk = value === null ? null : value.map((v, i) => v * p[i]);
  const key = rankBy === 'value_at_risk' && atRisk !== null ? atRisk : p;
  const segmentCol = findColumn(table, settings.segment_column);
  const segments = segmentCol === undefined ? null : segmentCol.kind === 'text' ? [...segmentCol.values] : Array.from(segmentCol.values, String);
  const tiers = Array.from(p, (v) => riskTier(v, saved.scoring.tiers));
  const reasons = Array.from({ length: x.rows }, (_, i) => reasonsOfRow(top, i, x, settings.actions, saved.encoder.roles));

  const columns: OutColumn[] = [
    { name: 'id', type: 'text', values: table.ids },
    { name: 'churn_probability', type: 'double', values: p },
    { name: 'risk_tier', type: 'text', values: tiers },
  ];
  if (within !== undefined) {
    columns.push(
      { name: 'p_churn_3m', type: 'double', values: within[3] },
      { name: 'p_churn_6m', type: 'double', values: within[6] },
      { name: 'p_churn_12m', type: 'double', values: within[12] },
    );
  }
  if (value !== null && atRisk !== null) columns.push({ name: 'value', type: 'double', values: value }, { name: 'value_at_risk', type: 'double', values: atRisk });
  if (segments !== null) columns.push({ name: 'segment', type: 'text', values: segments });
  columns.push(
    { name: 'early_warning', type: 'bool', values: warnings.flag },
    { name: 'warning_signals', type: 'text', values: warnings.signals },
  );
  for (let r = 0; r < REASONS_PER_CUSTOMER; r++) {
    columns.push(
      { name: `reason_${r + 1}`, type: 'text', values: reasons.map((rs) => rs[r]?.sentence ?? null) },
      { name: `reason_${r + 1}_feature`, type: 'text', values: reasons.map((rs) => rs[r]?.feature ?? null) },
      { name: `reason_${r + 1}_contribution`, type: 'double', values: Float64Array.from(reasons, (rs) => rs[r]?.contribution ?? Number.NaN) },
      { name: `reason_${r + 1}_action`, type: 'text', values: reasons.map((rs) => rs[r]?.action ?? null) },
    );
  }
  return { columns, key, ids: table.ids, tiers, segments };
}
