/**
 * The Cox model's probabilities, not only its coefficients: the Breslow baseline cumulative hazard,
 * survival curves and conditional churn within a horizon, against a hand-worked tied example and
 * against statsmodels' baseline on Telco. Every fit here uses Breslow ties.
 */
import { describe, expect, it } from 'vitest';
import { makeMatrix, type FeatureMatrix } from '../../src/data/matrix.js';
import { tableSurvival } from '../../src/labels/survival.js';
import { cumulativeHazardAt, DEFAULT_COX_PARAMS, fitCox, type CoxModel, type CoxParams } from '../../src/models/cox.js';
import { Rng } from '../../src/rng.js';
import { readReference, telcoDesign } from '../helpers/telco.js';

const BRESLOW: CoxParams = { ...DEFAULT_COX_PARAMS, l2: 0, maxIter: 100, tol: 1e-14, ties: 'breslow' };

/** A Cox fit where every row is watched from joining (no delayed entry), labels over 1 month. */
function fitFromOrigin(x: FeatureMatrix, y: Uint8Array, tenure: Float64Array, params: CoxParams): CoxModel {
  const withTenure = makeMatrix([...x.features, 'tenure'], [...x.columns, tenure]);
  return fitCox({ x: withTenure, y, survival: tableSurvival(tenure, 'tenure', 1, 'months', 'origin') }, params, new Rng(1));
}

/** The matrix `model` scores: its covariates with every customer's tenure set to `tenure`. */
const atTenure = (x: FeatureMatrix, tenure: readonly number[]): FeatureMatrix => makeMatrix([...x.features, 'tenure'], [...x.columns, Float64Array.from(tenure)]);

describe('Cox baseline on a hand-worked tied example', () => {
  // Eight customers, one 0/1 covariate, two events tied at t = 1 and at t = 2, censored at 2, 3, 5.
  // The MLE is b = ln 1.5 with Breslow's ties and with Efron's (statsmodels PHReg: 0.4054651081;
  // Breslow se 0.9128709292 = √(5/6)). Centred at the mean 0.5, a customer's weight is √1.5
  // (x = 1) or 1/√1.5 (x = 0), so with r = √1.5 the risk-set sums are S0(1) = 10/r (all eight),
  // S0(2) = 7.5/r (six at risk), S0(4) = 2.5/r (two), and the events' own sums E0 = 2.5/r at
  // t = 1 and 2 (one of each covariate value), E0 = r at t = 4.
  //   Breslow: ΔH0 = d / S0: r/5, 2r/7.5, r/2.5.
  //   Efron:   ΔH0 = Σ_{l<d} 1 / (S0 − (l/d) E0): r/10 + r/8.75, r/7.5 + r/6.25, r/2.5.
  const time = Float64Array.from([1, 1, 2, 2, 2, 3, 4, 5]);
  const event = Uint8Array.from([1, 1, 1, 0, 1, 0, 1, 0]);
  const x = makeMatrix(['x'], [Float64Array.from([1, 0, 1, 1, 0, 0, 1, 0])]);
  const r = Math.sqrt(1.5);
  const H = { 1: r / 5, 2: (r * 7) / 15, 4: (r * 13) / 15 };
  const efronJumps = [r / 10 + r / 8.75, r / 7.5 + r / 6.25, r / 2.5];
  // Fitted in each test (microseconds), so Stryker sees which tests reach the fit.
  const fitted = (): CoxModel => fitFromOrigin(x, event, time, BRESLOW);

  it('Breslow: fits b = ln 1.5 with its standard error, and stores H0 at the event times only', () => {
    const model = fitted();
    const base = model.state.baselines[0];
    expect(model.state.coef[0]).toBeCloseTo(Math.log(1.5), 10);
    expect(model.state.se[0]).toBeCloseTo(Math.sqrt(5 / 6), 8);
    expect(model.state.mean).toEqual([0.5]);
    expect([base.times, base.last_time, base.rows, base.events]).toEqual([[1, 2, 4], 5, 8, 5]);
    base.cumhaz.forEach((h, k) => expect(h).toBeCloseTo([H[1], H[2], H[4]][k], 10));
  });

  it('Efron: the same b here, and Efron’s baseline steps', () => {
    const efron = fitFromOrigin(x, event, time, { ...BRESLOW, ties: 'efron' });
    expect(efron.state.coef[0]).toBeCloseTo(Math.log(1.5), 8);
    let acc = 0;
    efron.state.baselines[0].cumhaz.forEach((h, k) => {
      acc += efronJumps[k];
      expect(h).toBeCloseTo(acc, 8);
    });
  });

  it('reads H0 as a right-continuous step: the jump belongs to its own time', () => {
    const model = fitted();
    const base = model.state.baselines[0];
    const at = (t: number): number => cumulativeHazardAt(base, t);
    expect([at(0), at(0.999)]).toEqual([0, 0]);
    expect(at(1)).toBeCloseTo(H[1], 10);
    expect(at(1.5)).toBeCloseTo(H[1], 10);
    expect(at(2)).toBeCloseTo(H[2], 10);
    expect(at(3)).toBeCloseTo(H[2], 10); // censored only: no jump
    expect(at(4)).toBeCloseTo(H[4], 10);
    expect(at(100)).toBeCloseTo(H[4], 10); // flat after the last event
  });

  it('gives S(t | x) = exp(−H0(t)·e^{b(x − mean)}) and P(churn within h | tenure a) = 1 − S(a+h)/S(a)', () => {
    const model = fitted();
    const one = atTenure(makeMatrix(['x'], [Float64Array.from([1, 0])]), [0, 0]); // x = 1 and x = 0, new customers
    const [s1, s2] = model.survival(one, [1, 2]);
    expect(s1[0]).toBeCloseTo(Math.exp(-H[1] * r), 12);
    expect(s2[1]).toBeCloseTo(Math.exp(-H[2] / r), 12);
    // predictProba: churn within the label's window (1 month) from the current tenure.
    const p = model.predictProba(one);
    expect(p[0]).toBeCloseTo(1 - Math.exp(-H[1] * r), 12);
    expect(p[1]).toBeCloseTo(1 - Math.exp(-H[1] / r), 12);
    // At tenure 1, the next 3 months: H0(4) − H0(1); at tenure 2 the next 1: H0(3) − H0(2) = 0.
    const later = atTenure(makeMatrix(['x'], [Float64Array.from([1, 0, 1])]), [1, 2, 4]);
    const [within3, within1] = model.churnWithin(later, [3, 1]);
    expect(within3[0]).toBeCloseTo(1 - Math.exp(-(H[4] - H[1]) * r), 12);
    expect(within1[1]).toBe(0);
    // A window past the longest tenure watched (5) moves back to end there: from 4, 3 months read 2..5.
    expect(within3[2]).toBeCloseTo(1 - Math.exp(-(H[4] - H[2]) * r), 12);
    expect(model.beyondFollowUp(later, 3)).toBe(1); // 4 + 3 > 5; 2 + 3 = 5 is not past it
  });

  it('explains a row in log-hazard parts centred at the training mean; the tenure gets none', () => {
    const model = fitted();
    const one = atTenure(makeMatrix(['x'], [Float64Array.from([1])]), [3]);
    const e = model.explain(one, 0);
    expect(e.scale).toBe('log_hazard');
    expect(e.base).toBe(0);
    expect(e.contributions.map((c) => [c.feature, c.value])).toEqual([['x', 1], ['tenure', 3]]);
    expect(e.contributions[0].contribution).toBeCloseTo(Math.log(1.5) * 0.5, 10);
    expect(e.contributions[1].contribution).toBe(0);
    const [hr] = model.hazardRatios();
    expect(hr.feature).toBe('x');
    expect(hr.hazard_ratio).toBeCloseTo(1.5, 10);
    expect(hr.ci_low).toBeCloseTo(1.5 * Math.exp(-1.959963984540054 * Math.sqrt(5 / 6)), 8);
    expect(hr.ci_high).toBeCloseTo(1.5 * Math.exp(1.959963984540054 * Math.sqrt(5 / 6)), 8);
  });

  it('without covariates, the baseline is the Nelson–Aalen estimate d / at risk', () => {
    const m = fitFromOrigin({ rows: 5, features: [], columns: [] }, Uint8Array.from([1, 1, 1, 0, 1]), Float64Array.from([1, 2, 2, 3, 4]), BRESLOW);
    expect(m.state.baselines[0].times).toEqual([1, 2, 4]);
    expect(m.state.baselines[0].cumhaz).toEqual([1 / 5, 1 / 5 + 2 / 4, 1 / 5 + 2 / 4 + 1]);
  });
});

interface BaselineReference {
  covariates: string[];
  last_time: number;
  times: number[];
  cumhaz_at_means: number[];
  mean_p_churn_12m_new: number;
  mean_p_churn_12m_now: number;
  rows: number[];
  p_churn_12m_new: number[];
  p_churn_12m_now: number[];
  p_churn_3m_now: number[];
}

describe('Cox baseline and probabilities on Telco against statsmodels (Breslow, watched from joining)', () => {
  const ref = readReference<BaselineReference>('telco-cox-baseline.json');
  const design = telcoDesign(ref.covariates, true);
  const fitted = (): CoxModel => fitFromOrigin(design.x, design.y, design.tenure, BRESLOW);

  it('has statsmodels’ baseline cumulative hazard at every event time', () => {
    const model = fitted();
    const base = model.state.baselines[0];
    expect(base.times).toEqual(ref.times);
    expect(base.last_time).toBe(ref.last_time);
    base.cumhaz.forEach((h, k) => expect(Math.abs(h / ref.cumhaz_at_means[k] - 1)).toBeLessThan(1e-7));
  });

  it('gives the reference churn probabilities, new and at current tenure (mean 12-month churn of a new customer 0.162)', () => {
    const model = fitted();
    const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    const [fresh] = model.churnWithin(atTenure(design.x, new Array<number>(design.x.rows).fill(0)), [12]);
    expect(mean(fresh)).toBeCloseTo(ref.mean_p_churn_12m_new, 8);
    const [now3, now12] = model.churnWithin(atTenure(design.x, Array.from(design.tenure)), [3, 12]);
    expect(mean(now12)).toBeCloseTo(ref.mean_p_churn_12m_now, 8);
    ref.rows.forEach((i, k) => {
      expect(fresh[i]).toBeCloseTo(ref.p_churn_12m_new[k], 8);
      expect(now12[i]).toBeCloseTo(ref.p_churn_12m_now[k], 8);
      expect(now3[i]).toBeCloseTo(ref.p_churn_3m_now[k], 8);
    });
  });
});
