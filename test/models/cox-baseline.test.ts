/**
 * The Cox model's probabilities, not only its coefficients: the Breslow baseline cumulative hazard,
 * survival curves and conditional churn within a horizon, against a hand-worked tied example and
 * against statsmodels' baseline on Telco. Every fit here uses Breslow ties.
 */
import { describe, expect, it } from 'vitest';
import { makeMatrix, type FeatureMatrix } from '../../src/data/matrix.js';
import { DEFAULT_COX_PARAMS, fitCox, type CoxParams } from '../../src/models/cox.js';
import { Rng } from '../../src/rng.js';
import { readReference, telcoDesign } from '../helpers/telco.js';

const BRESLOW: CoxParams = { ...DEFAULT_COX_PARAMS, l2: 0, maxIter: 100, tol: 1e-14 };

describe('Cox baseline on a hand-worked tied example (Breslow)', () => {
  // Eight customers, one 0/1 covariate, two events tied at t = 1 and at t = 2, censored at 2, 3, 5.
  // The Breslow MLE is b = ln 1.5 (statsmodels PHReg: 0.4054651081, se 0.9128709292 = √(5/6)).
  // Centred at the mean 0.5, a customer's weight is √1.5 (x = 1) or 1/√1.5 (x = 0), and
  // ΔH0(t) = d / Σ_{time ≥ t} weight: at t = 1, 2 / (8 · 2.5/2/√1.5) = √1.5/5; at t = 2 (six at
  // risk), 2 / (6 · 2.5/2/√1.5) = √1.5 · 4/15; at t = 4 (two at risk), 1 / (2.5/√1.5) = √1.5 · 2/5.
  const time = Float64Array.from([1, 1, 2, 2, 2, 3, 4, 5]);
  const event = Uint8Array.from([1, 1, 1, 0, 1, 0, 1, 0]);
  const x = makeMatrix(['x'], [Float64Array.from([1, 0, 1, 1, 0, 0, 1, 0])]);
  const r = Math.sqrt(1.5);
  const H = { 1: r / 5, 2: (r * 7) / 15, 4: (r * 13) / 15 };
  const model = fitCox({ x, y: event, duration: time }, { ...BRESLOW, horizonMonths: 2 }, new Rng(1));
  const one = makeMatrix(['x'], [Float64Array.from([1, 0])]); // a customer with x = 1, one with x = 0

  it('fits b = ln 1.5 with its standard error, and stores H0 at the event times only', () => {
    expect(model.state.coef[0]).toBeCloseTo(Math.log(1.5), 10);
    expect(model.state.se[0]).toBeCloseTo(Math.sqrt(5 / 6), 8);
    expect(model.state.mean).toEqual([0.5]);
    expect(model.state.baseline_times).toEqual([1, 2, 4]);
    model.state.baseline_cumhaz.forEach((h, k) => expect(h).toBeCloseTo([H[1], H[2], H[4]][k], 10));
  });

  it('reads H0 as a right-continuous step: the jump belongs to its own time', () => {
    const at = (t: number): number => model.cumulativeHazard(t);
    expect([at(0), at(0.999)]).toEqual([0, 0]);
    expect(at(1)).toBeCloseTo(H[1], 10);
    expect(at(1.5)).toBeCloseTo(H[1], 10);
    expect(at(2)).toBeCloseTo(H[2], 10);
    expect(at(3)).toBeCloseTo(H[2], 10); // censored only: no jump
    expect(at(4)).toBeCloseTo(H[4], 10);
    expect(at(100)).toBeCloseTo(H[4], 10); // flat after the last event
  });

  it('gives S(t | x) = exp(−H0(t)·e^{b(x − mean)}) and P(churn within h | tenure) = 1 − S(t+h)/S(t)', () => {
    const [s1, s2] = model.survival(one, [1, 2]);
    expect(s1[0]).toBeCloseTo(Math.exp(-H[1] * r), 12);
    expect(s2[1]).toBeCloseTo(Math.exp(-H[2] / r), 12);
    // predictProba is churn within horizonMonths (2) for a new customer.
    const p = model.predictProba(one);
    expect(p[0]).toBeCloseTo(1 - Math.exp(-H[2] * r), 12);
    expect(p[1]).toBeCloseTo(1 - Math.exp(-H[2] / r), 12);
    // At tenure 1, the next 3 months: H0(4) − H0(1); at tenure 2 the next 1: H0(3) − H0(2) = 0.
    const [within3, within1] = model.churnWithin(one, Float64Array.from([1, 2]), [3, 1]);
    expect(within3[0]).toBeCloseTo(1 - Math.exp(-(H[4] - H[1]) * r), 12);
    expect(within3[1]).toBeCloseTo(1 - Math.exp(-(H[4] - H[2]) / r), 12);
    expect(within1[1]).toBe(0);
    // A missing tenure counts as a new customer.
    const [fromZero] = model.churnWithin(one, Float64Array.from([Number.NaN, Number.NaN]), [2]);
    expect(Array.from(fromZero)).toEqual(Array.from(p));
  });

  it('explains a row in log-hazard parts centred at the training mean', () => {
    const e = model.explain(one, 0);
    expect(e.scale).toBe('log_hazard');
    expect(e.base).toBe(0);
    expect(e.contributions[0].contribution).toBeCloseTo(Math.log(1.5) * 0.5, 10);
    expect(e.contributions[0].value).toBe(1);
    const [hr] = model.hazardRatios();
    expect(hr.hazard_ratio).toBeCloseTo(1.5, 10);
    expect(hr.ci_low).toBeCloseTo(1.5 * Math.exp(-1.959964 * Math.sqrt(5 / 6)), 8);
    expect(hr.ci_high).toBeCloseTo(1.5 * Math.exp(1.959964 * Math.sqrt(5 / 6)), 8);
  });

  it('without covariates, the baseline is the Nelson–Aalen estimate d / at risk', () => {
    const none: FeatureMatrix = { rows: 5, features: [], columns: [] };
    const m = fitCox({ x: none, y: Uint8Array.from([1, 1, 1, 0, 1]), duration: Float64Array.from([1, 2, 2, 3, 4]) }, BRESLOW, new Rng(1));
    expect(m.state.baseline_times).toEqual([1, 2, 4]);
    expect(m.state.baseline_cumhaz).toEqual([1 / 5, 1 / 5 + 2 / 4, 1 / 5 + 2 / 4 + 1]);
  });
});

interface BaselineReference {
  covariates: string[];
  times: number[];
  cumhaz_at_means: number[];
  mean_p_churn_12m_new: number;
  mean_p_churn_12m_now: number;
  rows: number[];
  p_churn_12m_new: number[];
  p_churn_12m_now: number[];
  p_churn_3m_now: number[];
}

describe('Cox baseline and probabilities on Telco against statsmodels (Breslow)', () => {
  const ref = readReference<BaselineReference>('telco-cox-baseline.json');
  const { x, y, tenure } = telcoDesign(ref.covariates, true);
  const model = fitCox({ x, y, duration: tenure }, { ...BRESLOW, horizonMonths: 12 }, new Rng(1));

  it('has statsmodels’ baseline cumulative hazard at every event time', () => {
    expect(model.state.baseline_times).toEqual(ref.times);
    model.state.baseline_cumhaz.forEach((h, k) => expect(Math.abs(h / ref.cumhaz_at_means[k] - 1)).toBeLessThan(1e-7));
  });

  it('gives the reference churn probabilities, new and at current tenure (mean 12-month churn 0.162)', () => {
    const p = model.predictProba(x);
    const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(p)).toBeCloseTo(ref.mean_p_churn_12m_new, 8);
    const [now3, now12] = model.churnWithin(x, tenure, [3, 12]);
    expect(mean(now12)).toBeCloseTo(ref.mean_p_churn_12m_now, 8);
    ref.rows.forEach((i, k) => {
      expect(p[i]).toBeCloseTo(ref.p_churn_12m_new[k], 8);
      expect(now12[i]).toBeCloseTo(ref.p_churn_12m_now[k], 8);
      expect(now3[i]).toBeCloseTo(ref.p_churn_3m_now[k], 8);
    });
  });
});
