/**
 * Metrics at their exact edges: how lift and capture round the top k, calibration at p = 0 and 1
 * and at bin edges, curves thinned, champions tied or undefined, permutation importance's spread.
 */
import { describe, expect, it } from 'vitest';
import { makeMatrix } from '../../src/data/matrix.js';
import { calibrationTable } from '../../src/evaluate/calibration.js';
import { chooseChampion } from '../../src/evaluate/champion.js';
import { concordance, harrellC } from '../../src/evaluate/concordance.js';
import { gainsCurve, liftCurve, prCurve, rocCurve } from '../../src/evaluate/curves.js';
import { auc, averagePrecision, captureAt, liftAt, logLoss } from '../../src/evaluate/metrics.js';
import { permutationImportance } from '../../src/evaluate/permutation.js';
import { descendingOrder, thresholdSteps } from '../../src/evaluate/thresholds.js';
import { ConfigError } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';

const Y = (a: number[]): Uint8Array => Uint8Array.from(a);
const S = (a: number[]): Float64Array => Float64Array.from(a);
/** n rows scored n, n−1, …, 1 (all distinct), churners where `churn` says. */
const ranked = (churn: number[]): { y: Uint8Array; s: Float64Array } => ({ y: Y(churn), s: S(churn.map((_, i) => churn.length - i)) });

describe('lift and capture: the top k is round(fraction × n), at least 1', () => {
  it('rounds 1.5 rows up (n = 15) and 1.4 rows down (n = 14)', () => {
    // The best row churns, the second does not: top 1 has churn rate 1, top 2 has 1/2.
    const c15 = ranked([1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]); // 3 churners in 15: rate 0.2
    expect(liftAt(c15.y, c15.s, 0.1)).toBeCloseTo(0.5 / 0.2, 12); // k = 2
    expect(captureAt(c15.y, c15.s, 0.1)).toBeCloseTo(1 / 3, 12);
    const c14 = ranked([1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]); // 3 in 14
    expect(liftAt(c14.y, c14.s, 0.1)).toBeCloseTo(1 / (3 / 14), 12); // k = 1
    expect(captureAt(c14.y, c14.s, 0.2)).toBeCloseTo(2 / 3, 12); // k = round(2.8) = 3: rows 1 and 3 churn
  });

  it('takes one row when the fraction rounds to none, and is undefined without churners', () => {
    const c = ranked([0, 1, 0, 1]);
    expect(liftAt(c.y, c.s, 0.1)).toBe(0); // k = max(1, round(0.4)) = 1: a stayer
    expect(captureAt(c.y, c.s, 0.1)).toBe(0);
    expect(liftAt(c.y, c.s, 0.5)).toBe(1); // k = 2: one churner of two, rate 0.5
    expect(liftAt(Y([0, 0]), S([1, 2]), 0.5)).toBeNaN();
    expect(captureAt(Y([0, 0]), S([1, 2]), 0.5)).toBeNaN();
    expect(liftAt(c.y, c.s, 1)).toBe(1);
  });

  it('shares a tied block at the cut pro rata, in any row order', () => {
    // Scores: 3 (churner), then a block of four 2s holding one churner, then 1s.
    const y = Y([1, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
    const s = S([3, 2, 2, 2, 2, 1, 1, 1, 1, 1]);
    expect(captureAt(y, s, 0.3)).toBeCloseTo((1 + (1 * 2) / 4) / 3, 12); // k = 3: 1 + two of the block's four rows
    expect(liftAt(y, s, 0.5)).toBeCloseTo(2 / 5 / 0.3, 12); // k = 5: the whole block
  });
});

describe('other metrics at their edges', () => {
  it('AUC and average precision with every score tied, and log loss clipped at both ends', () => {
    expect(auc(Y([1, 0, 1, 0]), S([0.3, 0.3, 0.3, 0.3]))).toBe(0.5);
    expect(averagePrecision(Y([1, 0, 0, 0]), S([0.3, 0.3, 0.3, 0.3]))).toBe(0.25);
    expect(averagePrecision(Y([0, 0]), S([0.1, 0.2]))).toBeNaN();
    expect(averagePrecision(Y([]), S([]))).toBeNaN(); // no rows: no churner to find, not 0
    expect(auc(Y([0, 0, 1]), S([1, 2, 3]))).toBe(1);
    expect(auc(Y([1, 0, 0]), S([1, 2, 3]))).toBe(0);
    expect(logLoss(Y([0, 1]), S([1, 1]))).toBeCloseTo(-Math.log(1 - (1 - 1e-15)) / 2, 12); // p clipped to 1 − 1e-15
    expect(logLoss(Y([1]), S([0.25]), 0.5)).toBeCloseTo(Math.log(2), 12); // clipped to [0.5, 0.5]
  });

  it('walks thresholds from the highest score, one step per distinct score, ties in row order', () => {
    expect(Array.from(descendingOrder(S([0.2, 0.9, 0.2, 0.5])))).toEqual([1, 3, 0, 2]);
    expect(thresholdSteps(Y([1, 0, 1, 0]), S([0.2, 0.9, 0.2, 0.5]))).toEqual({
      steps: [{ tp: 0, fp: 1, n: 1 }, { tp: 0, fp: 2, n: 2 }, { tp: 2, fp: 2, n: 4 }], pos: 2, neg: 2,
    });
  });

  it("Harrell's C: undefined with no comparable pair; an event before a censored later time compares", () => {
    expect(concordance(S([1, 1]), Y([1, 1]), S([1, 2]))).toEqual({ c: Number.NaN, comparable: 0 });
    expect(harrellC(S([1, 2]), Y([1, 0]), S([2, 1]))).toBe(1); // earlier event, higher risk
    expect(harrellC(S([1, 2]), Y([1, 0]), S([1, 2]))).toBe(0);
    expect(harrellC(S([1, 2]), Y([0, 1]), S([2, 1]))).toBeNaN(); // the earlier one is censored
    // Three events at distinct times: 3 comparable pairs; risks 3, 1, 2 -> (0,1) (0,2) concordant, (1,2) not.
    expect(concordance(S([1, 2, 3]), Y([1, 1, 1]), S([3, 1, 2]))).toEqual({ c: 2 / 3, comparable: 3 });
    expect(harrellC(S([1, 2, 3]), Y([1, 1, 1]), S([3, 1, 2]))).toBe(0.666666667);
  });
});

describe('calibration: equal-width bins, p = 1 in the last, a bin edge in the upper bin', () => {
  it('places p = 0, 0.1, 0.5, 0.95 and 1 and averages each bin', () => {
    const t = calibrationTable(Y([0, 1, 0, 1, 1, 1]), S([0, 0.1, 0.5, 0.95, 1, 1]), 10);
    expect(t).toHaveLength(10);
    expect(t.map((b) => b.count)).toEqual([1, 1, 0, 0, 0, 1, 0, 0, 0, 3]);
    expect(t[9]).toEqual({ bin: 9, lower: 0.9, upper: 1, count: 3, mean_predicted: 0.983333, observed: 1 });
    expect(t[0]).toEqual({ bin: 0, lower: 0, upper: 0.1, count: 1, mean_predicted: 0, observed: 0 });
    expect(t[1]).toMatchObject({ lower: 0.1, upper: 0.2, mean_predicted: 0.1, observed: 1 });
    expect(t[2]).toEqual({ bin: 2, lower: 0.2, upper: 0.3, count: 0, mean_predicted: 0, observed: 0 });
    expect(calibrationTable(Y([1, 0, 0]), S([1, 0.5, 0.2]), 2).map((b) => [b.count, b.observed])).toEqual([[1, 0], [2, 0.5]]);
  });

  it('keeps out-of-range scores in the end bins', () => {
    const t = calibrationTable(Y([1, 0]), S([1.5, -0.5]), 4);
    expect(t.map((b) => b.count)).toEqual([1, 0, 0, 1]);
  });
});

describe('curves', () => {
  const y = Y([1, 0, 1, 0]);
  const s = S([0.9, 0.7, 0.6, 0.1]);

  it('PR, gains and lift point by point', () => {
    expect(prCurve(y, s)).toEqual([{ x: 0.5, y: 1 }, { x: 0.5, y: 0.5 }, { x: 1, y: 0.666667 }, { x: 1, y: 0.5 }]);
    expect(gainsCurve(y, s)).toEqual([{ x: 0, y: 0 }, { x: 0.25, y: 0.5 }, { x: 0.5, y: 0.5 }, { x: 0.75, y: 1 }, { x: 1, y: 1 }]);
    expect(liftCurve(y, s)).toEqual([{ x: 0.25, y: 2 }, { x: 0.5, y: 1 }, { x: 0.75, y: 1.333333 }, { x: 1, y: 1 }]);
  });

  it('thins to at most maxPoints, keeping both ends', () => {
    const n = 101;
    const yy = Uint8Array.from({ length: n }, (_, i) => i % 2);
    const ss = Float64Array.from({ length: n }, (_, i) => i / n);
    const full = rocCurve(yy, ss, 1000);
    expect(full).toHaveLength(102);
    const thin = rocCurve(yy, ss, 5);
    expect(thin).toHaveLength(5);
    expect(thin[0]).toEqual(full[0]);
    expect(thin[4]).toEqual(full[101]);
    expect(thin[2]).toEqual(full[Math.round((2 * 101) / 4)]);
    expect(rocCurve(yy, ss, 102)).toEqual(full);
  });
});

describe('champion', () => {
  it('breaks a tie by name, skips a model whose metric is not a number, and needs a model', () => {
    expect(chooseChampion({ b: { auc: 0.8 }, a: { auc: 0.8 } })).toBe('a');
    expect(chooseChampion({ a: { auc: Number.NaN }, b: { auc: 0.6 } })).toBe('b');
    expect(chooseChampion({ a: { auc: 0.6 }, b: { auc: Number.NaN } })).toBe('a');
    expect(chooseChampion({ a: { brier: 0.2 }, b: { brier: 0.1 } }, 'brier')).toBe('b');
    expect(chooseChampion({ a: { auc: 0.7 }, b: { auc: 0.9 }, c: { auc: 0.8 } })).toBe('b');
    expect(() => chooseChampion({})).toThrow(ConfigError);
    expect(() => chooseChampion({})).toThrow('no model to choose a champion from');
    expect(() => chooseChampion({ a: { auc: 1, brier: 0.1 } }, 'f1')).toThrow('unknown champion metric "f1" (model a has auc, brier)');
    const keyOf = (f: () => unknown): unknown => { try { f(); } catch (e) { return (e as ConfigError).context.key; } return undefined; };
    expect([keyOf(() => chooseChampion({})), keyOf(() => chooseChampion({ a: { auc: 1 } }, 'f1'))]).toEqual(['models', 'champion_metric']);
  });
});

describe('permutation importance', () => {
  it('reports the mean drop and its sample standard deviation, ties ordered by name', () => {
    // A "model" that scores with column b: its drops are what the shuffles give; a and z never matter.
    const x = makeMatrix(['z', 'a', 'b'], [S([5, 5, 5, 5]), S([0, 0, 0, 0]), S([1, 2, 3, 4])]);
    const y = Y([0, 0, 1, 1]);
    const imp = permutationImportance((m) => m.columns[2], x, y, new Rng(3), 3, auc);
    expect(imp.map((r) => r.feature)).toEqual(['b', 'a', 'z']); // by mean drop, then by name
    expect(imp[1]).toEqual({ feature: 'a', mean: 0, sd: 0 });
    // A feature whose shuffles raise the metric ranks last.
    const rising = permutationImportance((m) => Float64Array.from(m.columns[0], (v, i) => v + m.columns[1][i]), makeMatrix(['u', 'v'], [S([4, 3, 2, 1]), S([0, 0, 0, 10])]), Y([1, 1, 0, 0]), new Rng(1), 4);
    expect(rising.map((r) => r.feature)).toEqual(['u', 'v']);
    // Three tied features already in name order stay in it (a comparator that only ever says
    // "before" would reverse them).
    const tied = permutationImportance((m) => m.columns[3], makeMatrix(['a', 'b', 'c', 'd'], [S([1, 1]), S([2, 2]), S([3, 3]), S([0, 1])]), Y([0, 1]), new Rng(5), 2);
    expect(tied.map((r) => r.feature)).toEqual(['d', 'a', 'b', 'c']);
    expect(rising[1].mean).toBeLessThan(0);
    // Replay the same shuffles to get the expected drops of b.
    const rng = new Rng(3);
    const drops: number[] = [];
    for (let j = 0; j < 3; j++) {
      for (let r = 0; r < 3; r++) {
        const shuffled = rng.shuffle(Float64Array.from(x.columns[j])); // each feature's shuffles in turn, from one stream
        if (j === 2) drops.push(1 - auc(y, shuffled));
      }
    }
    const mean = drops.reduce((a, b) => a + b, 0) / 3;
    const sd = Math.sqrt(drops.reduce((a, b) => a + (b - mean) ** 2, 0) / 2);
    expect(imp[0].mean).toBeCloseTo(mean, 9);
    expect(imp[0].sd).toBeCloseTo(sd, 9);
    expect(imp[0].sd).toBeGreaterThan(0);
  });
});
