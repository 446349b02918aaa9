import { describe, expect, it } from 'vitest';
import { makeMatrix } from '../../src/data/matrix.js';
import { calibrationTable } from '../../src/evaluate/calibration.js';
import { chooseChampion } from '../../src/evaluate/champion.js';
import { gainsCurve, rocCurve } from '../../src/evaluate/curves.js';
import { auc, averagePrecision, binaryMetrics, brier, captureAt, liftAt, logLoss } from '../../src/evaluate/metrics.js';
import { permutationImportance } from '../../src/evaluate/permutation.js';
import { ConfigError } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';
import { readReference } from '../helpers/telco.js';

interface TiesReference { y_true: number[]; y_score: number[]; auc: number; average_precision: number; brier: number; 'log_loss_clipped_1e-15': number }

const Y = (a: number[]): Uint8Array => Uint8Array.from(a);
const S = (a: number[]): Float64Array => Float64Array.from(a);

describe('metrics against scikit-learn on heavily tied scores', () => {
  const ref = readReference<TiesReference>('metrics-with-ties.json');
  const y = Y(ref.y_true);
  const s = S(ref.y_score);
  it('matches roc_auc_score, average_precision_score, brier and log loss', () => {
    expect(auc(y, s)).toBeCloseTo(ref.auc, 12);
    expect(averagePrecision(y, s)).toBeCloseTo(ref.average_precision, 12);
    expect(brier(y, s)).toBeCloseTo(ref.brier, 12);
    expect(logLoss(y, s)).toBeCloseTo(ref['log_loss_clipped_1e-15'], 12);
  });
});

describe('metrics by hand', () => {
  it('AUC counts a tied pair as one half', () => {
    // positives 0.8, 0.4 ; negatives 0.4, 0.1 -> pairs: (0.8>0.4) 1, (0.8>0.1) 1, (0.4=0.4) .5, (0.4>0.1) 1 = 3.5/4
    expect(auc(Y([1, 1, 0, 0]), S([0.8, 0.4, 0.4, 0.1]))).toBe(0.875);
    expect(auc(Y([1, 1]), S([0.5, 0.6]))).toBeNaN();
  });

  it('average precision steps over distinct thresholds', () => {
    // order 0.9(1) 0.8(0) 0.7(1): P@1 = 1 (R .5), P@3 = 2/3 (R 1) -> .5*1 + .5*2/3
    expect(averagePrecision(Y([1, 0, 1]), S([0.9, 0.8, 0.7]))).toBeCloseTo(0.5 + 1 / 3, 12);
  });

  it('Brier and log loss', () => {
    expect(brier(Y([1, 0]), S([0.75, 0.5]))).toBe((0.0625 + 0.25) / 2);
    expect(logLoss(Y([1, 0]), S([0.5, 0.5]))).toBeCloseTo(Math.log(2), 12);
    expect(logLoss(Y([1]), S([0]))).toBeCloseTo(-Math.log(1e-15), 6);
  });

  it('lift and capture take a tied block at the cut pro rata', () => {
    // 10 rows, 4 churners (rate .4). Top 10% = 1 row: scores 0.9 (churner) -> lift = 1 / .4 = 2.5
    const y = Y([1, 0, 1, 0, 1, 0, 0, 1, 0, 0]);
    const s = S([0.9, 0.5, 0.5, 0.5, 0.5, 0.2, 0.2, 0.1, 0.1, 0.1]);
    expect(liftAt(y, s, 0.1)).toBeCloseTo(2.5, 12);
    // Top 20% = 2 rows: 0.9 (1) + one of the four 0.5 rows, which hold 2 churners -> 1 + 2/4 = 1.5 of 4
    expect(captureAt(y, s, 0.2)).toBeCloseTo(1.5 / 4, 12);
    // Row order does not matter.
    const perm = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
    expect(captureAt(Y(perm.map((i) => y[i])), S(perm.map((i) => s[i])), 0.2)).toBeCloseTo(1.5 / 4, 12);
  });

  it('binaryMetrics names the keys evaluation.json uses', () => {
    const m = binaryMetrics(Y([1, 0, 1, 0]), S([0.9, 0.1, 0.8, 0.3]));
    expect(Object.keys(m)).toEqual(['auc', 'pr_auc', 'lift_at_10', 'capture_at_20', 'brier', 'log_loss']);
    expect(m.auc).toBe(1);
  });
});

describe('curves and calibration', () => {
  it('ROC runs from (0,0) to (1,1) and gains from (0,0) to (1,1)', () => {
    const y = Y([1, 0, 1, 0]);
    const s = S([0.9, 0.7, 0.6, 0.1]);
    expect(rocCurve(y, s)).toEqual([{ x: 0, y: 0 }, { x: 0, y: 0.5 }, { x: 0.5, y: 0.5 }, { x: 0.5, y: 1 }, { x: 1, y: 1 }]);
    expect(gainsCurve(y, s).at(-1)).toEqual({ x: 1, y: 1 });
  });

  it('bins predictions into equal-width bins', () => {
    const t = calibrationTable(Y([0, 1, 1, 0]), S([0.05, 0.95, 0.99, 0.5]), 10);
    expect(t[0]).toMatchObject({ count: 1, mean_predicted: 0.05, observed: 0 });
    expect(t[5]).toMatchObject({ count: 1, observed: 0 });
    expect(t[9]).toMatchObject({ count: 2, mean_predicted: 0.97, observed: 1 });
  });
});

describe('champion and permutation importance', () => {
  it('picks the best model, lower-is-better for log loss, and rejects unknown metrics', () => {
    const models = { a: { auc: 0.8, log_loss: 0.4 }, b: { auc: 0.85, log_loss: 0.5 } };
    expect(chooseChampion(models, 'auc')).toBe('b');
    expect(chooseChampion(models, 'log_loss')).toBe('a');
    expect(() => chooseChampion(models, 'f1')).toThrow(ConfigError);
  });

  it('finds the one feature that matters', () => {
    const rng = new Rng(5);
    const n = 2000;
    const signal = Float64Array.from({ length: n }, () => rng.normal());
    const noise = Float64Array.from({ length: n }, () => rng.normal());
    const y = Uint8Array.from(signal, (v) => (v + 0.3 * rng.normal() > 0 ? 1 : 0));
    const x = makeMatrix(['signal', 'noise'], [signal, noise]);
    const imp = permutationImportance((m) => m.columns[0], x, y, new Rng(1), 5);
    expect(imp[0].feature).toBe('signal');
    expect(imp[0].mean).toBeGreaterThan(0.3);
    expect(Math.abs(imp[1].mean)).toBe(0);
  });
});
