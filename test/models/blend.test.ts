/**
 * The blend's arithmetic on two hand-made members whose scores are simple formulas: the mean of
 * their probabilities, and parts on the probability scale that add up to it (a log-odds member's
 * parts rescaled by the sigmoid's slope between its base and the row's score).
 */
import { describe, expect, it } from 'vitest';
import { makeMatrix, type FeatureMatrix } from '../../src/data/matrix.js';
import { ModelError } from '../../src/errors.js';
import { BlendModel } from '../../src/models/blend.js';
import type { BatchExplanation, ChurnModel, ModelState } from '../../src/models/model.js';
import { sigmoid } from '../../src/models/sigmoid.js';

/** z = 0.5 + a − 2b on the log-odds scale; parts a and −2b; no probability in its explanation. */
const logOdds: ChurnModel = {
  kind: 'logistic',
  features: ['a', 'b'],
  predictProba: (x) => Float64Array.from({ length: x.rows }, (_, i) => sigmoid(0.5 + x.columns[0][i] - 2 * x.columns[1][i])),
  explainBatch: (x): BatchExplanation => ({
    scale: 'log_odds', base: 0.5,
    contributions: Float64Array.from({ length: 2 * x.rows }, (_, k) => (k % 2 === 0 ? x.columns[0][k >> 1] : -2 * x.columns[1][k >> 1])),
  }),
  toJSON: () => ({ kind: 'logistic', params: {} }),
};

/** p = 0.2 + 0.1b + 0.3c on the probability scale, handing its probabilities with its parts. */
const probability: ChurnModel = {
  kind: 'random_forest',
  features: ['b', 'c'],
  backend: 'plain',
  predictProba: (x) => Float64Array.from({ length: x.rows }, (_, i) => 0.2 + 0.1 * x.columns[0][i] + 0.3 * x.columns[1][i]),
  explainBatch: (x: FeatureMatrix): BatchExplanation => ({
    scale: 'probability', base: 0.2,
    contributions: Float64Array.from({ length: 2 * x.rows }, (_, k) => (k % 2 === 0 ? 0.1 : 0.3) * x.columns[k % 2][k >> 1]),
    probability: Float64Array.from({ length: x.rows }, (_, i) => 0.2 + 0.1 * x.columns[0][i] + 0.3 * x.columns[1][i]),
  }),
  toJSON: () => ({ kind: 'random_forest', params: {} }),
};

describe('a blend of two models', () => {
  // Row 0: a = 1, b = 0.25, c = 0.5: z = 1, p = σ(1); the other 0.375. Row 1: a = 1, b = 0.5, c = 0: z = 0.5 (its base), the other 0.25.
  const x = makeMatrix(['c', 'b', 'a'], [Float64Array.of(0.5, 0), Float64Array.of(0.25, 0.5), Float64Array.of(1, 1)]);
  // Built inside each test, so Stryker sees which tests reach it.
  const blended = () => BlendModel.of([{ name: 'logistic', model: logOdds }, { name: 'random_forest', model: probability }]);

  it('lists the members\' features merged in order, and averages their probabilities', () => {
    const blend = blended();
    expect(blend.toJSON().kind).toBe('blend');
    expect(blend.features).toEqual(['a', 'b', 'c']);
    expect(blend.state.members.map((m) => m.name)).toEqual(['logistic', 'random_forest']);
    const p = blend.predictProba(x);
    expect(p[0]).toBeCloseTo((0.7310585786300049 + 0.375) / 2, 15);
    expect(p[1]).toBeCloseTo((0.6224593312018546 + 0.25) / 2, 15);
    expect(blend.backend).toBe('plain');
  });

  it('explains on the probability scale: the log-odds member\'s parts rescaled to sum to p − σ(base), then averaged', () => {
    const blend = blended();
    const e = blend.explainBatch(x);
    expect(e.scale).toBe('probability');
    expect(e.base).toBeCloseTo((0.6224593312018546 + 0.2) / 2, 15);
    // Row 0: factor (σ(1) − σ(0.5)) / (1 − 0.5) = 0.21719849…; a: 1 × it / 2; b: (−0.5 × it + 0.025) / 2; c: 0.15 / 2.
    expect(e.contributions[0]).toBeCloseTo(0.1085992474281503, 14);
    expect(e.contributions[1]).toBeCloseTo(-0.041799623714075154, 14);
    expect(e.contributions[2]).toBeCloseTo(0.075, 15);
    // Row 1: z equals the base, so the factor is the slope there, σ(0.5)(1 − σ(0.5)) = 0.23500371…
    expect(e.contributions[3]).toBeCloseTo(0.11750185610079725, 14);
    expect(e.contributions[4]).toBeCloseTo(-0.09250185610079725, 14);
    expect(e.contributions[5]).toBe(0);
    expect(Array.from(e.probability!)).toEqual(Array.from(blend.predictProba(x)));
    for (let i = 0; i < 2; i++) expect(e.base + e.contributions[3 * i] + e.contributions[3 * i + 1] + e.contributions[3 * i + 2]).toBeCloseTo(e.probability![i], 14);
  });

  it('refuses a member that cannot explain or explains log-hazards, and a file with no members', () => {
    const blend = blended();
    const mute: ChurnModel = { ...probability, explainBatch: undefined };
    expect(() => BlendModel.of([{ name: 'logistic', model: logOdds }, { name: 'random_forest', model: mute }]).explainBatch(x)).toThrow(/member random_forest cannot explain/);
    const hazard: ChurnModel = { ...logOdds, kind: 'cox', explainBatch: (m) => ({ ...logOdds.explainBatch!(m), scale: 'log_hazard' }) };
    expect(() => BlendModel.of([{ name: 'cox', model: hazard }]).explainBatch(x)).toThrow(new ModelError('the blend\'s member cox explains log-hazards, which do not blend with probabilities'));
    expect(() => BlendModel.fromJSON({ kind: 'blend', params: {}, members: [] } as ModelState, () => logOdds)).toThrow(/lists no members/);
    const loaded = BlendModel.fromJSON(blend.toJSON(), (s) => (s.kind === 'logistic' ? logOdds : probability));
    expect(Array.from(loaded.predictProba(x))).toEqual(Array.from(blend.predictProba(x)));
    expect(BlendModel.of([{ name: 'logistic', model: logOdds }]).backend).toBeUndefined();
  });
});
