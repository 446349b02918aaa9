/**
 * The L2 penalty as churnscope applies it by default (logistic l2 = 1, Cox l2 = 0.1) and strong
 * (50), against references fitted with the same penalty on the same standardized columns
 * (scikit-learn / statsmodels, polished by scipy; see make-survival-and-penalized.py).
 */
import { describe, expect, it } from 'vitest';
import { makeMatrix } from '../../src/data/matrix.js';
import { tableSurvival } from '../../src/labels/survival.js';
import { DEFAULT_COX_PARAMS, fitCox } from '../../src/models/cox.js';
import { DEFAULT_LOGISTIC_PARAMS, fitLogistic } from '../../src/models/logistic.js';
import { Rng } from '../../src/rng.js';
import { readReference, telcoDesign } from '../helpers/telco.js';

interface PenalizedReference {
  logistic: { terms: string[]; fits: { l2: number; intercept: number; coef: Record<string, number>; se: Record<string, number>; log_likelihood: number }[] };
  cox: { covariates: string[]; fits: { l2: number; coef: Record<string, number>; log_partial_likelihood: number }[] };
}

const ref = readReference<PenalizedReference>('telco-penalized.json');
const relative = (a: number, b: number): number => Math.abs(a / b - 1);

describe('penalized logistic regression against scikit-learn with the same L2', () => {
  const { x, y } = telcoDesign(ref.logistic.terms, true);
  it('uses l2 = 1 by default', () => expect(DEFAULT_LOGISTIC_PARAMS.l2).toBe(1));

  for (const fit of ref.logistic.fits) {
    it(`l2 = ${fit.l2}: coefficients, intercept (unpenalized), standard errors, log likelihood`, () => {
      const m = fitLogistic({ x, y }, { ...DEFAULT_LOGISTIC_PARAMS, l2: fit.l2, tol: 1e-12 }, new Rng(1));
      const s = m.state;
      expect(s.intercept).toBeCloseTo(fit.intercept, 8);
      ref.logistic.terms.forEach((t, j) => {
        expect(relative(s.coef[j], fit.coef[t])).toBeLessThan(1e-7);
        expect(relative(s.se[j], fit.se[t])).toBeLessThan(1e-6);
      });
      expect(s.log_likelihood).toBeCloseTo(fit.log_likelihood, 6);
    });
  }
});

describe('penalized Cox (Breslow, watched from joining) against statsmodels with the same L2', () => {
  const { x, y, tenure } = telcoDesign(ref.cox.covariates, true);
  const withTenure = makeMatrix([...x.features, 'tenure'], [...x.columns, tenure]);
  it('uses l2 = 0.1 by default', () => expect(DEFAULT_COX_PARAMS.l2).toBe(0.1));

  for (const fit of ref.cox.fits) {
    it(`l2 = ${fit.l2}: coefficients and log partial likelihood`, () => {
      const survival = tableSurvival(tenure, 'tenure', 1, 'months', 'origin');
      const m = fitCox({ x: withTenure, y, survival }, { ...DEFAULT_COX_PARAMS, l2: fit.l2, tol: 1e-14, ties: 'breslow' }, new Rng(1));
      ref.cox.covariates.forEach((t, j) => expect(relative(m.state.coef[j], fit.coef[t])).toBeLessThan(1e-7));
      expect(m.state.log_partial_likelihood).toBeCloseTo(fit.log_partial_likelihood, 6);
    });
  }
});
