/**
 * What marketing can act on, from a scored list (in SQL, so a list of millions aggregates without
 * loading it): the suggested actions per risk tier and per segment, counted over each customer's
 * top reasons, and the first customers of the ranking with their reasons and actions.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../io/duckdb.js';
import { DEFAULT_ACTION } from '../score/batch/reasons.js';
import { TIERS } from '../score/list/ranking.js';

export interface ActionCount { action: string; customers: number; share: number }

export interface TopCustomer {
  rank: number;
  id: string;
  churn_probability: number;
  risk_tier: string;
  value_at_risk: number | null;
  segment: string | null;
  reasons: { sentence: string; action: string }[];
}

export interface ListActions {
  /** Per tier (high, medium, low): the most suggested actions, share = of the tier's customers. */
  by_tier: { tier: string; customers: number; actions: ActionCount[] }[];
  by_segment: { segment: string; customers: number; actions: ActionCount[] }[];
  top_customers: TopCustomer[];
}

const ACTIONS_SHOWN = 3;
const TOP_CUSTOMERS = 20;

export async function listActions(con: DuckDBConnection, cols: ReadonlySet<string>): Promise<ListActions> {
  const reasons = [1, 2, 3].filter((k) => cols.has(`reason_${k}_action`));
  const segment = cols.has('segment') ? 'CAST(segment AS VARCHAR)' : 'NULL';
  const counts = async (by: string): Promise<Map<string, { customers: number; actions: ActionCount[] }>> => {
    const out = new Map<string, { customers: number; actions: ActionCount[] }>();
    const totals = (await con.runAndReadAll(`SELECT ${by}, count(*)::INTEGER FROM l GROUP BY 1`)).getRowsJS();
    for (const [g, n] of totals) out.set(String(g), { customers: Number(n), actions: [] });
    if (reasons.length === 0) return out;
    // The fallback ("personal retention call") says nothing specific: the summary names the others.
    const union = reasons.map((k) => `SELECT id, ${by} AS g, CAST(reason_${k}_action AS VARCHAR) AS action FROM l WHERE reason_${k}_action IS NOT NULL AND CAST(reason_${k}_action AS VARCHAR) <> ${sqlString(DEFAULT_ACTION)}`).join(' UNION ALL ');
    const rows = (await con.runAndReadAll(`SELECT g, action, count(DISTINCT id)::INTEGER AS n FROM (${union}) GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2`)).getRowsJS();
    for (const [g, action, n] of rows) {
      const group = out.get(String(g));
      if (group !== undefined && group.actions.length < ACTIONS_SHOWN) group.actions.push({ action: String(action), customers: Number(n), share: Math.round((Number(n) / group.customers) * 1e4) / 1e4 });
    }
    return out;
  };
  const tiers = await counts('CAST(risk_tier AS VARCHAR)');
  // A customer without a segment is grouped under a name a reader understands, not "null".
  const segments = cols.has('segment') ? await counts(`coalesce(nullif(trim(${segment}), ''), '(no segment)')`) : new Map();
  const value = cols.has('value_at_risk') ? 'value_at_risk' : 'NULL';
  const top = (await con.runAndReadAll(`SELECT rank, CAST(id AS VARCHAR), churn_probability, CAST(risk_tier AS VARCHAR), ${value}, ${segment},
      ${reasons.map((k) => `CAST(reason_${k} AS VARCHAR), CAST(reason_${k}_action AS VARCHAR)`).join(', ') || 'NULL'}
    FROM l ORDER BY rank LIMIT ${TOP_CUSTOMERS}`)).getRowsJS();
  return {
    by_tier: TIERS.map((tier) => ({ tier, ...(tiers.get(tier) ?? { customers: 0, actions: [] }) })),
    by_segment: [...segments.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([seg, g]) => ({ segment: seg, ...g })),
    top_customers: top.map((r) => ({
      rank: Number(r[0]),
      id: String(r[1]),
      churn_probability: Number(r[2]),
      risk_tier: String(r[3]),
      value_at_risk: r[4] === null ? null : Number(r[4]),
      segment: r[5] === null ? null : String(r[5]),
      reasons: reasons.map((_, m) => ({ sentence: r[6 + 2 * m], action: r[7 + 2 * m] })).filter((x) => x.sentence !== null).map((x) => ({ sentence: String(x.sentence), action: String(x.action) })),
    })),
  };
}
