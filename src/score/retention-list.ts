/**
 * The ranked retention list in memory: one scored batch, ranked (by value at risk by default,
 * ties by id) and filtered by segment, tier and top N. The batch job ranks the same way in SQL.
 */
import type { CustomerTable } from '../ingest/table.js';
import type { OutColumn } from '../io/table-writer.js';
import type { LoadedModel } from './load-model.js';
import { rankOrder } from './rank.js';
import { resolveRankBy, scoreBatch, type RankBy } from './score-batch.js';

export { modelMatrix } from './model-matrix.js';
export { REASONS_PER_CUSTOMER } from './score-batch.js';

export interface ListOptions {
  rankBy?: RankBy;
  segment?: string;
  tier?: 'high' | 'medium' | 'low';
  top?: number;
  previous?: Map<string, number> | null;
}

function pick(column: OutColumn, order: readonly number[]): OutColumn {
  switch (column.type) {
    case 'int': return { ...column, values: Int32Array.from(order, (i) => column.values[i]) };
    case 'double': return { ...column, values: Float64Array.from(order, (i) => column.values[i]) };
    case 'bool': return { ...column, values: Uint8Array.from(order, (i) => column.values[i]) };
    case 'text': return { ...column, values: order.map((i) => column.values[i]) };
  }
}

export function retentionList(loaded: LoadedModel, table: CustomerTable, options: ListOptions = {}): OutColumn[] {
  const batch = scoreBatch(loaded, table, resolveRankBy(loaded, options.rankBy), options.previous ?? null);
  let order = Array.from(rankOrder(batch.key, batch.ids));
  if (options.segment !== undefined) order = order.filter((i) => batch.segments?.[i] === options.segment);
  if (options.tier !== undefined) order = order.filter((i) => batch.tiers[i] === options.tier);
  if (options.top !== undefined) order = order.slice(0, options.top);
  return [{ name: 'rank', type: 'int', values: Int32Array.from(order, (_, k) => k + 1) }, ...batch.columns.map((c) => pick(c, order))];
}
