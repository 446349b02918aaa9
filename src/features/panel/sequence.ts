/**
 * The monthly sequence family: for each customer active at reference month T, the last W months
 * of the usage channels one column per channel and month (`seq_<channel>_lag<k>`, k months before
 * T), and a mask column per month (`seq_active_lag<k>`: 1 when the month is inside the data and
 * the customer was active, 0 before activation or before the data starts, where the channels are
 * empty). What the sequence model reads instead of hand-made summaries. Like every family it reads
 * nothing after T: usage up to month T, complaints opened before T ends, and a complaint counts as
 * unresolved at a month's end when it was not resolved by then.
 */
import { monthStart } from '../../months.js';
import type { CatalogueEntry } from '../catalogue.js';

export interface SequenceChannel {
  name: string;
  meaning: string; // plural noun phrase: "outgoing calls"
  /** Counts and amounts are log-scaled before standardising (they are skewed). */
}

/** The channels, in the order the model reads them. */
export const SEQUENCE_CHANNELS: readonly SequenceChannel[] = [
  { name: 'out_calls', meaning: 'outgoing calls' },
  { name: 'in_calls', meaning: 'incoming calls' },
  { name: 'out_minutes', meaning: 'outgoing minutes' },
  { name: 'in_minutes', meaning: 'incoming minutes' },
  { name: 'data_mb', meaning: 'data traffic' },
  { name: 'revenue', meaning: 'revenue' },
  { name: 'distinct_called', meaning: 'distinct numbers called' },
  { name: 'dropped_calls', meaning: 'dropped calls' },
  { name: 'complaints', meaning: 'complaints opened' },
  { name: 'unresolved', meaning: 'unresolved complaints' },
];

const USAGE_CHANNELS = ['out_calls', 'in_calls', 'out_minutes', 'in_minutes', 'data_mb', 'revenue', 'distinct_called', 'dropped_calls'];

const SEQUENCE_PREFIX = 'seq_';
export const MASK_CHANNEL = 'active';

export function sequenceColumn(channel: string, lag: number): string {
  return `${SEQUENCE_PREFIX}${channel}_lag${lag}`;
}

/** A sequence column's channel and lag, or null for any other column. */
export function parseSequenceColumn(name: string): { channel: string; lag: number } | null {
  const m = /^seq_(\w+?)_lag(\d+)$/.exec(name);
  return m === null ? null : { channel: m[1], lag: Number(m[2]) };
}

const d = (iso: string): string => `DATE '${iso}'`;

/**
 * The family's query over the temp table `base` (customers active at T), one row per customer.
 * `t` is T's month index, `months` the window W, `firstMonth` the data's first month (YYYY-MM).
 */
export function sequenceFamily(t: number, months: number, firstMonth: string): string {
  const lags = Array.from({ length: months }, (_, k) => `(${k}, ${d(monthStart(t - k))}, ${d(monthStart(t - k + 1))})`).join(', ');
  const cell = (c: string): string => `CASE WHEN g.active = 1 THEN coalesce(u.${c}, 0) END AS ${c}`;
  const pivot = [
    ...Array.from({ length: months }, (_, k) => SEQUENCE_CHANNELS.map((c) => `max(${c.name}) FILTER (WHERE lag = ${k})::DOUBLE AS ${sequenceColumn(c.name, k)}`)).flat(),
    ...Array.from({ length: months }, (_, k) => `max(active) FILTER (WHERE lag = ${k})::DOUBLE AS ${sequenceColumn(MASK_CHANNEL, k)}`),
  ];
  return `WITH lags(lag, month, month_end) AS (VALUES ${lags}),
    grid AS (
      SELECT b.customer_id, l.lag, l.month, l.month_end,
        (l.month >= ${d(`${firstMonth}-01`)} AND l.month >= date_trunc('month', b.activation_date))::INTEGER AS active
      FROM base b CROSS JOIN lags l),
    u AS (
      SELECT customer_id, month, ${USAGE_CHANNELS.join(', ')} FROM usage_monthly SEMI JOIN base USING (customer_id)
      WHERE month >= ${d(monthStart(t - months + 1))} AND month <= ${d(monthStart(t))}),
    opened AS (
      SELECT customer_id, CAST(date_trunc('month', opened_at) AS DATE) AS month, count(*) AS n FROM complaints SEMI JOIN base USING (customer_id)
      WHERE opened_at >= ${d(monthStart(t - months + 1))} AND opened_at < ${d(monthStart(t + 1))} GROUP BY 1, 2),
    open_at_end AS (
      SELECT g.customer_id, g.lag, count(*) AS n FROM grid g JOIN complaints c
        ON c.customer_id = g.customer_id AND c.opened_at < g.month_end AND (c.resolved_at IS NULL OR c.resolved_at >= g.month_end)
      GROUP BY 1, 2),
    cells AS (
      SELECT g.customer_id, g.lag, g.active, ${USAGE_CHANNELS.map(cell).join(', ')},
        CASE WHEN g.active = 1 THEN coalesce(o.n, 0) END AS complaints,
        CASE WHEN g.active = 1 THEN coalesce(q.n, 0) END AS unresolved
      FROM grid g
      LEFT JOIN u ON u.customer_id = g.customer_id AND u.month = g.month
      LEFT JOIN opened o ON o.customer_id = g.customer_id AND o.month = g.month
      LEFT JOIN open_at_end q ON q.customer_id = g.customer_id AND q.lag = g.lag)
    SELECT customer_id, ${pivot.join(',\n      ')}
    FROM cells GROUP BY customer_id`;
}

/** Catalogue entries for the sequence columns of a window of `months`. */
export function sequenceCatalogue(months: number): CatalogueEntry[] {
  const when = (k: number): string => (k === 0 ? 'in month T' : `${k} month${k === 1 ? '' : 's'} before T`);
  const out: CatalogueEntry[] = [];
  for (let k = 0; k < months; k++) {
    for (const c of SEQUENCE_CHANNELS) out.push({ name: sequenceColumn(c.name, k), formula: `${c.name} ${when(k)}`, meaning: `${c.meaning} ${when(k)}`, roles: [], derived: true });
    out.push({ name: sequenceColumn(MASK_CHANNEL, k), formula: `1 when the customer was active ${when(k)} and the data covers it`, meaning: `active ${when(k)}`, roles: [], derived: true });
  }
  return out;
}
