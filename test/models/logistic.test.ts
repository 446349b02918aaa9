import { describe, expect, it } from 'vitest';
import { makeMatrix } from '../../src/data/matrix.js';
import { ConvergenceError } from '../../src/errors.js';
import { auc } from '../../src/evaluate/metrics.js';
import { fitLogistic } from '../../src/models/logistic.js';
import { Rng } from '../../src/rng.js';
import { readReference, telcoDesign } from '../helpers/telco.js';

interface LogisticReference {
  terms: string[];
  coef: Record<string, number>;
  se: Record<string, number>;
  log_likelihood: number;
  in_sample_metrics: { auc: number };
}

describe('logistic regression (IRLS)', () => {
  const ref = readReference<LogisticReference>('telco-logistic.json');
  const covariates = ref.terms.filter((t) => t !== 'const');
  const { x, y } = telcoDesign(covariates, true);
  // Fitted in each test, not once for the block: Stryker then knows which tests reach the fit (no static mutants).
  const fitted = () => fitLogistic({ x, y }, { l2: 0, maxIter: 100, tol: 1e-10 }, new Rng(1)) as ReturnType<typeof fitLogistic> & { state: { intercept: number; coef: number[]; se: number[]; se_intercept: number; log_likelihood: number } };

  it('matches statsmodels Logit on Telco (coefficients, standard errors, log likelihood)', () => {
    const model = fitted();
    expect(x.rows).toBe(7032);
    const s = model.state;
    expect(s.intercept).toBeCloseTo(ref.coef.const, 6);
    expect(Math.abs(s.se_intercept / ref.se.const - 1)).toBeLessThan(1e-4);
    covariates.forEach((t, j) => {
      expect(Math.abs(s.coef[j] / ref.coef[t] - 1)).toBeLessThan(1e-4);
      expect(Math.abs(s.se[j] / ref.se[t] - 1)).toBeLessThan(1e-4);
    });
    expect(s.log_likelihood).toBeCloseTo(ref.log_likelihood, 6);
    expect(auc(y, model.predictProba(x))).toBeCloseTo(ref.in_sample_metrics.auc, 9);
  });

  it('takes the same optimum on many rows (warm start on a sample, then gradient passes on its Hessian): Telco three times over', () => {
    // Every row three times: the same maximum likelihood, standard errors smaller by √3. 21,096 rows is past
    // the 20,000 from which the fit starts on a sample and steps with the sample's Hessian.
    const k = 3;
    const big = makeMatrix(x.features, x.columns.map((c) => Float64Array.from({ length: c.length * k }, (_, i) => c[i % c.length])));
    const yy = Uint8Array.from({ length: y.length * k }, (_, i) => y[i % y.length]);
    const s = fitLogistic({ x: big, y: yy }, { l2: 0, maxIter: 100, tol: 1e-10 }, new Rng(1)).state;
    expect(s.intercept).toBeCloseTo(ref.coef.const, 6);
    covariates.forEach((t, j) => {
      expect(Math.abs(s.coef[j] / ref.coef[t] - 1)).toBeLessThan(1e-4);
      expect(Math.abs((s.se[j] * Math.sqrt(k)) / ref.se[t] - 1)).toBeLessThan(1e-4);
    });
    expect(s.log_likelihood).toBeCloseTo(k * ref.log_likelihood, 5);
    // Passes over all 21,096 rows: 11 gradient-only passes on the sample's Hessian (each step at most half
    // the one before, down to tol), then the single exact Newton pass the warm start is there to leave.
    // A start that lands farther off, a step taken with the wrong sign or a Hessian mis-scaled changes
    // this count; the optimum above would not show it (the exact steps finish wherever they start).
    expect(s.iterations).toBe(12);
  });

  it('explains a row exactly: base + contributions = log-odds', () => {
    const model = fitted();
    const e = model.explain?.(x, 17);
    const p = model.predictProba(x)[17];
    const logit = (e?.base ?? 0) + (e?.contributions ?? []).reduce((a, c) => a + c.contribution, 0);
    expect(1 / (1 + Math.exp(-logit))).toBeCloseTo(p, 12);
  });

  it('converges on separable data with a penalty, and says so when it cannot', () => {
    const sep = makeMatrix(['v'], [Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7])]);
    const ys = Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
    const m = fitLogistic({ x: sep, y: ys }, { l2: 1, maxIter: 100, tol: 1e-10 }, new Rng(1));
    const p = m.predictProba(sep);
    expect(p[0]).toBeLessThan(0.2);
    expect(p[7]).toBeGreaterThan(0.8);
    expect(() => fitLogistic({ x, y }, { l2: 0, maxIter: 1, tol: 1e-12 }, new Rng(1))).toThrow(ConvergenceError);
  });
});
