/**
 * The Cox fit's Newton loop, strata codes and time units on examples small enough to check by
 * hand or against a direct optimisation (scipy BFGS on the same penalised Breslow likelihood).
 */
import { describe, expect, it } from 'vitest';
import { makeMatrix } from '../../src/data/matrix.js';
import { ConvergenceError, ModelError } from '../../src/errors.js';
import { concordance } from '../../src/evaluate/concordance.js';
import type { SurvivalLabels, SurvivalTime } from '../../src/labels/survival.js';
import { DEFAULT_COX_PARAMS, fitCox, type CoxParams } from '../../src/models/cox.js';
import { Rng } from '../../src/rng.js';

const F = (a: number[]): Float64Array => Float64Array.from(a);
const BRESLOW: CoxParams = { ...DEFAULT_COX_PARAMS, l2: 0, tol: 1e-14, ties: 'breslow' };
const MONTHS: SurvivalTime = { feature: 'tenure', offset: 0, window: 1, month: 1 };
const labels = (exit: number[], time = MONTHS): SurvivalLabels => ({ exit: F(exit), entry: new Float64Array(exit.length), start: new Float64Array(exit.length), time });

describe('the penalised Cox fit on eight rows', () => {
  // Breslow ties, l2 = 2 on standardized coefficients; the reference maximises the same objective
  // with scipy (BFGS, gtol 1e-12); its standard errors are √diag((I + l2)⁻¹) / sd.
  const time = [1, 1, 2, 2, 2, 3, 4, 5];
  const y = Uint8Array.from([1, 1, 1, 0, 1, 0, 1, 0]);
  const x = makeMatrix(['x1', 'x2', 'tenure'], [F([1, 0, 1, 1, 0, 0, 1, 0]), F([3, 1, 4, 1, 5, 9, 2, 6]), F(time)]);
  const fit = (p: Partial<CoxParams> = {}) => fitCox({ x, y, survival: labels(time) }, { ...BRESLOW, l2: 2, ...p }, new Rng(1));

  it('reaches the penalised optimum with its standard errors, likelihood and concordance', () => {
    const m = fit();
    expect(m.toJSON().kind).toBe('cox');
    expect(m.state.coef[0]).toBeCloseTo(-0.05795926081158987, 7);
    expect(m.state.coef[1]).toBeCloseTo(-0.14427091007045834, 7);
    expect(m.state.se[0]).toBeCloseTo(0.8668400863051432, 7);
    expect(m.state.se[1]).toBeCloseTo(0.18146704931257177, 7);
    expect(m.state.log_partial_likelihood).toBeCloseTo(-7.905731700308762, 7);
    expect(m.state.mean).toEqual([0.5, 3.875]);
    expect(m.state.design.aliased).toEqual([]);
    // Harrell's C of the fitted linear predictor on the training rows.
    expect(m.state.concordance).toBe(concordance(F(time), y, m.linearPredictor(x)).c);
    expect(m.state.concordance).not.toBe(0.5);
    // Hazard ratios per unit with their Wald tests, and the design notes, as the report reads them.
    const [hr] = m.globalImportance().hazard_ratios ?? [];
    expect(hr).toMatchObject({ feature: 'x1', coef: m.state.coef[0], se: m.state.se[0] });
    expect(hr.hazard_ratio).toBeCloseTo(Math.exp(-0.05795926081158987), 7);
    expect(hr.ci_low).toBeCloseTo(Math.exp(-0.05795926081158987 - 1.959963984540054 * 0.8668400863051432), 6);
    expect(m.linearDesign()).toEqual({ references: [], aliased: [] });
    expect(m.globalImportance()).toMatchObject({ reference_levels: [], aliased: [] });
  });

  it('stops after its step limit, counting the Newton steps it took', () => {
    const n = fit().state.iterations;
    expect(n).toBe(4);
    expect(fit({ maxIter: n }).state.iterations).toBe(n);
    expect(() => fit({ maxIter: n - 1 })).toThrow(new ConvergenceError(`the Cox fit did not converge in ${n - 1} iterations; raise max_iter or l2`, n - 1));
  });

  it('caps a step at max_step standardized units: the same optimum, in at least 0.371 / 0.01 steps', () => {
    const m = fit({ maxStep: 0.01 });
    expect(m.state.coef[1]).toBeCloseTo(-0.14427091007045834, 7);
    expect(m.state.iterations).toBeGreaterThanOrEqual(38);
    expect(m.state.iterations).toBe(40);
  });

  it('says the information is singular when a covariate never meets an event', () => {
    // x is 1 only on a row censored before the first event: no risk set sees it (and no penalty).
    const xs = makeMatrix(['x', 'tenure'], [F([0, 0, 0, 1]), F([1, 2, 3, 0.5])]);
    expect(() => fitCox({ x: xs, y: Uint8Array.from([1, 1, 0, 0]), survival: labels([1, 2, 3, 0.5]) }, BRESLOW, new Rng(1)))
      .toThrow('the Cox information matrix is singular (collinear covariates?); raise l2');
  });

  it('names what it needs: a duration, the tenure column, a text column to stratify on', () => {
    const err = (f: () => unknown): ModelError => { try { f(); } catch (e) { return e as ModelError; } throw new Error('no error'); };
    expect(err(() => fitCox({ x, y }, BRESLOW, new Rng(1))).context).toEqual({ key: 'duration' });
    expect(err(() => fitCox({ x, y }, BRESLOW, new Rng(1))).message).toBe('the Cox model needs a duration (time on network) for every row');
    const noTenure = makeMatrix(['x1'], [F([1, 0, 1, 1, 0, 0, 1, 0])]);
    expect(err(() => fitCox({ x: noTenure, y, survival: labels(time) }, BRESLOW, new Rng(1))).context).toEqual({ column: 'tenure' });
    expect(err(() => fitCox({ x, y, survival: labels(time) }, { ...BRESLOW, strata: ['zone'] }, new Rng(1))).context).toEqual({ key: 'survival.strata', column: 'zone' });
  });
});

describe('two strata columns', () => {
  // (plan, zone, exit, event): plan a|b, zone n|s or neither. Codes plan × 3 + zone (none 0, n 1, s 2):
  // (a,n) 4, (a,s) 5, (b,none) 6, (b,n) 7: baselines in that order, each the Nelson–Aalen of its rows.
  const plan = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'];
  const zone = ['n', 'n', 's', 's', 'n', '', '', ''];
  const exit = [1, 2, 1, 3, 2, 2, 4, 3];
  const y = Uint8Array.from([1, 0, 1, 1, 1, 1, 0, 1]);
  const col = (v: string[], level: string) => F(v.map((s) => (s === level ? 1 : 0)));
  const x = makeMatrix(['plan=a', 'plan=b', 'zone=n', 'zone=s', 'tenure'], [col(plan, 'a'), col(plan, 'b'), col(zone, 'n'), col(zone, 's'), F(exit)]);
  const fit = () => fitCox({ x, y, survival: labels(exit) }, { ...BRESLOW, strata: ['plan', 'zone'] }, new Rng(1));

  it('gives each combination of levels its own baseline, in code order, "" for none of the levels', () => {
    const m = fit();
    expect(m.state.covariates).toEqual([]);
    expect(m.state.design.aliased).toEqual([]);
    const b = m.state.baselines;
    expect(b.map((s) => [s.levels, s.rows, s.events, s.last_time, s.times])).toEqual([
      [['a', 'n'], 2, 1, 2, [1]],
      [['a', 's'], 2, 2, 3, [1, 3]],
      [['b', ''], 3, 2, 4, [2, 3]],
      [['b', 'n'], 1, 1, 2, [2]],
    ]);
    expect(b[1].cumhaz).toEqual([0.5, 1.5]);
    b[2].cumhaz.forEach((h, k) => expect(h).toBeCloseTo([1 / 3, 1 / 3 + 1 / 2][k], 14));
  });

  it('scores a row on its combination\'s baseline, an unseen one on the largest (b, none: 3 rows)', () => {
    const m = fit();
    // Rows: (b, none) at tenure 2; (a, none), unseen, at 1; (a, s) at 0; (b, n) at 1.
    const batch = makeMatrix(m.features, [F([2, 1, 0, 1]), F([0, 1, 1, 0]), F([1, 0, 0, 1]), F([0, 0, 0, 1]), F([0, 0, 1, 0])]);
    expect(m.features).toEqual(['tenure', 'plan=a', 'plan=b', 'zone=n', 'zone=s']);
    const p = m.predictProba(batch);
    expect(p[0]).toBeCloseTo(1 - Math.exp(-1 / 2), 14); // H(3) − H(2) of (b, none)
    expect(p[1]).toBeCloseTo(1 - Math.exp(-1 / 3), 14); // (b, none)'s H(2) − H(1)
    expect(p[2]).toBeCloseTo(1 - Math.exp(-1 / 2), 14); // (a, s): H(1) − H(0)
    expect(p[3]).toBeCloseTo(1 - Math.exp(-1), 14); // (b, n): H(2) − H(1)
  });
});

describe('an unseen stratum when two are largest', () => {
  it('takes the first of them in code order', () => {
    // plan a: exits 1 (event), 2; plan b: 1 (event), 2 (event). Two rows each. H_a(2) − H_a(1) = 0; H_b: 1.
    const planA = F([1, 1, 0, 0]);
    const x = makeMatrix(['plan=a', 'plan=b', 'tenure'], [planA, planA.map((v) => 1 - v), F([1, 2, 1, 2])]);
    const m = fitCox({ x, y: Uint8Array.from([1, 0, 1, 1]), survival: labels([1, 2, 1, 2]) }, { ...BRESLOW, strata: ['plan'] }, new Rng(1));
    const unseen = makeMatrix(m.features, [F([1]), F([0]), F([0])]); // tenure 1, neither plan
    expect(m.predictProba(unseen)[0]).toBe(0); // plan a's baseline, flat after 1
  });
});

describe('time in days, with an offset', () => {
  // Exits 30, 60, 90 (censored), 120 days: H = 1/4 at 30, + 1/3 at 60, + 1 at 120. Window starts
  // at tenure + 1 day; a month is 30 days.
  const days: SurvivalTime = { feature: 'tenure', offset: 1, window: 30, month: 30 };
  const fit = () => fitCox({ x: makeMatrix(['tenure'], [F([30, 60, 90, 120])]), y: Uint8Array.from([1, 1, 0, 1]), survival: labels([30, 60, 90, 120], days) }, BRESLOW, new Rng(1));

  it('reads horizons in months and starts the window at tenure + offset', () => {
    const m = fit();
    const batch = makeMatrix(['tenure'], [F([29])]); // window starts at 30
    expect(m.predictProba(batch)[0]).toBeCloseTo(1 - Math.exp(-1 / 3), 14); // H(60) − H(30)
    const [one, two] = m.churnWithin(batch, [1, 2]);
    expect(one[0]).toBeCloseTo(1 - Math.exp(-1 / 3), 14);
    expect(two[0]).toBeCloseTo(1 - Math.exp(-1 / 3), 14); // H(90) − H(30): nothing at 90
    expect(m.beyondFollowUp(batch, 3)).toBe(0); // 30 + 90 = 120: not past the last time
    expect(m.beyondFollowUp(batch, 4)).toBe(1);
  });
});
