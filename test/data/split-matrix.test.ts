/** Splits, the feature matrix, bins and the drift reference on small hand-made inputs. */
import { describe, expect, it } from 'vitest';
import { binOf } from '../../src/data/bins.js';
import { decileEdges, fitDriftReference } from '../../src/data/drift-reference.js';
import { fitEncoder } from '../../src/data/encoder.js';
import { makeMatrix, rowRange, rowValues, selectFeatures, takeRows, takeTraining } from '../../src/data/matrix.js';
import { checkSplit, outOfTimeSplit, stratifiedFolds, stratifiedSplit, type Split } from '../../src/data/split.js';
import { InputError } from '../../src/errors.js';
import type { CustomerTable } from '../../src/ingest/table.js';

const ints = (a: ArrayLike<number>): number[] => Array.from(a);

describe('splits', () => {
  // 5 churners (rows 0..4) and 12 stayers (rows 5..16).
  const y = Uint8Array.from({ length: 17 }, (_, i) => (i < 5 ? 1 : 0));

  it('stratified: each class cut at round(n × fraction), sorted, disjoint, covering every row, seeded', () => {
    const s = stratifiedSplit(y, 0.3, 7);
    const testPos = ints(s.test).filter((i) => y[i] === 1).length;
    expect([testPos, s.test.length - testPos]).toEqual([2, 4]); // round(1.5) = 2, round(3.6) = 4
    expect(s.train.length).toBe(11);
    expect([...ints(s.train), ...ints(s.test)].sort((a, b) => a - b)).toEqual(ints(Array.from({ length: 17 }, (_, i) => i)));
    expect(ints(s.test)).toEqual([...ints(s.test)].sort((a, b) => a - b));
    expect(ints(s.train)).toEqual([...ints(s.train)].sort((a, b) => a - b));
    expect(stratifiedSplit(y, 0.3, 7)).toEqual(s);
    expect(ints(stratifiedSplit(y, 0.3, 8).test)).not.toEqual(ints(s.test));
    expect(s.kind).toBe('stratified');
  });

  it('stratified folds: every row tests once, classes spread evenly, train is the rest', () => {
    const folds = stratifiedFolds(y, 3, 1);
    expect(folds).toHaveLength(3);
    const seen = new Array<number>(17).fill(0);
    for (const f of folds) {
      expect(f.kind).toBe('kfold');
      for (const i of f.test) seen[i]++;
      expect(f.train.length + f.test.length).toBe(17);
      expect(ints(f.train).some((i) => ints(f.test).includes(i))).toBe(false);
      const pos = ints(f.test).filter((i) => y[i] === 1).length;
      expect(pos === 1 || pos === 2).toBe(true); // 5 churners over 3 folds
      expect(f.test.length - pos).toBe(4); // 12 stayers over 3 folds
    }
    expect(seen).toEqual(new Array<number>(17).fill(1));
    // Seeded: the same folds on every run (each class shuffled apart, churners first).
    expect(folds.map((f) => ints(f.test))).toEqual([[2, 4, 5, 6, 15, 16], [0, 3, 8, 10, 12, 13], [1, 7, 9, 11, 14]]);
  });

  it('out of time: earlier periods train, the test period tests, later periods neither', () => {
    const s = outOfTimeSplit(Int32Array.from([202501, 202502, 202503, 202503, 202504, 202501]), 202503);
    expect([ints(s.train), ints(s.test), s.kind]).toEqual([[0, 1, 5], [2, 3], 'out_of_time']);
  });

  describe('checkSplit refuses a split that cannot be fitted or measured, naming the file and the key to change', () => {
    // Rows 0..2 churn, rows 3..6 stay.
    const y7 = Uint8Array.from([1, 1, 1, 0, 0, 0, 0]);
    const split = (kind: Split['kind'], train: number[], test: number[]): Split => ({ kind, train: Int32Array.from(train), test: Int32Array.from(test) });
    const refusal = (s: Split, testWanted = true): unknown => {
      try {
        checkSplit(s, y7, 'customers.csv', testWanted);
      } catch (e) {
        return e;
      }
      return null;
    };

    it('accepts both classes on both sides, and an empty test side when none is wanted', () => {
      expect(refusal(split('stratified', [0, 1, 3, 4, 5], [2, 6]))).toBeNull();
      expect(refusal(split('stratified', [0, 3], []), false)).toBeNull();
    });

    it('training rows of one class', () => {
      for (const [train, churned, stayed] of [[[0, 1], 2, 0], [[3, 4, 5], 0, 3]] as const) {
        const e = refusal(split('stratified', [...train], [2, 6]));
        expect(e).toBeInstanceOf(InputError);
        expect(e).toMatchObject({ message: `the training rows hold ${churned} churners and ${stayed} stayers: a model needs both`, context: { file: 'customers.csv', key: 'target' } });
      }
    });

    it('an empty test side (by default, a test is wanted)', () => {
      expect(refusal(split('stratified', [0, 3], []))).toMatchObject({
        message: 'the test split is empty: 7 rows are too few to hold out a test (use more data, or a larger split.test_fraction)',
        context: { file: 'customers.csv', key: 'split.test_fraction' },
      });
    });

    it('a test side of one class: the split\'s words, or the test month\'s for an out-of-time split', () => {
      expect(refusal(split('stratified', [0, 1, 3], [4, 5, 6]))).toMatchObject({
        message: 'the test split holds 0 churners and 3 stayers among 3 rows: its metrics need both (use more data, or a larger split.test_fraction)',
        context: { file: 'customers.csv', key: 'split.test_fraction' },
      });
      expect(refusal(split('out_of_time', [0, 3, 4], [1, 2]))).toMatchObject({
        message: 'the test month holds 2 churners and 0 stayers among 2 rows: its metrics need both (use more data or another test_month)',
        context: { file: 'customers.csv', key: 'test_month' },
      });
      expect(refusal(split('kfold', [0, 3, 4], [1]))).toMatchObject({ context: { key: 'split.test_fraction' } });
    });
  });
});

describe('the feature matrix', () => {
  const x = makeMatrix(['a', 'b'], [Float64Array.from([1, 2, 3]), Float64Array.from([4, 5, 6])]);

  it('checks names against columns and column lengths', () => {
    expect(x.rows).toBe(3);
    expect(makeMatrix([], []).rows).toBe(0);
    expect(() => makeMatrix(['a'], [])).toThrow('matrix: 1 feature names for 0 columns');
    expect(() => makeMatrix(['a', 'b'], [new Float64Array(2), new Float64Array(3)])).toThrow('matrix: column "b" has 3 rows, expected 2');
  });

  it('takes row ranges, rows by index, a feature order and one row', () => {
    expect(rowRange(x, 1, 3).columns.map(ints)).toEqual([[2, 3], [5, 6]]);
    expect(rowRange(x, 1, 3).rows).toBe(2);
    const picked = takeRows(x, [2, 0, 2]);
    expect([picked.rows, picked.columns.map(ints)]).toEqual([3, [[3, 1, 3], [6, 4, 6]]]);
    const data = takeTraining({ x, y: Uint8Array.from([1, 0, 1]), duration: Float64Array.from([7, 8, 9]) }, [1, 2]);
    expect([ints(data.y), ints(data.duration ?? []), data.x.columns.map(ints)]).toEqual([[0, 1], [8, 9], [[2, 3], [5, 6]]]);
    expect(takeTraining({ x, y: Uint8Array.from([1, 0, 1]) }, [0]).duration).toBeUndefined();
    const time = { feature: 'a', offset: 0, window: 6, month: 1 };
    const f = (v: number[]): Float64Array => Float64Array.from(v);
    const watched = takeTraining({
      x, y: Uint8Array.from([1, 0, 1]), groups: Int32Array.from([7, 8, 9]),
      survival: { exit: f([10, 20, 30]), entry: f([1, 2, 3]), start: f([4, 5, 6]), time },
    }, [2, 0]);
    expect([ints(watched.groups ?? []), ints(watched.survival?.exit ?? []), ints(watched.survival?.entry ?? []), ints(watched.survival?.start ?? [])])
      .toEqual([[9, 7], [30, 10], [3, 1], [6, 4]]);
    expect(watched.survival?.time).toBe(time);
    const sel = selectFeatures(x, ['b', 'a']);
    expect([sel.features, sel.columns.map(ints), sel.rows]).toEqual([['b', 'a'], [[4, 5, 6], [1, 2, 3]], 3]);
    expect(() => selectFeatures(x, ['c'])).toThrow('matrix: feature "c" is not in the batch');
    expect(rowValues(x, 1)).toEqual([2, 5]);
  });
});

describe('bins and the drift reference', () => {
  it('binOf counts the cuts below a value: at a cut is the lower bin, NaN bin 0', () => {
    const cuts = [1, 2, 4, 8];
    expect([0, 1, 1.5, 2, 3, 4, 8, 9, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map((v) => binOf(cuts, v)))
      .toEqual([0, 0, 1, 1, 2, 2, 3, 4, 0, 4, 0]);
    expect(binOf([5], 5)).toBe(0);
    expect(binOf([5], 6)).toBe(1);
    expect(binOf([], 3)).toBe(0);
  });

  it('decile edges are nearest-rank training values, duplicates dropped', () => {
    expect(decileEdges(new Float64Array(0))).toEqual([]);
    expect(decileEdges(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(decileEdges(Float64Array.from([1, 2, 3]))).toEqual([1, 2, 3]); // ceil(k·3/10) − 1
    expect(decileEdges(Float64Array.from([7]))).toEqual([7]);
  });

  it('shares per bin for numbers (non-finite as missing) and per level for text, derived columns skipped', () => {
    const table: CustomerTable = {
      source: 'hand.csv', rows: 6, ids: [], warnings: [],
      columns: [
        { name: 'n', kind: 'numeric', values: Float64Array.from([1, 2, 3, 4, Number.NaN, Number.POSITIVE_INFINITY]) },
        { name: 'plan', kind: 'text', values: ['a', 'b', null, 'a', 'z', ''] },
        { name: 'call_ratio', kind: 'numeric', values: Float64Array.from([1, 1, 1, 1, 1, 1]) },
      ],
    };
    const encoder = { ...fitEncoder(table, { maxLevels: 2, roles: {} }), derived: ['call_ratio'] };
    const ref = fitDriftReference(encoder, table, [0, 1, 2, 3, 4, 5]);
    expect(ref.rows).toBe(6);
    // n: finite 1..4 -> edges [1, 2, 3, 4]; bins ≤1, (1,2], (2,3], (3,4], >4, missing (2 of 6).
    expect(ref.columns[0]).toEqual({ kind: 'numeric', column: 'n', edges: [1, 2, 3, 4], shares: [0.166667, 0.166667, 0.166667, 0.166667, 0, 0.333333] });
    // plan: a×2, then "", b and z once each (null is no level): max_levels 2 keeps a and "" by name.
    // Scoring reads a missing cell as "", so null and "" share its bin; b and z are "other".
    expect(ref.columns[1]).toEqual({ kind: 'categorical', column: 'plan', levels: ['', 'a'], shares: [0.333333, 0.333333, 0.333333] });
    expect(ref.columns.map((c) => c.column)).toEqual(['n', 'plan']);
    // The rows in any order: the same edges (the values are sorted first); no rows: shares of 0.
    expect(fitDriftReference(encoder, table, [3, 2, 1, 0]).columns[0]).toMatchObject({ edges: [1, 2, 3, 4], shares: [0.25, 0.25, 0.25, 0.25, 0, 0] });
    expect(fitDriftReference(encoder, table, []).columns.map((c) => c.shares)).toEqual([[0, 0], [0, 0, 0]]);
    // Only the rows asked for: values 1 and 2 give edges [1, 2].
    expect(fitDriftReference(encoder, table, [0, 1]).columns[0]).toMatchObject({ edges: [1, 2], shares: [0.5, 0.5, 0, 0] });
  });
});
