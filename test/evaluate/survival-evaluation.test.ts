import { describe, expect, it } from 'vitest';
import { makeMatrix } from '../../src/data/matrix.js';
import { evaluateSurvival, ipcwSkipReason } from '../../src/evaluate/survival-evaluation.js';
import { censoringSurvival, stepAt, unoC } from '../../src/evaluate/survival-metrics.js';
import { kaplanMeier, survivalAt } from '../../src/models/kaplan-meier.js';
import { tableSurvival } from '../../src/labels/survival.js';

// Six customers, tenures 1..6 months, churn flag over the last month (Telco's meaning).
const tenure = Float64Array.from([1, 2, 3, 4, 5, 6]);
const churned = Uint8Array.from([1, 0, 1, 1, 0, 1]);
const risk = Float64Array.from([0.9, 0.3, 0.7, 0.2, 0.4, 0.1]);
const x = makeMatrix(['risk'], [risk]);
// S(t | x) = exp(−risk·t/10): any curve will do, the metrics are what is checked.
const curve = (m: typeof x, times: readonly number[]): Float64Array[] => times.map((t) => m.columns[0].map((r) => Math.exp((-r * t) / 10)));

const labelsOf = (mode: 'window_start' | 'origin') => {
  const labels = tableSurvival(tenure, 'tenure', 1, 'months', mode);
  return { train: labels, test: labels };
};
const evaluate = (mode: 'window_start' | 'origin') => evaluateSurvival(curve, x, risk, { train: churned, test: churned }, labelsOf(mode));

describe('survival evaluation with delayed entry', () => {
  it('the censoring Kaplan–Meier over the true risk sets has no weight to give (hand-worked)', () => {
    // Each row watched over (tenure − 1, tenure]: at t = 2 only the row leaving at 2 is at risk, and
    // it is censored, so G(2) = 1 − 1/1 = 0. Ignoring entry (scikit-survival), G(2) = 1 − 1/5 = 0.8.
    const { entry } = labelsOf('window_start').train;
    expect(Array.from(entry)).toEqual([0, 1, 2, 3, 4, 5]);
    const censored = churned.map((e) => 1 - e);
    expect(survivalAt(kaplanMeier(tenure, censored, entry), 2)).toBe(0);
    expect(stepAt(censoringSurvival(tenure, churned), 2)).toBeCloseTo(0.8, 15);
  });

  it("refuses Uno's C, td-AUC and the IBS, saying why, when rows enter late", () => {
    const { metrics, curves } = evaluate('window_start');
    expect(metrics).toEqual({
      ipcw_skipped: 'uno_c, td_auc_* and ibs not computed: 10 of 12 rows were watched only from their window\'s start (delayed entry), and their censoring weights assume follow-up since joining; survival.entry "origin" computes them for a table that holds every customer who joined',
    });
    expect(curves.calibration_12m.length).toBeGreaterThan(0); // the entry-aware Kaplan–Meier calibration stays
  });

  it('computes them as scikit-survival does when every row was watched since joining', () => {
    const { metrics } = evaluate('origin');
    expect(ipcwSkipReason(labelsOf('origin'))).toBeNull();
    expect(metrics).toMatchObject({ uno_c: Math.round(unoC(censoringSurvival(tenure, churned), tenure, churned, risk) * 1e9) / 1e9 });
    expect('ipcw_skipped' in metrics).toBe(false);
  });
});
