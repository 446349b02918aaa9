/**
 * The ranked retention list: probabilities, tiers, value at risk, early warnings and the top three
 * reasons with actions per customer, ranked (by value at risk by default) and filtered.
 */
import { encode } from '../data/encoder.js';
import { selectFeatures, type FeatureMatrix } from '../data/matrix.js';
import { UsageError } from '../errors.js';
import { findColumn, type CustomerTable } from '../ingest/table.js';
import type { OutColumn } from '../io/table-writer.js';
import { earlyWarnings } from './early-warning.js';
import type { LoadedModel } from './load-model.js';
import { rankOrder } from './rank.js';
import { topReasons, type Reason } from './reasons.js';
import { scoreMatrix } from './score-table.js';
import { riskTier } from './tiers.js';
import { customerValue } from './value.js';

export const REASONS_PER_CUSTOMER = 3;

export interface ListOptions {
  rankBy?: 'value_at_risk' | 'probability';
  segment?: string;
  tier?: 'high' | 'medium' | 'low';
  top?: number;
  previous?: Map<string, number> | null;
}

export function modelMatrix(loaded: LoadedModel, table: CustomerTable): FeatureMatrix {
  return selectFeatures(encode(loaded.saved.encoder, table), loaded.saved.features);
}

/** Builds the list's columns for a scored table. */
export function retentionList(loaded: LoadedModel, table: CustomerTable, options: ListOptions = {}): OutColumn[] {
  const { saved, model } = loaded;
  const settings = saved.scoring.retention;
  const x = modelMatrix(loaded, table);
  const scores = scoreMatrix(loaded, x, table);
  const p = scores.churn_probability;
  const value = customerValue(saved, table);
  const rankBy = options.rankBy ?? settings.rank_by;
  if (rankBy === 'value_at_risk' && value === null) {
    throw new UsageError('ranking by value at risk needs a revenue role or retention.value_column in the model; use --rank-by probability', { key: 'retention.rank_by' });
  }
  const var_ = value === null ? null : value.map((v, i) => v * p[i]);
  const segmentCol = findColumn(table, settings.segment_column);
  const segmentOf = (i: number): string | null =>
    segmentCol === undefined ? null : segmentCol.kind === 'text' ? segmentCol.values[i] : String(segmentCol.values[i]);
  const tiers = Array.from(p, (v) => riskTier(v, saved.scoring.tiers));

  // Filter, then rank, then cut to the top N.
  let order = Array.from(rankOrder(rankBy === 'value_at_risk' && var_ !== null ? var_ : p));
  if (options.segment !== undefined) order = order.filter((i) => segmentOf(i) === options.segment);
  if (options.tier !== undefined) order = order.filter((i) => tiers[i] === options.tier);
  if (options.top !== undefined) order = order.slice(0, options.top);

  const warnings = earlyWarnings(x, p, options.previous ?? null, table.ids, settings.early_warning);
  const reasons: Reason[][] = order.map((i) => (model.explain === undefined ? [] : topReasons(model.explain(x, i), REASONS_PER_CUSTOMER, settings.actions, saved.encoder.roles)));

  const n = order.length;
  const pick = (a: Float64Array): Float64Array => Float64Array.from(order, (i) => a[i]);
  const columns: OutColumn[] = [
    { name: 'rank', type: 'int', values: Int32Array.from({ length: n }, (_, k) => k + 1) },
    { name: 'id', type: 'text', values: order.map((i) => table.ids[i]) },
    { name: 'churn_probability', type: 'double', values: pick(p) },
    { name: 'risk_tier', type: 'text', values: order.map((i) => tiers[i]) },
  ];
  if (scores.within !== undefined) {
    columns.push(
      { name: 'p_churn_3m', type: 'double', values: pick(scores.within[3]) },
      { name: 'p_churn_6m', type: 'double', values: pick(scores.within[6]) },
      { name: 'p_churn_12m', type: 'double', values: pick(scores.within[12]) },
    );
  }
  if (value !== null && var_ !== null) {
    columns.push({ name: 'value', type: 'double', values: pick(value) }, { name: 'value_at_risk', type: 'double', values: pick(var_) });
  }
  if (segmentCol !== undefined) columns.push({ name: 'segment', type: 'text', values: order.map(segmentOf) });
  columns.push(
    { name: 'early_warning', type: 'bool', values: Uint8Array.from(order, (i) => warnings.flag[i]) },
    { name: 'warning_signals', type: 'text', values: order.map((i) => warnings.signals[i]) },
  );
  for (let r = 0; r < REASONS_PER_CUSTOMER; r++) {
    columns.push(
      { name: `reason_${r + 1}`, type: 'text', values: reasons.map((rs) => rs[r]?.sentence ?? null) },
      { name: `reason_${r + 1}_feature`, type: 'text', values: reasons.map((rs) => rs[r]?.feature ?? null) },
      { name: `reason_${r + 1}_contribution`, type: 'double', values: Float64Array.from(reasons, (rs) => rs[r]?.contribution ?? Number.NaN) },
      { name: `reason_${r + 1}_action`, type: 'text', values: reasons.map((rs) => rs[r]?.action ?? null) },
    );
  }
  return columns;
}
