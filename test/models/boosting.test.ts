import { describe, expect, it } from 'vitest';
import { makeMatrix, type FeatureMatrix } from '../../src/data/matrix.js';
import { ChurnscopeError } from '../../src/errors.js';
import { auc } from '../../src/evaluate/metrics.js';
import { BoostingModel, fitBoosting } from '../../src/models/boosting/boosting.js';
import { DEFAULT_BOOSTING_PARAMS, type BoostingParams } from '../../src/models/boosting/params.js';
import { fitModel } from '../../src/models/registry.js';
import { treeDepth } from '../../src/models/trees/tree-shap.js';
import { generatePanel } from '../../src/generate/operator.js';
import { prepareFromConfigFile } from '../../src/pipeline/train-config.js';
import { modelSeed } from '../../src/pipeline/train.js';
import { Rng } from '../../src/rng.js';
import { tempDir } from '../helpers/tmp.js';

const params = (p: Partial<BoostingParams>): BoostingParams => ({ ...DEFAULT_BOOSTING_PARAMS, ...p });

/** Churn rising in x0 on both sides of 0 (a U), x1 linear, x2 noise; x0 missing for a tenth of rows, who churn more. */
function synthetic(rows: number, seed: number): { x: FeatureMatrix; y: Uint8Array } {
  const rng = new Rng(seed);
  const x0 = Float64Array.from({ length: rows }, () => rng.normal());
  const x1 = Float64Array.from({ length: rows }, () => rng.normal());
  const x2 = Float64Array.from({ length: rows }, () => rng.normal());
  const y = Uint8Array.from({ length: rows }, (_, i) => {
    const missing = rng.next() < 0.1;
    const z = (missing ? 1.5 : 1.2 * x0[i] * x0[i] - 1.2) + 0.8 * x1[i] + 0.5 * rng.normal();
    if (missing) x0[i] = Number.NaN;
    return z > 0 ? 1 : 0;
  });
  return { x: makeMatrix(['x0', 'x1', 'x2'], [x0, x1, x2]), y };
}

/** Predictions along a grid of x0 with the other features of `row` held. */
function along(model: BoostingModel, x: FeatureMatrix, row: number, grid: number[]): Float64Array {
  return model.predictProba(makeMatrix(x.features, x.columns.map((c, j) => Float64Array.from(grid, (g) => (j === 0 ? g : c[row])))));
}

describe('gradient boosting', () => {
  it('reaches the Iranian floor at its defaults (test AUC ≥ 0.99; XGBoost 1.7 0.990, scikit-learn HistGradientBoosting 0.990)', async () => {
    const { train, test } = await prepareFromConfigFile('data/iranian-churn.config.json');
    const model = await fitBoosting(train, DEFAULT_BOOSTING_PARAMS, new Rng(modelSeed(42, 'gradient_boosting'))); // as `churnscope train` seeds it
    expect(auc(test.y, model.predictProba(test.x))).toBeGreaterThanOrEqual(0.99);
  });

  const { x, y } = synthetic(3000, 1);

  it('is seeded, the same bytes for any worker count, and round-trips through JSON', async () => {
    const p = params({ subsample: 0.8, colsample_bynode: 0.7, rounds: 60 });
    const one = await fitBoosting({ x, y }, { ...p, workers: 1 }, new Rng(7));
    const two = await fitBoosting({ x, y }, { ...p, workers: 2 }, new Rng(7));
    const a = JSON.stringify({ ...one.toJSON(), params: null });
    expect(JSON.stringify({ ...two.toJSON(), params: null })).toBe(a);
    const other = await fitBoosting({ x, y }, { ...p, workers: 1 }, new Rng(8));
    expect(JSON.stringify({ ...other.toJSON(), params: null })).not.toBe(a);
    const loaded = BoostingModel.fromJSON(JSON.parse(a));
    expect(Array.from(loaded.predictProba(x))).toEqual(Array.from(one.predictProba(x)));
  });

  it('is the same bytes on 1, 2 and 3 workers past a histogram row block (40,000 rows: the upper levels summed in row blocks)', async () => {
    const big = synthetic(40_000, 2);
    const p = params({ subsample: 0.9, colsample_bynode: 0.7, rounds: 15, early_stopping_rounds: 0, max_depth: 6 });
    const one = await fitBoosting(big, { ...p, workers: 1 }, new Rng(5));
    const two = await fitBoosting(big, { ...p, workers: 2 }, new Rng(5));
    const three = await fitBoosting(big, { ...p, workers: 3 }, new Rng(5));
    const a = JSON.stringify({ ...one.toJSON(), params: null });
    expect(JSON.stringify({ ...two.toJSON(), params: null })).toBe(a);
    expect(JSON.stringify({ ...three.toJSON(), params: null })).toBe(a);
    expect(one.state.trees[0].n[0]).toBeGreaterThan(4 * 8192); // the root: 5 row blocks
  });

  it('stops early on the validation part, records the best round and keeps that many trees', async () => {
    const model = await fitBoosting({ x, y }, params({ learning_rate: 0.3, max_depth: 6 }), new Rng(3));
    expect(model.state.best_round).toBeGreaterThan(5);
    expect(model.state.best_round).toBeLessThan(200);
    expect(model.state.trees.length).toBe(model.state.best_round);
    expect(model.state.validation_log_loss).toBeGreaterThan(0);
    const all = await fitBoosting({ x, y }, params({ learning_rate: 0.3, max_depth: 6, early_stopping_rounds: 0, rounds: 40 }), new Rng(3));
    expect(all.state.trees.length).toBe(40);
    expect(all.state.validation_log_loss).toBeNull();
  });

  it('learns the side missing values take: rows without x0 score as the churners they were', async () => {
    const model = await fitBoosting({ x, y }, params({ init: 'prior' }), new Rng(4));
    const p = model.predictProba(x);
    let missing = 0;
    let rate = 0;
    let count = 0;
    for (let i = 0; i < x.rows; i++) {
      if (!Number.isNaN(x.columns[0][i])) continue;
      missing += p[i];
      rate += y[i];
      count++;
    }
    expect(missing / count).toBeGreaterThan(0.8);
    expect(Math.abs(missing / count - rate / count)).toBeLessThan(0.08);
    expect(model.state.trees.some((t) => t.default_left.some((d, k) => t.feature[k] === 0 && d === 0))).toBe(true);
  });

  it('keeps a monotone constraint: with monotone {x0: 1} risk never falls as x0 rises', async () => {
    const grid = Array.from({ length: 41 }, (_, k) => -2 + k * 0.1);
    const free = await fitBoosting({ x, y }, params({}), new Rng(5));
    const falls = (m: BoostingModel, row: number): boolean => along(m, x, row, grid).some((v, k, a) => k > 0 && v < a[k - 1]);
    expect(falls(free, 0)).toBe(true); // the U: unconstrained, risk falls towards x0 = 0
    const constrained = await fitBoosting({ x, y }, params({ monotone: { x0: 1 } }), new Rng(5));
    for (let row = 0; row < 200; row++) expect(falls(constrained, row)).toBe(false);
    await expect(fitBoosting({ x, y }, params({ monotone: { nope: 1 } }), new Rng(5))).rejects.toThrow('monotone names the feature "nope", which the model does not have; features: x0, x1, x2');
  });

  it('grows depth-wise within max_depth and leaf-wise within max_leaves', async () => {
    const deep = await fitBoosting({ x, y }, params({ max_depth: 2, rounds: 20, early_stopping_rounds: 0 }), new Rng(6));
    expect(Math.max(...deep.state.trees.map(treeDepth))).toBe(2);
    const leafy = await fitBoosting({ x, y }, params({ growth: 'leafwise', max_depth: 0, max_leaves: 5, rounds: 20, early_stopping_rounds: 0 }), new Rng(6));
    const leaves = leafy.state.trees.map((t) => t.feature.filter((f) => f < 0).length);
    expect(Math.max(...leaves)).toBe(5);
    expect(Math.max(...leafy.state.trees.map(treeDepth))).toBeGreaterThan(2); // best-first: deeper than balanced
  });

  it('refuses an unknown or mistyped parameter, naming the key and the allowed ones', async () => {
    const error = async (raw: Record<string, unknown>): Promise<string> => {
      try {
        await fitModel('gradient_boosting', { x, y }, raw, new Rng(1));
        return 'no error';
      } catch (e) {
        return e instanceof ChurnscopeError ? e.describe() : String(e);
      }
    };
    expect(await error({ maxDepth: 3 })).toMatch(/^config error \(key "model_params\.gradient_boosting\.maxDepth"\): unknown parameter "maxDepth" for gradient_boosting; allowed: init, init_l2, learning_rate, rounds, max_depth,/);
    expect(await error({ rounds: 'many' })).toMatch(/^config error \(key "model_params\.gradient_boosting\.rounds"\): Invalid input: expected number, received string \(parameters of gradient_boosting: init, /);
    expect(await error({ learning_rate: 2 })).toMatch(/^config error \(key "model_params\.gradient_boosting\.learning_rate"\): Too big: expected number to be <=1/);
  });
});

describe('gradient boosting on a generated operator', () => {
  it('beats the forest out of time at both models\' defaults (10,000 customers × 12 months, seeded as `train` seeds them)', async () => {
    const tmp = tempDir();
    await generatePanel({ customers: 10_000, months: 12, seed: 42, out: tmp.dir });
    const config = tmp.write('panel.json', JSON.stringify({ kind: 'panel', tables: { customers: 'customers.csv', usage: 'usage_monthly.csv', complaints: 'complaints.csv' } }));
    const { train, test, split } = await prepareFromConfigFile(config);
    expect(split.kind).toBe('out_of_time');
    const testAuc = async (kind: 'random_forest' | 'gradient_boosting'): Promise<number> =>
      auc(test.y, (await fitModel(kind, train, {}, new Rng(modelSeed(42, kind)))).predictProba(test.x));
    expect(await testAuc('gradient_boosting')).toBeGreaterThanOrEqual(await testAuc('random_forest'));
  });
});
