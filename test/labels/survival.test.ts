/**
 * Survival labels: the span each labelled row was watched over, for a customer table (the label's
 * window closes at the row's tenure) and for a panel snapshot (the window opens 1 + gap months
 * after T), and the tenure a labelled row is scored at.
 */
import { describe, expect, it } from 'vitest';
import { makeMatrix } from '../../src/data/matrix.js';
import { atWindowStart, DAYS_PER_MONTH, durationUnitWarnings, panelSurvival, tableSurvival, tenureAtWindowStart, unitsPerMonth, WEEKS_PER_MONTH } from '../../src/labels/survival.js';

const F = (a: number[]): Float64Array => Float64Array.from(a);
const arr = (a: Float64Array): number[] => Array.from(a);

describe('survival labels', () => {
  it('counts months in days and weeks', () => {
    expect(DAYS_PER_MONTH).toBe(30.4375);
    expect(WEEKS_PER_MONTH).toBe(30.4375 / 7);
    expect([unitsPerMonth('months'), unitsPerMonth('days'), unitsPerMonth('weeks')]).toEqual([1, 30.4375, 30.4375 / 7]);
  });

  it('warns on durations that do not fit their unit: over 600 months, or months that look like days', () => {
    expect(durationUnitWarnings(F([0, 72, 12]), 'tenure', 'months')).toEqual([]);
    expect(durationUnitWarnings(F([5, 240]), 'tenure', 'months')).toEqual([]); // 20 years: rare, plausible
    expect(durationUnitWarnings(F([5, 241]), 'tenure', 'months')).toEqual(['the longest duration in "tenure" is 241 months (20 years): it looks like days; if it counts days, set duration_unit: "days" (horizons in months are converted by it)']);
    expect(durationUnitWarnings(F([3, 2190]), 'tenure', 'months')).toEqual(['the longest duration in "tenure" is 2,190 months, over 600 months (50 years): check duration_unit ("months"); survival horizons in months are converted by it']);
    expect(durationUnitWarnings(F([3, 2190]), 'days_active', 'days')).toEqual([]); // 72 months
    expect(durationUnitWarnings(F([3, 18262]), 'days_active', 'days')).toEqual([]); // 599.98 months
    expect(durationUnitWarnings(F([18263]), 'days_active', 'days')).toEqual(['the longest duration in "days_active" is 18,263 days (600 months), over 600 months (50 years): check duration_unit ("days"); survival horizons in months are converted by it']);
    expect(durationUnitWarnings(F([3000]), 'weeks_on', 'weeks')).toHaveLength(1); // 689.9 months
    // The longest wherever it sits; exactly 600 months is not over 600 (but, read as months, looks like days).
    expect(durationUnitWarnings(F([241, 5]), 'tenure', 'months')).toEqual(durationUnitWarnings(F([5, 241]), 'tenure', 'months'));
    expect(durationUnitWarnings(F([600]), 'tenure', 'months')).toEqual(['the longest duration in "tenure" is 600 months (50 years): it looks like days; if it counts days, set duration_unit: "days" (horizons in months are converted by it)']);
  });

  it('a customer table: watched over the last window of its tenure, never before joining', () => {
    const s = tableSurvival(F([3, 10, 0.5]), 'tenure', 1, 'months', 'window_start');
    expect([arr(s.exit), arr(s.entry), arr(s.start)]).toEqual([[3, 10, 0.5], [2, 9, 0], [2, 9, 0]]);
    expect(s.time).toEqual({ feature: 'tenure', offset: 0, window: 1, month: 1 });
    // From the origin: at risk since joining, the window's start unchanged.
    const o = tableSurvival(F([3, 10]), 'tenure', 2, 'months', 'origin');
    expect([arr(o.entry), arr(o.start), o.time.window]).toEqual([[0, 0], [1, 8], 2]);
    // Tenure in days: the window is a month of days.
    const d = tableSurvival(F([100, 20]), 'tenure_days', 1, 'days', 'window_start');
    expect([arr(d.start), d.time]).toEqual([[100 - 30.4375, 0], { feature: 'tenure_days', offset: 0, window: 30.4375, month: 30.4375 }]);
  });

  it('a panel: the window opens 1 + gap months after T; a churn inside it ends the span within its month', () => {
    // Tenures at T 5, 10, 2, 4; gap 1, outcome 2: windows open at 7, 12, 4, 6 and close at 9, 14, 6, 8.
    const s = panelSurvival(F([5, 10, 2, 4]), F([7, 30, 5.5, 40]), Uint8Array.from([1, 0, 1, 1]), 'tenure_months', 1, 2, 'window_start');
    expect(arr(s.start)).toEqual([7, 12, 4, 6]);
    // A churn dated before its window's first month's end is put at that month's end (start + 1); after the window, at its close.
    expect(arr(s.exit)).toEqual([8, 14, 5.5, 8]);
    expect(arr(s.entry)).toEqual([7, 12, 4, 6]);
    expect(s.time).toEqual({ feature: 'tenure_months', offset: 2, window: 2, month: 1 });
    expect(arr(panelSurvival(F([5]), F([7]), Uint8Array.from([1]), 't', 0, 3, 'origin').entry)).toEqual([0]);
    expect(panelSurvival(F([5]), F([7]), Uint8Array.from([1]), 't', 0, 3, 'origin').time.offset).toBe(1);
    // Scored at the tenure where its window began.
    expect(arr(tenureAtWindowStart(s))).toEqual([5, 10, 2, 4]);
  });

  it('scores a labelled row with its tenure column set to the tenure at its window start', () => {
    const s = tableSurvival(F([3, 0.5]), 'tenure', 1, 'months', 'window_start');
    const x = makeMatrix(['a', 'tenure'], [F([7, 8]), F([3, 0.5])]);
    const at = atWindowStart(x, s);
    expect(at.features).toEqual(['a', 'tenure']);
    expect(at.columns.map(arr)).toEqual([[7, 8], [2, 0]]);
    expect(arr(x.columns[1])).toEqual([3, 0.5]); // the input left as it was
    const first = makeMatrix(['tenure', 'a'], [F([3, 0.5]), F([7, 8])]); // the tenure column first
    expect(atWindowStart(first, s).columns.map(arr)).toEqual([[2, 0], [7, 8]]);
    const none = makeMatrix(['a'], [F([7, 8])]);
    expect(atWindowStart(none, s)).toBe(none);
  });
});
