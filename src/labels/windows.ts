/**
 * Churn labels at reference month T: churned = voluntary deactivation (including port-out) in the
 * outcome window T+1+gap … T+gap+H; involuntary churn (non-payment, fraud) in the window and any
 * deactivation in the gap are excluded from both classes and counted. Value downgrade: a customer
 * in the top value band at T whose revenue stays below the band in every month of the window.
 */
export interface LabelSpec {
  gap: number; // months between T and the window (time to act)
  horizon: number; // months in the outcome window
  label: 'churn' | 'value_downgrade';
  topBand: number; // value_downgrade: the top share of ARPU at T, e.g. 0.2
}

export interface OutcomeWindow {
  start: string; // first day of T+1+gap
  end: string; // first day after the window (exclusive)
}

const d = (iso: string): string => `DATE '${iso}'`;

/** Per active customer: label (1, 0, or NULL = excluded), why excluded, survival duration and event. */
export function labelQuery(tStart: string, tEnd: string, window: OutcomeWindow, spec: LabelSpec): string {
  const inWindow = `deactivation_date >= ${d(window.start)} AND deactivation_date < ${d(window.end)}`;
  const voluntary = "deactivation_reason IN ('voluntary', 'port_out')";
  const churn = `CASE
        WHEN deactivation_date IS NOT NULL AND deactivation_date < ${d(window.start)} THEN NULL
        WHEN ${inWindow} AND ${voluntary} THEN 1
        WHEN ${inWindow} THEN NULL
        ELSE 0 END`;
  const excluded = `CASE
        WHEN deactivation_date IS NOT NULL AND deactivation_date < ${d(window.start)} THEN 'left_in_gap'
        WHEN ${inWindow} AND NOT (${voluntary}) THEN 'involuntary'
        ELSE NULL END`;
  const survival = `CASE WHEN ${inWindow} AND ${voluntary}
        THEN datediff('month', activation_date, deactivation_date) ELSE datediff('month', activation_date, ${d(window.end)}) END::DOUBLE`;
  if (spec.label === 'churn') {
    return `SELECT customer_id, ${churn} AS label, ${excluded} AS excluded, ${survival} AS duration FROM customers SEMI JOIN base USING (customer_id)`;
  }
  // Value downgrade: top band at T, below the band in every window month, still a customer.
  // (rev_t and later add only revenue, months and peak, so customer columns stay unambiguous.)
  return `WITH rev_t AS (
        SELECT customer_id, revenue FROM usage_monthly SEMI JOIN base USING (customer_id) WHERE month = ${d(tStart)}),
      band AS (SELECT quantile_cont(revenue, ${1 - spec.topBand}) AS threshold FROM rev_t),
      later AS (
        SELECT customer_id, count(*) AS months, max(revenue) AS peak FROM usage_monthly
        WHERE month >= ${d(window.start)} AND month < ${d(window.end)} GROUP BY customer_id)
    SELECT customer_id,
      CASE WHEN r.revenue IS NULL OR r.revenue < (SELECT threshold FROM band) THEN NULL
           WHEN ${churn} IS DISTINCT FROM 0 THEN NULL
           WHEN l.months = datediff('month', ${d(window.start)}, ${d(window.end)}) AND l.peak < (SELECT threshold FROM band) THEN 1
           ELSE 0 END AS label,
      CASE WHEN r.revenue IS NULL OR r.revenue < (SELECT threshold FROM band) THEN 'not_top_value'
           ELSE ${excluded} END AS excluded,
      ${survival} AS duration
    FROM customers c SEMI JOIN base USING (customer_id)
    LEFT JOIN rev_t r USING (customer_id) LEFT JOIN later l USING (customer_id)`;
}
