/**
 * Properties of the metrics that hold for any labels and scores (fast-check): AUC is the share of
 * (churner, stayer) pairs ordered right, ties counting one half, whatever the row order; the
 * tie-aware metrics do not depend on row order either.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auc, averagePrecision, captureAt, liftAt } from '../../src/evaluate/metrics.js';
import { Rng } from '../../src/rng.js';

/** Rows of (label, score) with both classes present; scores on a coarse grid so ties are common. */
const rows = fc
  .array(fc.record({ y: fc.integer({ min: 0, max: 1 }), s: fc.integer({ min: -8, max: 8 }).map((k) => k / 4) }), { minLength: 2, maxLength: 60 })
  .filter((r) => r.some((x) => x.y === 1) && r.some((x) => x.y === 0));

const labels = (r: { y: number }[]): Uint8Array => Uint8Array.from(r, (x) => x.y);
const scores = (r: { s: number }[]): Float64Array => Float64Array.from(r, (x) => x.s);

/** The definition, pair by pair. */
function pairwiseAuc(y: Uint8Array, s: Float64Array): number {
  let won = 0;
  let pairs = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < y.length; j++) {
      if (y[j] !== 0) continue;
      pairs++;
      won += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
    }
  }
  return won / pairs;
}

describe('metric properties', () => {
  it('AUC equals the pairwise definition, and 1 − AUC when the scores are negated', () => {
    fc.assert(fc.property(rows, (r) => {
      const y = labels(r);
      const s = scores(r);
      expect(auc(y, s)).toBeCloseTo(pairwiseAuc(y, s), 12);
      expect(auc(y, s.map((v) => -v))).toBeCloseTo(1 - auc(y, s), 12);
    }), { numRuns: 200 });
  });

  it('AUC, average precision, lift and capture do not depend on the row order', () => {
    fc.assert(fc.property(rows, fc.integer(), fc.double({ min: 0.05, max: 1, noNaN: true }), (r, seed, fraction) => {
      const order = new Rng(seed).shuffle(Array.from(r, (_, i) => i));
      const y = labels(r);
      const s = scores(r);
      const py = Uint8Array.from(order, (i) => y[i]);
      const ps = Float64Array.from(order, (i) => s[i]);
      expect(auc(py, ps)).toBe(auc(y, s));
      expect(averagePrecision(py, ps)).toBeCloseTo(averagePrecision(y, s), 12);
      expect(liftAt(py, ps, fraction)).toBeCloseTo(liftAt(y, s, fraction), 12);
      expect(captureAt(py, ps, fraction)).toBeCloseTo(captureAt(y, s, fraction), 12);
    }), { numRuns: 200 });
  });
});
