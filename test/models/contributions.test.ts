/**
 * For any data (fast-check), each model's explanation adds up to its own score: logistic parts to
 * the log-odds, Cox parts to the log relative hazard behind its probability, the forest's TreeSHAP
 * parts to the probability. The list's reasons are these parts, so they must be exact.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeMatrix, type FeatureMatrix } from '../../src/data/matrix.js';
import { tableSurvival } from '../../src/labels/survival.js';
import { cumulativeHazardAt, DEFAULT_COX_PARAMS, fitCox } from '../../src/models/cox.js';
import { DEFAULT_FOREST_PARAMS, fitForest } from '../../src/models/forest/forest.js';
import { DEFAULT_LOGISTIC_PARAMS, fitLogistic } from '../../src/models/logistic.js';
import type { BatchExplanation } from '../../src/models/model.js';
import { Rng } from '../../src/rng.js';

interface Data { x: FeatureMatrix; y: Uint8Array; tenure: Float64Array }

/** 12 to 40 customers, 1 to 3 small-integer features, both classes, tenures 1 to 12 months. */
const datasets = fc.integer({ min: 1, max: 3 }).chain((p) => fc.array(
  fc.record({ f: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: p, maxLength: p }), y: fc.integer({ min: 0, max: 1 }), t: fc.integer({ min: 1, max: 12 }) }),
  { minLength: 12, maxLength: 40 },
)).filter((r) => r.some((x) => x.y === 1) && r.some((x) => x.y === 0)).map((r): Data => ({
  x: makeMatrix(r[0].f.map((_, j) => `f${j}`), r[0].f.map((_, j) => Float64Array.from(r, (row) => row.f[j]))),
  y: Uint8Array.from(r, (row) => row.y),
  tenure: Float64Array.from(r, (row) => row.t),
}));

/** base + Σ parts, per row. */
function sums(e: BatchExplanation, rows: number, p: number): Float64Array {
  return Float64Array.from({ length: rows }, (_, i) => {
    let s = e.base;
    for (let j = 0; j < p; j++) s += e.contributions[i * p + j];
    return s;
  });
}

describe('explanations add up to the score', () => {
  it('logistic: base + parts = log-odds of P(churn)', () => {
    fc.assert(fc.property(datasets, ({ x, y }) => {
      const m = fitLogistic({ x, y }, DEFAULT_LOGISTIC_PARAMS, new Rng(1));
      const e = m.explainBatch(x);
      expect(e.scale).toBe('log_odds');
      const p = m.predictProba(x);
      sums(e, x.rows, x.features.length).forEach((s, i) => expect(s).toBeCloseTo(Math.log(p[i] / (1 - p[i])), 9));
    }), { numRuns: 30 });
  });

  it('Cox: the parts add up to the log relative hazard that scales the baseline in P(churn)', () => {
    fc.assert(fc.property(datasets, ({ x, y, tenure }) => {
      const withTenure = makeMatrix([...x.features, 'tenure'], [...x.columns, tenure]);
      const m = fitCox({ x: withTenure, y, survival: tableSurvival(tenure, 'tenure', 1, 'months', 'origin') }, { ...DEFAULT_COX_PARAMS, l2: 1 }, new Rng(1));
      const e = m.explainBatch(withTenure);
      const p = withTenure.features.length;
      const lp = m.linearPredictor(withTenure);
      const s = sums(e, x.rows, p);
      const base = m.state.baselines[0];
      const prob = m.predictProba(withTenure);
      for (let i = 0; i < x.rows; i++) {
        expect(e.contributions[i * p + p - 1]).toBe(0); // the tenure acts through the baseline
        expect(s[i]).toBeCloseTo(lp[i], 9);
        const a = Math.min(tenure[i], Math.max(0, base.last_time - 1));
        expect(prob[i]).toBeCloseTo(1 - Math.exp(-(cumulativeHazardAt(base, a + 1) - cumulativeHazardAt(base, a)) * Math.exp(s[i])), 12);
      }
    }), { numRuns: 30 });
  });

  it('forest: expected value + TreeSHAP parts = P(churn)', async () => {
    await fc.assert(fc.asyncProperty(datasets, fc.integer({ min: 0, max: 1000 }), async ({ x, y }, seed) => {
      const m = await fitForest({ x, y }, { ...DEFAULT_FOREST_PARAMS, trees: 5, minSamplesLeaf: 1, workers: 1 }, new Rng(seed));
      const e = m.explainBatch(x);
      const p = m.predictProba(x);
      sums(e, x.rows, x.features.length).forEach((s, i) => expect(s).toBeCloseTo(p[i], 12));
      expect(Array.from(e.probability ?? [])).toEqual(Array.from(p));
    }), { numRuns: 20 });
  });
});
