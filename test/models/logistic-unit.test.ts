/**
 * Logistic regression on 20 hand-made customers (two numbers, a three-level plan, a constant
 * column), against statsmodels Logit without a penalty and scipy on the same L2 objective with one
 * (the intercept unpenalized, coefficients on columns standardized by the population sd). Fast
 * enough for every mutant; the Telco fits check the same at scale.
 *
 * Reference (numpy 1.24, scipy 1.10, statsmodels 0.13.5, scikit-learn 1.2, Debian):
 *   X = [age, calls, plan=a, plan=c] (plan=b, the most frequent level, is the reference)
 *   sm.Logit(y, sm.add_constant(X)).fit(method='newton', tol=1e-12)   -> params, bse, llf, llnull,
 *     tvalues, pvalues, conf_int(); roc_auc_score(y, X @ params[1:])   -> concordance
 *   minimize(-(Σ y·η − log(1 + e^η)) + l2/2·|b[1:]|², method='trust-exact') on the standardized
 *     columns, polished by five numpy Newton steps (gradient 1e-15), then raw coef = b_j / sd_j, intercept = b_0 − Σ coef_j·mean_j, covariance
 *     inv(XᵀWX + l2·I) carried through the same linear map.
 */
import { describe, expect, it } from 'vitest';
import { makeMatrix } from '../../src/data/matrix.js';
import { ConvergenceError, ModelError } from '../../src/errors.js';
import { DEFAULT_LOGISTIC_PARAMS, fitLogistic, LogisticModel } from '../../src/models/logistic.js';
import { Rng } from '../../src/rng.js';

const age = [23, 35, 41, 29, 52, 60, 33, 47, 38, 55, 26, 44, 31, 58, 49, 36, 27, 63, 40, 30];
const calls = [4, 2, 0, 5, 1, 0, 3, 1, 6, 2, 7, 0, 2, 1, 3, 5, 6, 0, 4, 2];
const plan = 'abacbbacabcabbacabcb';
const churned = [1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 1];
const level = (l: string): Float64Array => Float64Array.from(plan, (p) => (p === l ? 1 : 0));
const x = makeMatrix(
  ['age', 'calls', 'plan=a', 'plan=b', 'plan=c', 'flat'],
  [Float64Array.from(age), Float64Array.from(calls), level('a'), level('b'), level('c'), new Float64Array(20).fill(3)],
);
const y = Uint8Array.from(churned);

const statsmodels = {
  intercept: 0.03468092120027754,
  coef: [-0.11854096088847643, 1.4923479688131092, 2.844579171760776, -1.9636818850359519],
  se_intercept: 5.68087435292951,
  se: [0.15249638404033153, 0.9820355027718295, 2.653298785251633, 3.2025238357651324],
  log_likelihood: -4.930480566215548,
  null_log_likelihood: -13.762776274271769, // 20·(0.45 ln 0.45 + 0.55 ln 0.55), exact (llnull is fitted to 1e-9)
  concordance: 0.9696969696969696,
  z: [-0.7773362079006757, 1.5196476752631702, 1.07209153660808, -0.613166985084062],
  p: [0.43696043816374297, 0.1285995488710648, 0.28367891987191285, 0.5397659322892441],
  ci: [[-0.4174283813801149, 0.18034645960316203], [-0.43240624815936113, 3.4171021857855797], [-2.3557908875563003, 8.044949231077851], [-8.240513262766678, 4.313149492694775]],
};
const penalized = [
  { l2: 1, intercept: 0.21511294601737413, coef: [-0.06215826052529238, 0.5585518820541774, 1.4027330427482423, 0.027141653724877292], se: [0.055510642032322415, 0.3073996558068181, 1.1595251191241647, 1.346774265919895], se_intercept: 2.570632584932093, log_likelihood: -6.053231053339226 },
  { l2: 5, intercept: 0.1996226832593524, coef: [-0.0367875249216827, 0.2784328574300104, 0.7226960596965712, 0.17675776218686523], se: [0.03071038769012229, 0.1663808440521031, 0.7187472387230733, 0.801514206747325], se_intercept: 1.5314659398033148, log_likelihood: -8.021159428748629 },
];

const rel = (a: number, b: number): number => Math.abs(a / b - 1);

describe('logistic regression on 20 hand-made customers', () => {
  it('matches statsmodels Logit without a penalty: terms, errors, likelihoods, concordance, the design notes', () => {
    const m = fitLogistic({ x, y }, { l2: 0, maxIter: 100, tol: 1e-12 }, new Rng(1));
    const s = m.state;
    expect(s.features).toEqual(['age', 'calls', 'plan=a', 'plan=c']);
    expect(s.design).toEqual({ references: [{ column: 'plan', level: 'b' }], aliased: [{ feature: 'flat', with: [] }] });
    expect(Math.abs(s.intercept - statsmodels.intercept)).toBeLessThan(1e-8);
    expect(rel(s.se_intercept, statsmodels.se_intercept)).toBeLessThan(1e-8);
    s.coef.forEach((b, j) => {
      expect(rel(b, statsmodels.coef[j])).toBeLessThan(1e-8);
      expect(rel(s.se[j], statsmodels.se[j])).toBeLessThan(1e-8);
    });
    expect(s.log_likelihood).toBeCloseTo(statsmodels.log_likelihood, 10);
    expect(s.null_log_likelihood).toBeCloseTo(statsmodels.null_log_likelihood, 12);
    expect(s.concordance).toBeCloseTo(statsmodels.concordance, 15); // 64 of 66 pairs
    expect(s.rows).toBe(20);
    expect(s.mean).toEqual([age.reduce((a, b) => a + b) / 20, calls.reduce((a, b) => a + b) / 20, 7 / 20, 5 / 20]);
    // Wald z, p and the 95% interval on the odds-ratio scale, as statsmodels' summary.
    const rows = m.oddsRatios();
    expect(rows.map((r) => r.feature)).toEqual(s.features);
    rows.forEach((r, j) => {
      expect(r.z).toBeCloseTo(statsmodels.z[j], 7);
      expect(r.p).toBeCloseTo(statsmodels.p[j], 7);
      expect(Math.log(r.odds_ratio)).toBeCloseTo(statsmodels.coef[j], 7);
      expect(Math.log(r.ci_low)).toBeCloseTo(statsmodels.ci[j][0], 7);
      expect(Math.log(r.ci_high)).toBeCloseTo(statsmodels.ci[j][1], 7);
    });
    expect(m.globalImportance()).toEqual({ odds_ratios: rows, reference_levels: s.design.references, aliased: s.design.aliased });
    expect(m.linearDesign()).toBe(s.design);
    // The probability of a row is the sigmoid of its linear predictor (row 3: age 29, 5 calls, plan c).
    const eta = s.intercept + s.coef[0] * 29 + s.coef[1] * 5 + s.coef[3];
    expect(m.predictProba(x)[3]).toBeCloseTo(1 / (1 + Math.exp(-eta)), 14);
    // Each part is coef × (value − training mean), around a base at the mean (row 3: age 29, 5 calls, plan c).
    const e = m.explainBatch(x);
    expect(e.base).toBeCloseTo(s.intercept + s.coef.reduce((a, b, j) => a + b * s.mean[j], 0), 14);
    expect(e.contributions).toHaveLength(20 * 4);
    [29, 5, 0, 1].forEach((v, j) => expect(e.contributions[3 * 4 + j]).toBeCloseTo(s.coef[j] * (v - s.mean[j]), 14));
    // Saved and read back, the state scores the same.
    const back = LogisticModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(Array.from(back.predictProba(x))).toEqual(Array.from(m.predictProba(x)));
  });

  for (const ref of penalized) {
    it(`matches scipy on the same L2 objective, l2 = ${ref.l2}: the intercept unpenalized, the errors from the penalized information`, () => {
      const s = fitLogistic({ x, y }, { ...DEFAULT_LOGISTIC_PARAMS, l2: ref.l2, tol: 1e-12 }, new Rng(1)).state;
      expect(Math.abs(s.intercept - ref.intercept)).toBeLessThan(1e-9);
      expect(rel(s.se_intercept, ref.se_intercept)).toBeLessThan(1e-9);
      s.coef.forEach((b, j) => {
        expect(Math.abs(b - ref.coef[j])).toBeLessThan(1e-10);
        expect(rel(s.se[j], ref.se[j])).toBeLessThan(1e-9);
      });
      expect(s.log_likelihood).toBeCloseTo(ref.log_likelihood, 11);
    });
  }

  it('fits three rows (a block shorter than the four-way dot product), against the same objective in numpy', () => {
    // x = 1, 2, 3; y = 0, 1, 1; l2 = 1: Newton to a gradient of 1e-16 in numpy.
    const s = fitLogistic({ x: makeMatrix(['v'], [Float64Array.from([1, 2, 3])]), y: Uint8Array.from([0, 1, 1]) }, DEFAULT_LOGISTIC_PARAMS, new Rng(1)).state;
    expect(s.intercept).toBeCloseTo(-1.0659412503316437, 12);
    expect(s.coef[0]).toBeCloseTo(0.9267879904382686, 12);
    expect(s.se[0]).toBeCloseTo(0.9898119837728019, 12);
    expect(s.log_likelihood).toBeCloseTo(-1.166511406800531, 12);
  });

  it('refuses zero rows, and says how many iterations it ran when it does not converge', () => {
    const none = makeMatrix(['age'], [new Float64Array(0)]);
    expect(() => fitLogistic({ x: none, y: new Uint8Array(0) }, DEFAULT_LOGISTIC_PARAMS, new Rng(1))).toThrow(new ModelError('cannot fit a logistic regression on zero rows'));
    let error: unknown;
    try {
      fitLogistic({ x, y }, { l2: 0, maxIter: 2, tol: 1e-12 }, new Rng(1));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConvergenceError);
    expect((error as ConvergenceError).message).toBe('the logistic fit did not converge in 2 iterations; raise max_iter or l2');
    expect((error as ConvergenceError).iterations).toBe(2);
    // Separable rows without a penalty: the weights vanish and the Hessian with them.
    const separable = { x: makeMatrix(['v'], [Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7])]), y: Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 1]) };
    expect(() => fitLogistic(separable, { l2: 0, maxIter: 100, tol: 1e-10 }, new Rng(1))).toThrow(new ConvergenceError('the logistic Hessian is singular (perfectly collinear features?); raise l2', 0));
  });
});
