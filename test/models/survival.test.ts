import { describe, expect, it } from 'vitest';
import { makeMatrix, selectFeatures } from '../../src/data/matrix.js';
import { ConvergenceError, ModelError } from '../../src/errors.js';
import { concordance, harrellC } from '../../src/evaluate/concordance.js';
import { tableSurvival } from '../../src/labels/survival.js';
import { DEFAULT_COX_PARAMS, fitCox, type CoxModel } from '../../src/models/cox.js';
import { durationLeaks } from '../../src/models/duration-leak.js';
import { kaplanMeier, medianSurvival, survivalAt } from '../../src/models/kaplan-meier.js';
import { Rng } from '../../src/rng.js';
import { readReference, telcoDesign, telcoRows } from '../helpers/telco.js';

interface KmReference { n: number; events: number; survival: Record<string, number>; median_survival: number | null }
interface CoxReference {
  covariates: string[];
  coef: Record<string, number>;
  se: Record<string, number>;
  log_partial_likelihood: number;
  harrell_c_of_linear_predictor: number;
  comparable_pairs: number;
}

describe('Kaplan–Meier', () => {
  it('matches statsmodels SurvfuncRight on Telco at every reference month', () => {
    const ref = readReference<KmReference>('telco-kaplan-meier.json');
    const { tenure, y } = telcoDesign([], false);
    expect(tenure.length).toBe(ref.n);
    const km = kaplanMeier(tenure, y);
    for (const [t, s] of Object.entries(ref.survival)) expect(survivalAt(km, Number(t))).toBeCloseTo(s, 12);
    expect(medianSurvival(km)).toBe(ref.median_survival);
  });

  it('computes a hand example with censoring and ties', () => {
    // times 1,2,2,3,4 ; events 1,1,0,1,0 -> S(1)=4/5, S(2)=4/5*3/4=0.6, S(3)=0.6*1/2=0.3
    const km = kaplanMeier(Float64Array.from([1, 2, 2, 3, 4]), Uint8Array.from([1, 1, 0, 1, 0]));
    expect(Array.from(km.survival)).toEqual([0.8, 0.6000000000000001, 0.30000000000000004]);
    expect(survivalAt(km, 0.5)).toBe(1);
    expect(survivalAt(km, 3.5)).toBeCloseTo(0.3, 12);
    expect(medianSurvival(km)).toBe(3);
  });
});

describe("Harrell's C", () => {
  it('counts a hand example with a risk tie as one half', () => {
    // Comparable pairs (the earlier time is an event): (0,1), (0,2), (0,3), (2,3).
    // Risks: 3>2 concordant, 3>1 concordant, 3=3 half, 1<3 discordant -> 2.5 / 4.
    const c = concordance(Float64Array.from([1, 2, 3, 4]), Uint8Array.from([1, 0, 1, 0]), Float64Array.from([3, 2, 1, 3]));
    expect(c.comparable).toBe(4);
    expect(c.c).toBeCloseTo(2.5 / 4, 12);
    // Equal times are not compared, even when one is an event.
    expect(concordance(Float64Array.from([2, 2]), Uint8Array.from([1, 0]), Float64Array.from([1, 0])).comparable).toBe(0);
  });
});

describe('Cox proportional hazards', () => {
  const ref = readReference<CoxReference>('telco-cox.json');
  const design = telcoDesign([...ref.covariates, 'tenure'], true);
  const { y, tenure } = design;
  const x = selectFeatures(design.x, ref.covariates);
  // Watched from joining (statsmodels' PHReg has no window), Breslow ties as the reference.
  const watched = (): ReturnType<typeof tableSurvival> => tableSurvival(tenure, 'tenure', 1, 'months', 'origin');
  const params = { ...DEFAULT_COX_PARAMS, l2: 0, tol: 1e-12, ties: 'breslow' as const };
  // Fitted in each test, not once for the block: Stryker then knows which tests reach the fit (no static mutants).
  const fitted = (): CoxModel => fitCox({ x: design.x, y, survival: watched() }, params, new Rng(1));

  it('matches statsmodels PHReg (Breslow) on Telco: coefficients, errors, likelihood, C-index', () => {
    const model = fitted();
    const s = model.state;
    ref.covariates.forEach((name, j) => {
      expect(Math.abs(s.coef[j] / ref.coef[name] - 1)).toBeLessThan(1e-4);
      expect(Math.abs(s.se[j] / ref.se[name] - 1)).toBeLessThan(1e-3);
    });
    expect(s.log_partial_likelihood).toBeCloseTo(ref.log_partial_likelihood, 5);
    const c = concordance(tenure, y, model.linearPredictor(x));
    expect(c.comparable).toBe(ref.comparable_pairs);
    expect(harrellC(tenure, y, model.linearPredictor(x))).toBeCloseTo(ref.harrell_c_of_linear_predictor, 9);
  });

  it('gives conditional churn probabilities consistent with its survival curve', () => {
    const model = fitted();
    const at12 = makeMatrix(design.x.features, design.x.features.map((f, j) => (f === 'tenure' ? new Float64Array(x.rows).fill(12) : design.x.columns[j])));
    const [s12, s24, s13] = model.survival(at12, [12, 24, 13]);
    const [within12from12] = model.churnWithin(at12, [12]);
    for (const i of [0, 5, 100]) {
      expect(within12from12[i]).toBeCloseTo(1 - s24[i] / s12[i], 12);
      expect(model.predictProba(at12)[i]).toBeCloseTo(1 - s13[i] / s12[i], 12);
    }
    const hr = model.hazardRatios().find((h) => h.feature === 'Contract_Two_year');
    expect(hr?.hazard_ratio).toBeLessThan(0.05);
  });

  it('moves a window that reaches past the longest tenure watched back to end there, and counts it', () => {
    const model = fitted();
    const at = (t: number): ReturnType<typeof makeMatrix> => makeMatrix(design.x.features, design.x.features.map((f, j) => (f === 'tenure' ? new Float64Array(x.rows).fill(t) : design.x.columns[j])));
    expect(model.state.baselines[0].last_time).toBe(72);
    const [from60] = model.churnWithin(at(60), [12]);
    const [from70] = model.churnWithin(at(70), [12]);
    const [from90] = model.churnWithin(at(90), [12]);
    expect(Array.from(from70)).toEqual(Array.from(from60));
    expect(Array.from(from90)).toEqual(Array.from(from60));
    expect(from60[0]).toBeGreaterThan(0);
    expect(model.beyondFollowUp(at(60), 12)).toBe(0);
    expect(model.beyondFollowUp(at(61), 12)).toBe(x.rows);
  });

  it('errors clearly without a duration or when Newton runs out of steps', () => {
    expect(() => fitCox({ x: design.x, y }, params, new Rng(1))).toThrow(ModelError);
    expect(() => fitCox({ x: design.x, y, survival: watched() }, { ...params, maxIter: 1, tol: 1e-14, maxStep: 0.01 }, new Rng(1))).toThrow(ConvergenceError);
  });
});

describe('duration leakage', () => {
  it('flags TotalCharges (≈ tenure × MonthlyCharges) and not MonthlyCharges', () => {
    const { header, rows } = telcoRows();
    const col = (name: string): number => header.indexOf(name);
    const num = (name: string): Float64Array => Float64Array.from(rows, (r) => Number(r[col(name)]) || 0);
    const x = makeMatrix(['MonthlyCharges', 'TotalCharges', 'SeniorCitizen'], [num('MonthlyCharges'), num('TotalCharges'), num('SeniorCitizen')]);
    const leaks = durationLeaks(x, num('tenure'));
    expect(leaks.map((l) => l.feature)).toEqual(['TotalCharges']);
    expect(leaks[0].via).toBe('duration × MonthlyCharges');
    expect(leaks[0].correlation).toBeGreaterThan(0.99);
  });
});
