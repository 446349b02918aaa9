/**
 * Churn economics from a scored list, in SQL so a list of millions aggregates without loading it:
 * customers and revenue at risk by tier and segment, the expected saving of a campaign on the top
 * N, and how often each driver is among the at-risk customers' reasons.
 */
import { InputError } from '../errors.js';
import { withDuckDB } from '../io/duckdb.js';
import { duckMessage, withInputFiles } from '../io/input-file.js';
import { openTable } from '../io/open-table.js';
import { TIERS } from '../score/list/ranking.js';
import { listActions, type ListActions } from './actions.js';
import { driverOf } from './factors.js';

export interface Campaign { top_n: number; offer_cost: number; success_rate: number }
export const DEFAULT_CAMPAIGN: Campaign = { top_n: 1000, offer_cost: 10, success_rate: 0.3 };

export interface GroupRow { group: string; customers: number; mean_probability: number; revenue_at_risk: number }

/** A driver among a group's reasons, worded as the list words it (its most frequent sentence). */
export interface SegmentReason { driver: string; wording: string; share: number }

export interface Economics {
  customers: number;
  by_tier: GroupRow[]; // always high, medium, low
  by_segment: GroupRow[];
  campaign: Campaign & { contacted: number; revenue_at_risk: number; expected_saving: number; cost: number; net: number };
  driver_share_high_risk: Record<string, number>;
  top_reasons_by_segment: Record<string, SegmentReason[]>;
  actions: ListActions;
}

export async function economics(list: string, campaign: Campaign = DEFAULT_CAMPAIGN): Promise<Economics> {
  return withInputFiles([{ path: list, what: 'the scored list' }], ([file]) => withDuckDB(async (con) => {
    try {
      await openTable(con, 'list_file', file, { textColumns: ['id'] });
      await con.run('CREATE TABLE l AS SELECT * FROM list_file');
    } catch (e) {
      throw new InputError(`the scored list cannot be read: ${duckMessage(e, [file])}`, { file: list }, { cause: e });
    }
    const cols = new Set((await con.runAndReadAll('DESCRIBE l')).getRowsJS().map((r) => String(r[0])));
    const risk = cols.has('value_at_risk') ? 'value_at_risk' : '0';
    const group = async (expr: string): Promise<GroupRow[]> =>
      (await con.runAndReadAll(`SELECT CAST(${expr} AS VARCHAR) AS g, count(*)::INTEGER, avg(churn_probability)::DOUBLE, sum(${risk})::DOUBLE FROM l GROUP BY 1 ORDER BY 4 DESC, 1`)).getRowsJS()
        .map((r) => ({ group: String(r[0]), customers: Number(r[1]), mean_probability: Number(r[2]), revenue_at_risk: Number(r[3]) }));
    // Tiers in their own order, each shown even when no customer falls in it.
    const tiers = async (): Promise<GroupRow[]> => {
      const found = new Map((await group('risk_tier')).map((r) => [r.group, r]));
      return TIERS.map((t) => found.get(t) ?? { group: t, customers: 0, mean_probability: Number.NaN, revenue_at_risk: 0 });
    };
    const customers = Number((await con.runAndReadAll('SELECT count(*)::INTEGER FROM l')).getRowsJS()[0][0]);
    const topRisk = Number((await con.runAndReadAll(`SELECT coalesce(sum(${risk}), 0)::DOUBLE FROM (SELECT ${risk} FROM l ORDER BY rank LIMIT ${campaign.top_n})`)).getRowsJS()[0][0]);
    const contacted = Math.min(campaign.top_n, customers);
    const saving = topRisk * campaign.success_rate;
    const cost = contacted * campaign.offer_cost;
    // Drivers among the high tier's top-3 reasons (share of high-tier customers naming each).
    const reasonCols = [1, 2, 3].map((k) => `reason_${k}_feature`).filter((c) => cols.has(c));
    const share: Record<string, number> = {};
    const bySegment: Record<string, SegmentReason[]> = {};
    if (reasonCols.length > 0) {
      const union = reasonCols.map((c) => `SELECT id, ${cols.has('segment') ? 'segment' : "'all' AS segment"}, ${c} AS f, ${c.replace('_feature', '')} AS sentence FROM l WHERE risk_tier = 'high' AND ${c} IS NOT NULL`).join(' UNION ALL ');
      const high = Number((await con.runAndReadAll("SELECT count(*)::INTEGER FROM l WHERE risk_tier = 'high'")).getRowsJS()[0][0]);
      const rows = (await con.runAndReadAll(`SELECT f, count(DISTINCT id)::INTEGER FROM (${union}) GROUP BY 1`)).getRowsJS();
      for (const r of rows) {
        const d = driverOf(String(r[0]));
        share[d] = Math.min(1, (share[d] ?? 0) + (high > 0 ? Number(r[1]) / high : 0));
      }
      // A feature's wording is its most frequent sentence in the list (a one-hot level reads "not Two year" where the customer lacks it).
      const seg = (await con.runAndReadAll(`WITH u AS (${union}), n AS (SELECT segment, count(DISTINCT id) AS c FROM u GROUP BY 1)
        SELECT u.segment, u.f, (count(DISTINCT u.id) / any_value(n.c))::DOUBLE AS s, mode(u.sentence ORDER BY u.sentence) FROM u JOIN n USING (segment) GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2`)).getRowsJS();
      for (const r of seg) {
        const list2 = (bySegment[String(r[0])] ??= []);
        if (list2.length < 5) list2.push({ driver: String(r[1]), wording: String(r[3]), share: Math.round(Number(r[2]) * 1e4) / 1e4 });
      }
    }
    return {
      customers,
      by_tier: await tiers(),
      by_segment: cols.has('segment') ? await group('segment') : [],
      campaign: { ...campaign, contacted, revenue_at_risk: topRisk, expected_saving: saving, cost, net: saving - cost },
      driver_share_high_risk: share,
      top_reasons_by_segment: bySegment,
      actions: await listActions(con, cols),
    };
  }));
}
