/**
 * The Cox partial likelihood itself, away from any fit: 14 rows in two strata, delayed entry
 * (a row is at risk on (entry, exit]), events tied at 5, 8 and 9, two covariates, at a fixed
 * β = (0.4, −0.6) where the gradient is not zero. Against statsmodels 0.13.5's PHReg with the same
 * entry, strata and ties (loglike, score and hessian at β; its hessian is minus our information),
 * and the baseline cumulative hazard worked from its definition, risk set by risk set, in numpy:
 * ΔH0(t) = Σ_{l<d} 1 / (S0 − f_l E0), f_l = l/d (Efron) or 0 (Breslow). statsmodels' own
 * baseline_cumulative_hazard reports each stratum's steps one event time late (0 at the first).
 */
import { describe, expect, it } from 'vitest';
import { baselineHazard, orderRiskSets, partialLikelihood, type SurvivalRows } from '../../src/models/cox-likelihood.js';

const exit = [5, 8, 3, 8, 12, 5, 7, 10, 4, 9, 6, 11, 9, 3];
const entry = [0, 2, 0, 1, 4, 0, 3, 0, 0, 2, 1, 5, 0, 0];
const event = [1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1];
const stratum = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1];
const x1 = [0.5, -1.2, 0.3, 1.1, -0.4, 2.0, 0.0, -0.7, 1.5, 0.2, -1.0, 0.8, 0.4, -0.3];
const x2 = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0];

/**
 * The rows above, and two that take no part: an event leaving the moment it entered (exit = entry)
 * and one that left before it entered, each in a stratum where it would shift every sum.
 */
function rows(): { rows: SurvivalRows; z: Float64Array } {
  const all = (v: number[], a: number, b: number): number[] => [...v, a, b];
  return {
    rows: {
      exit: Float64Array.from(all(exit, 6, 9)),
      entry: Float64Array.from(all(entry, 6, 10)),
      event: Uint8Array.from(all(event, 1, 1)),
      stratum: Int32Array.from(all(stratum, 0, 1)),
      strata: 2,
    },
    z: Float64Array.from([...x1.flatMap((v, i) => [v, x2[i]]), 3, 1, -2, 1]),
  };
}
const beta = Float64Array.from([0.4, -0.6]);

const statsmodels = {
  efron: { loglik: -12.537534757638998, score: [2.3092707122450125, 2.4209346282830913], hessian: [-7.191580197713968, -1.8740559698538841, -1.8740559698538841, -2.043425259275986] },
  breslow: { loglik: -13.410216923229756, score: [1.929408271911989, 2.2229214678152642], hessian: [-7.360663587215162, -1.8513030417330103, -1.8513030417330103, -2.127139608856621] },
};
const baselines = {
  efron: [
    { times: [5, 7, 8], cumhaz: [0.4048695236915396, 0.7530731716989724, 1.8134165055198554] },
    { times: [3, 4, 9, 11], cumhaz: [0.21970386938947628, 0.4925804237101196, 1.152534091207234, 1.8786831282809247] },
  ],
  breslow: [
    { times: [5, 7, 8], cumhaz: [0.3467560532354536, 0.6949597012428863, 1.5558890598604056] },
    { times: [3, 4, 9, 11], cumhaz: [0.21970386938947628, 0.4925804237101196, 1.0857937415632362, 1.811942778636927] },
  ],
};

describe('Cox partial likelihood with strata, delayed entry and ties', () => {
  for (const ties of ['efron', 'breslow'] as const) {
    it(`${ties}: log likelihood, gradient and information at a β off the optimum, as statsmodels PHReg`, () => {
      const { rows: r, z } = rows();
      const got = partialLikelihood(r, orderRiskSets(r), z, 2, beta, ties, true);
      const want = statsmodels[ties];
      expect(got.loglik).toBeCloseTo(want.loglik, 12);
      Array.from(got.grad).forEach((g, j) => expect(g).toBeCloseTo(want.score[j], 12));
      expect(got.info).toHaveLength(4);
      Array.from(got.info ?? []).forEach((v, k) => expect(v).toBeCloseTo(-want.hessian[k], 12));
      // Without the information the same likelihood and gradient.
      const light = partialLikelihood(r, orderRiskSets(r), z, 2, beta, ties, false);
      expect([light.loglik, ...light.grad, light.info]).toEqual([got.loglik, ...got.grad, null]);
    });

    it(`${ties}: the baseline cumulative hazard per stratum at each event time`, () => {
      const { rows: r, z } = rows();
      const got = baselineHazard(r, orderRiskSets(r), z, 2, beta, ties);
      expect(got.map((b) => b.times)).toEqual(baselines[ties].map((b) => b.times));
      got.forEach((b, s) => b.cumhaz.forEach((h, k) => expect(h).toBeCloseTo(baselines[ties][s].cumhaz[k], 12)));
    });
  }

  it('orders each stratum latest exit first (ties by row), with the blocks of equal exit times', () => {
    const { rows: r } = rows();
    const [first, second] = orderRiskSets(r);
    expect(Array.from(first.byExit)).toEqual([4, 1, 3, 6, 0, 5, 2]);
    expect(Array.from(first.blocks)).toEqual([0, 1, 3, 4, 6, 7]);
    expect(Array.from(first.byEntry)).toEqual([4, 6, 1, 3, 0, 2, 5]);
    expect(Array.from(second.byExit)).toEqual([11, 7, 9, 12, 10, 8, 13]);
    expect(Array.from(second.blocks)).toEqual([0, 1, 2, 4, 5, 6, 7]);
  });
});
