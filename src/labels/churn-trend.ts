/**
 * The churn trend operators track before any model: per month of the panel, the customers active
 * at the month's start, how many of them were deactivated in the month and why (voluntary,
 * port-out, non-payment, fraud), the churn rate (all kinds), the voluntary churn rate (voluntary
 * and port-out, what the models predict) and the retention rate (1 − churn rate); the same rates
 * per segment; and the distribution of deactivation reasons over the months. A customer who joins
 * and leaves within one month is in no month's base, so is not counted.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { z } from 'zod';
import type { churnTrendSchema } from '../evaluate/files/evaluation-file.js';
import { monthIndex, monthName } from '../months.js';
import { DEACTIVATION_REASONS } from '../ingest/panel/open-panel.js';

export type ChurnTrend = z.output<typeof churnTrendSchema>;
export type DeactivationReason = ChurnTrend['reasons'][number]['reason'];
type TrendMonth = ChurnTrend['months'][number];
type SegmentTrendMonth = ChurnTrend['by_segment'][number];

/** Those who chose to leave, as the labels count them (labels/windows.ts). */
const VOLUNTARY_REASONS: readonly DeactivationReason[] = ['voluntary', 'port_out'];

const rate = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

/** The trend over the months first..last (YYYY-MM) of the panel's `customers` table. */
export async function churnTrend(con: DuckDBConnection, first: string, last: string): Promise<ChurnTrend> {
  const months = Array.from({ length: monthIndex(last) - monthIndex(first) + 1 }, (_, k) => monthName(monthIndex(first) + k));
  const counts = DEACTIVATION_REASONS.map((r) => `count(*) FILTER (WHERE left_in_month AND deactivation_reason = '${r}')::INTEGER AS "${r}"`);
  // Per month and segment: the base at the month's start and who of it left within the month.
  const rows = (await con.runAndReadAll(`
    WITH m AS (SELECT strftime(d, '%Y-%m') AS month, d::DATE AS start, (d + INTERVAL 1 MONTH)::DATE AS next
               FROM unnest([${months.map((x) => `DATE '${x}-01'`).join(', ')}]) t(d)),
         base AS (SELECT m.month, c.segment, c.deactivation_reason, c.deactivation_date IS NOT NULL AND c.deactivation_date < m.next AS left_in_month
                  FROM m JOIN customers c ON c.activation_date <= m.start AND (c.deactivation_date IS NULL OR c.deactivation_date >= m.start))
    SELECT month, coalesce(nullif(trim(segment), ''), '(no segment)') AS segment, count(*)::INTEGER AS active, ${counts.join(', ')}
    FROM base GROUP BY ALL ORDER BY month, segment`)).getRowObjectsJS();
  const voluntary = (r: Record<string, unknown>): number => VOLUNTARY_REASONS.reduce((s, k) => s + Number(r[k]), 0);
  const all = (r: Record<string, unknown>): number => DEACTIVATION_REASONS.reduce((s, k) => s + Number(r[k]), 0);

  const byMonth = months.map((month): TrendMonth => {
    const here = rows.filter((r) => r.month === month);
    const active = here.reduce((s, r) => s + Number(r.active), 0);
    const churned = Object.fromEntries(DEACTIVATION_REASONS.map((k) => [k, here.reduce((s, r) => s + Number(r[k]), 0)])) as Record<DeactivationReason, number>;
    const total = DEACTIVATION_REASONS.reduce((s, k) => s + churned[k], 0);
    const churnRate = rate(total, active);
    return { month, active, churned, churn_rate: churnRate, voluntary_rate: rate(VOLUNTARY_REASONS.reduce((s, k) => s + churned[k], 0), active), retention_rate: 1 - churnRate };
  });
  const bySegment = rows.map((r): SegmentTrendMonth => ({
    month: String(r.month), segment: String(r.segment), active: Number(r.active), churned: all(r), voluntary: voluntary(r),
    churn_rate: rate(all(r), Number(r.active)), voluntary_rate: rate(voluntary(r), Number(r.active)),
  }));
  const reasonTotal = byMonth.reduce((s, m) => s + DEACTIVATION_REASONS.reduce((t, k) => t + m.churned[k], 0), 0);
  const reasons = DEACTIVATION_REASONS.map((reason) => {
    const customers = byMonth.reduce((s, m) => s + m.churned[reason], 0);
    return { reason, customers, share: rate(customers, reasonTotal) };
  });
  return { months: byMonth, by_segment: bySegment, reasons };
}
