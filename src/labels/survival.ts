/**
 * Survival labels: over which span of its tenure each labelled row was watched, and how a row's
 * window start is read back from its features when it is scored.
 *
 * A churn label covers a window: Telco's `Churn` is "left within the last month"; a panel's label
 * is the outcome window after the gap. A row was at risk only on that window, (entry, exit]; its
 * earlier months were not watched (a customer who left then is not in the table at all), so the
 * row enters the risk sets at the window's start (left truncation). `entry: "origin"` instead
 * treats every row as watched since joining, for a cohort table that holds everyone who joined.
 */
import type { FeatureMatrix } from '../data/matrix.js';

export const DAYS_PER_MONTH = 365.25 / 12;
export const WEEKS_PER_MONTH = DAYS_PER_MONTH / 7;

export type DurationUnit = 'days' | 'weeks' | 'months';

/** Duration units per month. */
export function unitsPerMonth(unit: DurationUnit): number {
  return unit === 'days' ? DAYS_PER_MONTH : unit === 'weeks' ? WEEKS_PER_MONTH : 1;
}

/** How a survival model reads a row's window start: its tenure column plus an offset. */
export interface SurvivalTime {
  feature: string; // the matrix column with the customer's tenure (duration units)
  offset: number; // window start = tenure + offset (customer tables 0; panels 1 + gap months)
  window: number; // the label's window, duration units: churn_probability = P(churn within it)
  month: number; // duration units per month, to read horizons given in months
}

export interface SurvivalLabels {
  exit: Float64Array; // end of the watched span: the churn time for churners
  entry: Float64Array; // start of the watched span: the window start, or 0 from the origin
  start: Float64Array; // the window start: where the label's window began
  time: SurvivalTime;
}

export type EntryMode = 'window_start' | 'origin';

/** Longest plausible time on network: 50 years. */
const MAX_PLAUSIBLE_MONTHS = 600;
/** A tenure in months past 20 years is rare in telecom; in days it is under 8 months. */
const DAYS_LIKE_MONTHS = 240;

/**
 * Warnings for durations that do not fit their unit: above 600 months once converted, or, read as
 * months, so long that they are more likely days (horizons are in months and converted by the unit).
 */
export function durationUnitWarnings(duration: Float64Array, column: string, unit: DurationUnit): string[] {
  let max = 0;
  for (const v of duration) if (v > max) max = v;
  const months = max / unitsPerMonth(unit);
  const longest = `the longest duration in "${column}" is ${max.toLocaleString('en')} ${unit}`;
  if (months > MAX_PLAUSIBLE_MONTHS) {
    return [`${longest}${unit === 'months' ? '' : ` (${Math.round(months).toLocaleString('en')} months)`}, over ${MAX_PLAUSIBLE_MONTHS} months (50 years): check duration_unit ("${unit}"); survival horizons in months are converted by it`];
  }
  if (unit === 'months' && months > DAYS_LIKE_MONTHS) {
    return [`${longest} (${(months / 12).toFixed(0)} years): it looks like days; if it counts days, set duration_unit: "days" (horizons in months are converted by it)`];
  }
  return [];
}

/**
 * A customer table: durations are tenures at the snapshot, which closes the label's window; a
 * churner's is the tenure at leaving. Live customers are scored at their current tenure.
 */
export function tableSurvival(duration: Float64Array, feature: string, windowMonths: number, unit: DurationUnit, mode: EntryMode): SurvivalLabels {
  const month = unitsPerMonth(unit);
  const window = windowMonths * month;
  const start = duration.map((d) => Math.max(0, d - window));
  return {
    exit: Float64Array.from(duration),
    entry: mode === 'origin' ? new Float64Array(duration.length) : start,
    start,
    time: { feature, offset: 0, window, month },
  };
}

/**
 * A panel snapshot at month T: `tenure` is the tenure at T, `duration` the tenure at leaving (or at
 * the window's end). The window opens 1 + gap months after T and lasts `outcome` months; a churn
 * dated within a month is put at that month's end, inside the window.
 */
export function panelSurvival(tenure: Float64Array, duration: Float64Array, event: Uint8Array, feature: string, gap: number, outcome: number, mode: EntryMode): SurvivalLabels {
  const offset = 1 + gap;
  const start = tenure.map((t) => t + offset);
  const exit = start.map((s, i) => (event[i] === 1 ? Math.min(s + outcome, Math.max(s + 1, duration[i])) : s + outcome));
  return {
    exit,
    entry: mode === 'origin' ? new Float64Array(tenure.length) : start,
    start,
    time: { feature, offset, window: outcome, month: 1 },
  };
}

/** The tenure column's values that put each labelled row's window start where its label's window began. */
export function tenureAtWindowStart(labels: SurvivalLabels): Float64Array {
  return labels.start.map((s) => Math.max(0, s - labels.time.offset));
}

/**
 * The matrix a survival model scores a labelled row with: its tenure column set to the tenure at
 * the start of the row's label window, the moment the list would have scored the customer.
 */
export function atWindowStart(x: FeatureMatrix, labels: SurvivalLabels): FeatureMatrix {
  const j = x.features.indexOf(labels.time.feature);
  if (j < 0) return x;
  const columns = [...x.columns];
  columns[j] = tenureAtWindowStart(labels);
  return { rows: x.rows, features: x.features, columns };
}
