/**
 * Feature families over an operator panel, one set-based DuckDB query each, per customer active at
 * reference month T with an observation window of W months. Every query reads only months up to
 * and including T (usage month <= T, complaints opened before the end of T), and no further back
 * than its look-back (W months of usage, COMPLAINT_MONTHS of complaints): a month whose look-back
 * the data covers gets the same features wherever it sits in the data.
 */
import type { CatalogueEntry } from '../catalogue.js';

export interface Window {
  tStart: string; // first day of T
  tEnd: string; // first day of T+1 (exclusive)
  windowStart: string; // first day of T-W+1
}

const d = (iso: string): string => `DATE '${iso}'`;

/** Customers active at T: activated before T ends, not deactivated before T ends. */
export function activeAt(w: Window): string {
  return `SELECT customer_id, segment, plan, activation_date, contract_start_date, contract_end_date FROM customers
    WHERE activation_date < ${d(w.tEnd)} AND (deactivation_date IS NULL OR deactivation_date >= ${d(w.tEnd)})`;
}

/**
 * The end of the contract in force at T. The customers table holds the current contract; at a
 * month before it began (a training month), its end is years away, and only for customers who
 * stayed to renew: the end then in force is found by stepping back a term at a time (renewals
 * for the same term). Without a start date, the current end is all there is.
 */
function contractEndAt(w: Window): string {
  const term = `datediff('month', contract_start_date, contract_end_date)`;
  const back = `${term} * floor(datediff('month', ${d(w.tStart)}, contract_end_date) / ${term})`;
  return `CASE WHEN contract_start_date IS NULL OR contract_end_date <= contract_start_date OR contract_end_date < ${d(w.tStart)} THEN contract_end_date
      ELSE (contract_end_date - to_months(CAST(${back} AS INTEGER)))::DATE END`;
}

export function accountFamily(w: Window): string {
  return `SELECT customer_id, segment, plan,
      datediff('month', activation_date, ${d(w.tStart)})::DOUBLE AS tenure_months,
      CASE WHEN contract_end IS NULL OR contract_end < ${d(w.tStart)} THEN NULL
           ELSE datediff('month', ${d(w.tStart)}, contract_end)::DOUBLE END AS months_to_contract_end,
      (contract_end IS NOT NULL AND contract_end >= ${d(w.tStart)})::INTEGER::DOUBLE AS has_contract
    FROM (SELECT *, ${contractEndAt(w)} AS contract_end FROM base)`;
}

export function usageFamily(w: Window): string {
  const last = (c: string): string => `coalesce(sum(${c}) FILTER (WHERE lag = 0), 0)`;
  // Mean over the prior months present: a customer new to the data has fewer than three.
  const prior3 = (c: string): string => `avg(${c}) FILTER (WHERE lag BETWEEN 1 AND 3)`;
  return `WITH u AS (
      SELECT um.*, out_minutes + in_minutes AS minutes, datediff('month', month, ${d(w.tStart)}) AS lag
      FROM usage_monthly um SEMI JOIN base USING (customer_id)
      WHERE month >= ${d(w.windowStart)} AND month <= ${d(w.tStart)})
    SELECT customer_id,
      ${last('out_calls')}::DOUBLE AS out_calls,
      ${last('in_calls')}::DOUBLE AS in_calls,
      ${last('minutes')}::DOUBLE AS minutes,
      ${last('revenue')}::DOUBLE AS revenue,
      ${last('distinct_called')}::DOUBLE AS distinct_called,
      ((${last('out_calls')} / NULLIF(${last('in_calls')}, 0)) / NULLIF(sum(out_calls) / NULLIF(sum(in_calls), 0), 0) - 1)::DOUBLE AS call_ratio_change,
      (${last('out_calls')} / NULLIF(${prior3('out_calls')}, 0) - 1)::DOUBLE AS out_calls_change_3m,
      (${last('in_calls')} / NULLIF(${prior3('in_calls')}, 0) - 1)::DOUBLE AS in_calls_change_3m,
      (${last('minutes')} / NULLIF(${prior3('minutes')}, 0) - 1)::DOUBLE AS traffic_change_3m,
      (regr_slope(minutes, -lag) / NULLIF(avg(minutes), 0))::DOUBLE AS traffic_slope,
      (regr_slope(revenue, -lag) / NULLIF(avg(revenue), 0))::DOUBLE AS revenue_trend,
      (${last('revenue')} / NULLIF(${prior3('revenue')}, 0) - 1)::DOUBLE AS revenue_change_3m,
      (regr_slope(distinct_called, -lag) / NULLIF(avg(distinct_called), 0))::DOUBLE AS distinct_called_trend,
      (${last('distinct_called')} / NULLIF(${prior3('distinct_called')}, 0) - 1)::DOUBLE AS distinct_called_change_3m,
      (sum(dropped_calls) / NULLIF(sum(out_calls + in_calls), 0))::DOUBLE AS dropped_call_rate,
      avg(data_mb)::DOUBLE AS data_mb_avg,
      count(*)::DOUBLE AS months_observed
    FROM u GROUP BY customer_id`;
}

const COMPLAINT_CATEGORIES = ['billing', 'coverage', 'service', 'price'] as const;
/** How far back the complaint features look (complaints_6m is the longest). */
export const COMPLAINT_MONTHS = 6;

/** Months of data a reference month's features read: its usage window, or the complaints' look-back. */
export function historyMonths(window: number): number {
  return Math.max(window, COMPLAINT_MONTHS);
}

export function complaintFamily(w: Window): string {
  const since = (months: number): string => `opened_at >= ${d(w.tEnd)} - INTERVAL ${months} MONTH`;
  return `SELECT customer_id,
      count(*) FILTER (WHERE ${since(1)})::DOUBLE AS complaints_1m,
      count(*) FILTER (WHERE ${since(3)})::DOUBLE AS complaints_3m,
      count(*) FILTER (WHERE ${since(6)})::DOUBLE AS complaints_6m,
      count(*) FILTER (WHERE resolved_at IS NULL OR resolved_at >= ${d(w.tEnd)})::DOUBLE AS unresolved_complaints,
      ${COMPLAINT_CATEGORIES.map((c) => `count(*) FILTER (WHERE category = '${c}' AND ${since(6)})::DOUBLE AS complaints_${c}_6m`).join(',\n      ')},
      datediff('month', max(opened_at), ${d(w.tStart)})::DOUBLE AS months_since_complaint
    FROM complaints SEMI JOIN base USING (customer_id)
    WHERE opened_at < ${d(w.tEnd)} AND ${since(COMPLAINT_MONTHS)}
    GROUP BY customer_id`;
}

/** Zero, not missing, where a customer simply had no complaint. */
export const ZERO_WHEN_ABSENT = ['complaints_1m', 'complaints_3m', 'complaints_6m', 'unresolved_complaints', ...COMPLAINT_CATEGORIES.map((c) => `complaints_${c}_6m`)];

const entry = (name: string, formula: string, meaning: string, roles: string[] = []): CatalogueEntry => ({ name, formula, meaning, roles, derived: true });

export const PANEL_CATALOGUE: readonly CatalogueEntry[] = [
  entry('tenure_months', 'months from activation to T', 'months on the network'),
  entry('months_to_contract_end', 'months from T to the end of the contract in force at T (empty without a contract)', 'months until the contract can be ended without a fee'),
  entry('has_contract', '1 when a contract runs at T', 'whether the customer is under contract'),
  entry('out_calls', 'outgoing calls in month T', 'outgoing calls last month'),
  entry('in_calls', 'incoming calls in month T', 'incoming calls last month'),
  entry('minutes', 'out_minutes + in_minutes in month T', 'minutes of use last month'),
  entry('revenue', 'revenue in month T (ARPU)', 'revenue last month'),
  entry('distinct_called', 'distinct numbers called in month T', 'distinct numbers called last month'),
  entry('call_ratio_change', 'call_ratio at T / window call ratio − 1', 'change of the outgoing/incoming call ratio against the customer’s own average'),
  entry('out_calls_change_3m', 'out_calls(T) / mean(out_calls, T−3..T−1) − 1', 'change in outgoing calls against the previous 3 months'),
  entry('in_calls_change_3m', 'in_calls(T) / mean(in_calls, T−3..T−1) − 1', 'change in incoming calls against the previous 3 months'),
  entry('traffic_change_3m', 'minutes(T) / mean(minutes, T−3..T−1) − 1', 'change in total traffic against the previous 3 months'),
  entry('traffic_slope', 'slope of minutes over the window / mean minutes', 'trend of total traffic over the window, per month'),
  entry('revenue_trend', 'slope of revenue over the window / mean revenue', 'trend of revenue (ARPU) over the window, per month'),
  entry('revenue_change_3m', 'revenue(T) / mean(revenue, T−3..T−1) − 1', 'change in revenue against the previous 3 months'),
  entry('distinct_called_trend', 'slope of distinct numbers called over the window / mean', 'trend of the number of people the customer calls'),
  entry('distinct_called_change_3m', 'distinct_called(T) / mean(T−3..T−1) − 1', 'change in distinct numbers called against the previous 3 months'),
  entry('dropped_call_rate', 'Σ dropped_calls / Σ (out_calls + in_calls) over the window', 'share of calls dropped, a sign of poor coverage'),
  entry('data_mb_avg', 'mean data_mb over the window', 'mobile data used per month'),
  entry('months_observed', 'months with usage in the window', 'months of usage history'),
  entry('complaints_1m', 'complaints opened in month T', 'complaints in the last month'),
  entry('complaints_3m', 'complaints opened in T−2..T', 'complaints in the last 3 months'),
  entry('complaints_6m', 'complaints opened in T−5..T', 'complaints in the last 6 months'),
  entry('unresolved_complaints', `complaints opened in T−${COMPLAINT_MONTHS - 1}..T and not resolved by the end of T`, 'complaints still unresolved'),
  ...COMPLAINT_CATEGORIES.map((c) => entry(`complaints_${c}_6m`, `${c} complaints opened in T−5..T`, `${c} complaints in the last 6 months`)),
  entry('months_since_complaint', `months from the last complaint to T (${COMPLAINT_MONTHS} when none in T−${COMPLAINT_MONTHS - 1}..T)`, 'months since the last complaint'),
  entry('segment', 'as registered', 'customer segment (consumer or key account)'),
  entry('plan', 'as registered', 'tariff plan'),
];
