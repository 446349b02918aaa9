/**
 * One batch scored on typed arrays (`scoreTyped`), on small hand-made tables: the probabilities
 * from the model or from its explaining walk, each row's top reasons block by block (a batch
 * past one block of 1,024 rows), the sentences a grouping model says itself, value, warnings and
 * the rows past the survival model's follow-up. The models are the hand-written logistic and Cox
 * models of test/helpers/hand-model.ts, and hand-made models shaped like the forest (its walk
 * yields the probabilities) and the sequence model (its reasons group features).
 */
import { describe, expect, it } from 'vitest';
import type { FeatureMatrix } from '../../src/data/matrix.js';
import type { CustomerTable, RawColumn } from '../../src/ingest/table.js';
import { CoxModel, type CoxState } from '../../src/models/cox.js';
import type { LoadedModel } from '../../src/models/load-model.js';
import { LogisticModel, type LogisticState } from '../../src/models/logistic.js';
import type { BatchExplanation, ChurnModel } from '../../src/models/model.js';
import { REASONS_PER_CUSTOMER, scoreTyped } from '../../src/score/batch/score-typed.js';
import { handCox, handLogistic } from '../helpers/hand-model.js';

const num = (name: string, values: ArrayLike<number>): RawColumn => ({ name, kind: 'numeric', values: Float64Array.from(values) });
const table = (...columns: RawColumn[]): CustomerTable => ({ source: 'hand.csv', rows: columns[0].values.length, ids: [], columns, warnings: [] });
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const FEATURES = ['score', 'traffic_change', 'complaints_1m'];
const saved = handLogistic({ extra: ['traffic_change', 'complaints_1m'] });
const loaded = (model: ChurnModel): LoadedModel => ({ saved, model, text: '' });
/** Scores 0, 1, …, n − 1 (more than one explaining block of 1,024 rows when n > 1024). */
const counting = (n: number): CustomerTable => table(num('score', Array.from({ length: n }, (_, i) => i)), num('traffic_change', new Float64Array(n)), num('complaints_1m', new Float64Array(n)));
/** A model that is only a hand-made stand-in: it must not be asked for what the batch gets elsewhere. */
const stub = (rest: Partial<ChurnModel>): ChurnModel => ({
  kind: 'random_forest', features: FEATURES, toJSON: () => ({ kind: 'random_forest', params: {} }),
  predictProba: () => { throw new Error('predictProba called'); },
  ...rest,
});
const scoreOf = (x: FeatureMatrix): Float64Array => x.columns[0];
const rowOf = (a: ArrayLike<number>, i: number): number[] => Array.from({ length: REASONS_PER_CUSTOMER }, (_, r) => a[i * REASONS_PER_CUSTOMER + r]);

describe('a batch scored on typed arrays', () => {
  it('logistic: P = sigmoid(log-odds), the positive parts as reasons, value, warnings, no horizons and no row past follow-up', () => {
    const t = table(num('score', [2, -1, 0.5]), num('traffic_change', [-0.5, 0, -0.3]), num('complaints_1m', [0, 2, 1]), num('revenue', [10, 20, Number.NaN]));
    const s = scoreTyped(loaded(new LogisticModel(saved.model as LogisticState)), t);
    expect(Array.from(s.p)).toEqual([sigmoid(2), sigmoid(-1), sigmoid(0.5)].map((v) => expect.closeTo(v, 15)));
    expect(s.within).toBeUndefined();
    expect(Array.from(s.value ?? [])).toEqual([120, 240, 0]); // 12 value months; a blank revenue is worth 0
    expect(Array.from(s.warnings.flag)).toEqual([1, 1, 1]);
    expect(s.warnings.signals).toEqual(['traffic fell 50%', '2 new complaints', 'traffic fell 30%; 1 new complaint']);
    // Only `score` has a coefficient (1, mean 0): its part is the score, kept when positive.
    expect(Array.from(s.reasons.feature)).toEqual([0, -1, -1, -1, -1, -1, 0, -1, -1]);
    expect(s.reasons.contribution[0]).toBe(2);
    expect(s.reasons.contribution[6]).toBe(0.5);
    expect(s.reasons.sentences).toBeUndefined(); // the model groups nothing: every reason is said from its feature
    expect(s.beyondFollowUp).toBe(0); // not a survival model
    expect(s.x.features).toEqual(FEATURES);
  });

  it('Cox: churn within 3, 6 and 12 months from the hand baseline, and the rows whose 12 months pass the last tenure watched', () => {
    // Risk 2^score; H0 steps to 0.1 at 6, 0.25 at 12, 0.4 at 24 months; training watched up to 24.
    const cox = handCox([6, 12, 24], [0.1, 0.25, 0.4], 24);
    const t = table(num('score', [0, 1, 0, 0]), num('tenure', [0, 13, 12, 30]));
    const s = scoreTyped({ saved: cox, model: new CoxModel(cox.model as CoxState), text: '' }, t);
    // Tenure 0: H0(12) − H0(0). Tenure 13 and 30: the window slides back to end at 24, H0(24) − H0(12).
    expect(s.within?.[12][0]).toBeCloseTo(1 - Math.exp(-0.25), 12);
    expect(s.within?.[6][0]).toBeCloseTo(1 - Math.exp(-0.1), 12);
    expect(s.within?.[3][0]).toBe(0);
    expect(s.within?.[12][1]).toBeCloseTo(1 - Math.exp(-0.15 * 2), 12);
    expect(s.beyondFollowUp).toBe(2); // tenure 13 and 30; 12 + 12 = 24 is still inside
  });

  it('a model that cannot explain: its probabilities, and no reasons (feature −1, part NaN)', () => {
    const s = scoreTyped(loaded(stub({ predictProba: (x) => scoreOf(x).map((v) => v / 10) })), counting(2));
    expect(Array.from(s.p)).toEqual([0, 0.1]);
    expect(Array.from(s.reasons.feature)).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(s.reasons.contribution.every(Number.isNaN)).toBe(true);
    expect(s.reasons.sentences).toBeUndefined();
  });

  it('the forest\'s kind: the walk\'s probabilities are the list\'s (not predicted again), and its parts ranked in each block of rows', () => {
    const n = 1030;
    const forest = stub({
      // Parts −1, score, 0.5 per row; the walk yields P = score / 2000.
      explainBatch: (x): BatchExplanation => {
        const parts = new Float64Array(x.rows * 3);
        for (let i = 0; i < x.rows; i++) parts.set([-1, scoreOf(x)[i], 0.5], i * 3);
        return { scale: 'probability', base: 0, contributions: parts, probability: scoreOf(x).map((v) => v / 2000) };
      },
    });
    const s = scoreTyped(loaded(forest), counting(n));
    expect(s.p.length).toBe(n);
    expect([s.p[0], s.p[1], s.p[1023], s.p[1024], s.p[1029]]).toEqual([0, 1 / 2000, 1023 / 2000, 1024 / 2000, 1029 / 2000]);
    expect(rowOf(s.reasons.feature, 0)).toEqual([2, -1, -1]); // score 0 is no part; 0.5 is
    expect(rowOf(s.reasons.feature, 1)).toEqual([1, 2, -1]);
    for (const i of [1023, 1024, 1029]) { // the last row of the first block, the second block's first and last
      expect(rowOf(s.reasons.feature, i)).toEqual([1, 2, -1]);
      expect(rowOf(s.reasons.contribution, i).slice(0, 2)).toEqual([i, 0.5]);
    }
    expect(s.reasons.sentences).toBeUndefined();
  });

  it('a model whose reasons group its features: ranked by group, and the sentences it says itself, null where it lets the feature speak', () => {
    const n = 1030;
    const names = ['calls', 'traffic'];
    const grouping = stub({
      predictProba: (x) => scoreOf(x).map((v) => v / 2000),
      explainBatch: (x): BatchExplanation => ({ scale: 'log_odds', base: 0, contributions: new Float64Array(x.rows * 3).fill(-1) }),
      reasonNames: names,
      // Per row: calls = score, traffic = 1; traffic is said from its feature (null), anything else by the
      // model, naming the row's score (a reason that is not there must not be asked for).
      reasonParts: (x) => {
        const parts = new Float64Array(x.rows * 2);
        for (let i = 0; i < x.rows; i++) parts.set([scoreOf(x)[i], 1], i * 2);
        return { names, parts, sentence: (i, r) => (r === 1 ? null : `${names[r] ?? `reason ${r}`} of customer ${scoreOf(x)[i]}`) };
      },
    });
    const s = scoreTyped(loaded(grouping), counting(n));
    expect(s.p[1029]).toBe(1029 / 2000);
    expect(rowOf(s.reasons.feature, 0)).toEqual([1, -1, -1]); // calls 0 is no part
    expect(rowOf(s.reasons.feature, 1)).toEqual([0, 1, -1]); // 1 = 1: "calls" before "traffic" by name
    expect(rowOf(s.reasons.feature, 1029)).toEqual([0, 1, -1]);
    expect(rowOf(s.reasons.contribution, 1029).slice(0, 2)).toEqual([1029, 1]);
    const sentences = s.reasons.sentences ?? [];
    expect(sentences.length).toBe(n * REASONS_PER_CUSTOMER);
    expect(sentences.slice(0, 6)).toEqual([null, null, null, 'calls of customer 1', null, null]);
    expect(sentences.slice(1024 * 3, 1024 * 3 + 3)).toEqual(['calls of customer 1024', null, null]);
    expect(sentences.slice(1029 * 3)).toEqual(['calls of customer 1029', null, null]);
  });
});
