/**
 * What the list is ranked by and how customers fall into risk tiers: the rules the list query
 * applies in SQL, and the merge of shard lists repeats by ranking on the same key.
 */
import { UsageError } from '../../errors.js';
import { sqlDouble } from '../../io/duckdb.js';
import type { SavedModel } from '../../models/artifact.js';

export type RankBy = 'value_at_risk' | 'probability';
export type RiskTier = 'high' | 'medium' | 'low';
export const TIERS: readonly RiskTier[] = ['high', 'medium', 'low'];

/** Whether the model values customers: a revenue role or retention.value_column. */
export function hasValue(saved: SavedModel): boolean {
  return saved.scoring.retention.value_column !== undefined || saved.encoder.roles.revenue !== undefined;
}

/** Why a list without a value ranks by probability, as the summary and evaluation.json say it. */
export const NO_VALUE = 'the model has no revenue role or retention.value_column, so lists rank by churn probability and carry no value at risk';

/**
 * The ranking key: the one asked for, else the config's. A model without a value ranks by
 * probability unless value at risk is asked for on the command line, which it cannot honour.
 */
export function resolveRankBy(saved: SavedModel, rankBy: RankBy | undefined): RankBy {
  const chosen = rankBy ?? saved.scoring.retention.rank_by;
  if (chosen === 'value_at_risk' && !hasValue(saved)) {
    if (rankBy === 'value_at_risk') throw new UsageError('ranking by value at risk needs a revenue role or retention.value_column in the model; use --rank-by probability', { key: 'retention.rank_by' });
    return 'probability';
  }
  return chosen;
}

/** The tier of probability `p` (a SQL expression) as its index in TIERS: at or above a threshold is in its tier. */
export function tierIndexSql(p: string, tiers: { high: number; medium: number }): string {
  return `CASE WHEN ${p} >= ${sqlDouble(tiers.high)} THEN 0 WHEN ${p} >= ${sqlDouble(tiers.medium)} THEN 1 ELSE 2 END`;
}
