import { describe, expect, it } from 'vitest';
import { concordance } from '../../src/evaluate/concordance.js';
import {
  brierScore, calibrationAtHorizon, censoringSurvival, cumulativeDynamicAuc, integratedBrierScore, stepAt, unoC,
} from '../../src/evaluate/survival-metrics.js';
import { kaplanMeier, medianInterval, medianSurvival, survivalAt } from '../../src/models/kaplan-meier.js';
import { readReference } from '../helpers/telco.js';

// A small censored example, worked by hand below.
const time = Float64Array.from([1, 2, 3, 4, 5, 6]);
const event = Uint8Array.from([1, 0, 1, 1, 0, 1]);
// Censoring survival G: 1 before 2; 1 − 1/5 = 0.8 from 2 (5 at risk); 0.8 × (1 − 1/2) = 0.4 from 5.
const g = censoringSurvival(time, event);

describe('survival metrics on a hand-worked censored example', () => {
  it('estimates the censoring distribution', () => {
    expect(Array.from(g.times)).toEqual([2, 5]);
    expect(stepAt(g, 1.9)).toBe(1);
    expect(stepAt(g, 2)).toBeCloseTo(0.8, 15);
    expect(stepAt(g, 5)).toBeCloseTo(0.4, 15);
  });

  it("Uno's C weights each event's pairs by 1/G(T)²", () => {
    const risk = Float64Array.from([0.9, 0.3, 0.7, 0.2, 0.4, 0.1]);
    // Event at 1 (weight 1): 5 of 5 later rows lower. At 3 (1/0.8² = 1.5625): 3 of 3. At 4: 1 of 2.
    expect(unoC(g, time, event, risk)).toBeCloseTo((5 + 3 * 1.5625 + 1.5625) / (5 + 3 * 1.5625 + 2 * 1.5625), 12);
    expect(concordance(time, event, risk).c).toBeCloseTo(9 / 10, 12); // Harrell's: the same pairs unweighted
    // τ = 3.5 keeps the events at 1 and 3 only.
    expect(unoC(g, time, event, risk, 3.5)).toBe(1);
    // Without censoring the weights are all 1: Uno's C is Harrell's.
    const all = Uint8Array.from([1, 1, 1, 1, 1, 1]);
    expect(unoC(censoringSurvival(time, all), time, all, risk)).toBeCloseTo(concordance(time, all, risk).c, 12);
  });

  it('cumulative/dynamic AUC at 3.5: cases by 3.5 weighted 1/G(T), controls after, ties one half', () => {
    // Cases: T=1 (weight 1, marker 0.9) and T=3 (weight 1.25, marker 0.3); controls T=4,5,6 (0.3, 0.4, 0.1).
    const marker = Float64Array.from([0.9, 0.3, 0.3, 0.3, 0.4, 0.1]);
    expect(cumulativeDynamicAuc(g, time, event, marker, 3.5)).toBeCloseTo((1 * 3 + 1.25 * 1.5) / (2.25 * 3), 12);
  });

  it('Brier score at 3.5 and its integral over [1.5, 3.5]', () => {
    const s35 = Float64Array.from([0.2, 0.6, 0.5, 0.8, 0.7, 0.9]);
    // 0.2²/1 + (censored before: 0) + 0.5²/0.8 + (0.2² + 0.3² + 0.1²)/G(3.5) = 0.8
    const b35 = (0.04 + 0.3125 + (0.04 + 0.09 + 0.01) / 0.8) / 6;
    expect(brierScore(g, time, event, s35, 3.5)).toBeCloseTo(b35, 12);
    const s15 = Float64Array.from([0.3, 0.9, 0.8, 0.9, 0.95, 0.95]);
    const b15 = (0.09 + 0.01 + 0.04 + 0.01 + 0.0025 + 0.0025) / 6;
    expect(brierScore(g, time, event, s15, 1.5)).toBeCloseTo(b15, 12);
    expect(integratedBrierScore(g, time, event, [s15, s35], [1.5, 3.5])).toBeCloseTo(((b15 + b35) / 2) * 2 / 2, 12);
  });

  it('calibration at a horizon: deciles of the prediction beside each one’s Kaplan–Meier churn', () => {
    const predicted = Float64Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    const rows = calibrationAtHorizon(predicted, (r) => survivalAt(kaplanMeier(Float64Array.from(r, (i) => time[i]), Uint8Array.from(r, (i) => event[i])), 3.5), 3);
    // Groups {1,2}, {3,4}, {5,6}: KM at 3.5 of (event 1, censored 2) = 1/2; (event 3, event 4) = 1/2; (censored 5, event 6) = 1.
    expect(rows.map((r) => [r.rows, r.observed])).toEqual([[2, 0.5], [2, 0.5], [2, 0]]);
    rows.forEach((r, k) => expect(r.mean_predicted).toBeCloseTo([0.15, 0.35, 0.55][k], 12));
  });
});

interface MetricsReference {
  train: { time: number[]; event: number[] };
  test: { time: number[]; event: number[]; risk: number[] };
  times: number[];
  survival: Record<string, number[]>;
  censoring_survival_at: Record<string, number>;
  uno_c: { tau_inf: number; tau_12: number };
  cumulative_dynamic_auc: Record<string, number>;
  brier: Record<string, number>;
  integrated_brier: number;
}

describe('survival metrics against the brute-force definitions (scikit-survival\'s formulas, in Python)', () => {
  const ref = readReference<MetricsReference>('survival-metrics.json');
  const gt = censoringSurvival(Float64Array.from(ref.train.time), Uint8Array.from(ref.train.event));
  const t = Float64Array.from(ref.test.time);
  const e = Uint8Array.from(ref.test.event);
  const risk = Float64Array.from(ref.test.risk);

  it('agrees on G, Uno C, cumulative/dynamic AUC, Brier and the integrated Brier score', () => {
    for (const [at, v] of Object.entries(ref.censoring_survival_at)) expect(stepAt(gt, Number(at))).toBeCloseTo(v, 12);
    expect(unoC(gt, t, e, risk)).toBeCloseTo(ref.uno_c.tau_inf, 12);
    expect(unoC(gt, t, e, risk, 12)).toBeCloseTo(ref.uno_c.tau_12, 12);
    for (const at of ref.times) {
      expect(cumulativeDynamicAuc(gt, t, e, risk, at)).toBeCloseTo(ref.cumulative_dynamic_auc[String(at)], 12);
      expect(brierScore(gt, t, e, Float64Array.from(ref.survival[String(at)]), at)).toBeCloseTo(ref.brier[String(at)], 12);
    }
    expect(integratedBrierScore(gt, t, e, ref.times.map((at) => Float64Array.from(ref.survival[String(at)])), ref.times)).toBeCloseTo(ref.integrated_brier, 12);
  });
});

describe('Kaplan–Meier bands, median interval and delayed entry', () => {
  // times 1,2,2,3,4,5,5,6,7,8; events 1,1,0,1,0,1,1,0,1,0. Built inside each test, so Stryker sees which tests reach it.
  const fitted = () => kaplanMeier(Float64Array.from([1, 2, 2, 3, 4, 5, 5, 6, 7, 8]), Uint8Array.from([1, 1, 0, 1, 0, 1, 1, 0, 1, 0]));

  it("gives Greenwood's log(−log) band (statsmodels' SurvfuncRight standard errors, transformed)", () => {
    const km = fitted();
    expect(Array.from(km.events)).toEqual([1, 1, 1, 2, 1]);
    expect(Array.from(km.atRisk)).toEqual([10, 9, 7, 5, 2]);
    // S: 0.9, 0.8, 0.8·6/7, ·3/5, ·1/2; Greenwood Σ d/(n(n−d)): 1/90, +1/72, +1/42, +2/15, +1/2.
    expect(Array.from(km.survival)).toEqual([0.9, 0.7999999999999999, 0.6857142857142857, 0.4114285714285714, 0.2057142857142857]);
    const lower = [0.47300927136205034, 0.4086907816334043, 0.3045850742018473, 0.10251107031405539, 0.012258962986649836];
    const upper = [0.9852813933673431, 0.9458726458389117, 0.8871484950277075, 0.7073126519433031, 0.5666119701317767];
    lower.forEach((v, k) => expect(km.lower[k]).toBeCloseTo(v, 7));
    upper.forEach((v, k) => expect(km.upper[k]).toBeCloseTo(v, 7));
    // The band holds one half from t = 1 (lower edge 0.473) and its upper edge never reaches it.
    expect(medianInterval(km)).toEqual({ median: 5, lower: 1, upper: null });
  });

  it('counts a row at risk only on (entry, exit]', () => {
    // Rows (entry, exit, event): (0,1,1), (0,3,1), (2,3,0), (2,4,1). At 1: 2 at risk (the late entries not yet);
    // at 3: 3 at risk; at 4: 1.
    const k = kaplanMeier(Float64Array.from([1, 3, 3, 4]), Uint8Array.from([1, 1, 0, 1]), Float64Array.from([0, 0, 2, 2]));
    expect(Array.from(k.atRisk)).toEqual([2, 3, 1]);
    [0.5, 1 / 3, 0].forEach((v, j) => expect(k.survival[j]).toBeCloseTo(v, 15));
    // S reaches exactly one half at t = 1: that is the median. The last step to 0 has no band.
    expect(medianSurvival(k)).toBe(1);
    expect([k.lower[2], k.upper[2]]).toEqual([0, 0]);
    // Rows in any order, entries too.
    const shuffled = kaplanMeier(Float64Array.from([4, 3, 1, 3]), Uint8Array.from([1, 0, 1, 1]), Float64Array.from([2, 2, 0, 0]));
    expect(Array.from(shuffled.atRisk)).toEqual([2, 3, 1]);
  });
});
