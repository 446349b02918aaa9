import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERNELS, kernelModule } from '../../scripts/build-wasm.js';
import { makeMatrix, takeTraining } from '../../src/data/matrix.js';
import { stratifiedSplit } from '../../src/data/split.js';
import { auc } from '../../src/evaluate/metrics.js';
import { binColumns, cutPoints } from '../../src/models/forest/binning.js';
import { DEFAULT_FOREST_PARAMS, fitForest, ForestModel } from '../../src/models/forest/forest.js';
import type { Tree } from '../../src/models/forest/tree.js';
import { treeShapBatch } from '../../src/models/trees/tree-shap.js';
import { Rng } from '../../src/rng.js';
import { iranian } from '../helpers/iranian.js';
import { probeColumns } from '../helpers/probe-rows.js';

describe('binning', () => {
  it('cuts between distinct values and thins long columns to quantiles', () => {
    expect(Array.from(cutPoints(Float64Array.from([3, 1, 2, 2, 1]), 255))).toEqual([1.5, 2.5]);
    const long = Float64Array.from({ length: 10_000 }, (_, i) => i);
    const cuts = cutPoints(long, 255);
    expect(cuts.length).toBe(254);
    const b = binColumns([long], 255, false);
    expect(Math.max(...b.bins[0])).toBe(254);
  });
});

describe('random forest', () => {
  it('learns an obvious split exactly', async () => {
    const x = makeMatrix(['signal', 'noise'], [
      Float64Array.from({ length: 200 }, (_, i) => (i < 100 ? 0 : 1)),
      Float64Array.from({ length: 200 }, (_, i) => (i * 7919) % 13),
    ]);
    const y = Uint8Array.from({ length: 200 }, (_, i) => (i < 100 ? 0 : 1));
    const model = await fitForest({ x, y }, { ...DEFAULT_FOREST_PARAMS, trees: 20, maxFeatures: 2, workers: 1 }, new Rng(3));
    const p = model.predictProba(x);
    expect(p[0]).toBe(0);
    expect(p[199]).toBe(1);
    expect(model.state.impurity_importance[0]).toBeGreaterThan(0.99);
  });

  const { x, y } = iranian();
  const split = stratifiedSplit(y, 0.2, 42);
  const train = takeTraining({ x, y }, split.train);
  const test = takeTraining({ x, y }, split.test);

  it('reaches the quality floor on the Iranian data (test AUC ≥ 0.975; scikit-learn 0.988)', async () => {
    const model = await fitForest(train, { ...DEFAULT_FOREST_PARAMS, trees: 300 }, new Rng(42));
    const a = auc(test.y, model.predictProba(test.x));
    expect(a).toBeGreaterThanOrEqual(0.975);
    expect(model.state.oob_auc).toBeGreaterThan(0.95);
    // TreeSHAP's identity: base + Σ contributions = prediction, for every 37th test row.
    const p = model.predictProba(test.x);
    for (let i = 0; i < test.x.rows; i += 37) {
      const e = model.explain(test.x, i);
      expect(e.base + e.contributions.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(p[i], 9);
    }
  });

  it('is seeded and independent of the worker count, and round-trips through JSON', async () => {
    const params = { ...DEFAULT_FOREST_PARAMS, trees: 16 };
    const one = await fitForest(train, { ...params, workers: 1 }, new Rng(7));
    const two = await fitForest(train, { ...params, workers: 2 }, new Rng(7));
    const a = JSON.stringify({ ...one.toJSON(), params: null });
    expect(JSON.stringify({ ...two.toJSON(), params: null })).toBe(a);
    const other = await fitForest(train, { ...params, workers: 1 }, new Rng(8));
    expect(JSON.stringify({ ...other.toJSON(), params: null })).not.toBe(a);
    const loaded = ForestModel.fromJSON(JSON.parse(JSON.stringify(one.toJSON())));
    expect(Array.from(loaded.predictProba(test.x))).toEqual(Array.from(one.predictProba(test.x)));
  });
});

describe('the compiled forest walk', () => {
  /** The definition: the mean over trees of the leaf each row reaches walking raw doubles (right when x > threshold). */
  function naive(trees: readonly Tree[], columns: readonly Float64Array[], rows: number): Float64Array {
    const p = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      for (const t of trees) {
        let node = 0;
        while (t.feature[node] >= 0) node = columns[t.feature[node]][i] > t.threshold[node] ? t.right[node] : t.left[node];
        p[i] += t.value[node];
      }
      p[i] /= trees.length;
    }
    return p;
  }

  it('gives the naive walk\'s means bit for bit and TreeSHAP parts that sum to them, at thresholds, NaN and infinities, in and past its blocks', async () => {
    const { x, y } = iranian();
    const model = await fitForest({ x, y }, { ...DEFAULT_FOREST_PARAMS, trees: 25, workers: 1 }, new Rng(5));
    const trees = model.state.trees;
    // Rows of real values, then rows pinned to each split's threshold, NaN, ±Infinity: 5,000+ rows span several blocks and a ragged tail.
    const rows = 5_003;
    const columns = probeColumns(x.columns, trees, rows, 9);
    const batch = makeMatrix(x.features, columns);
    const want = naive(trees, columns, rows);
    const got = model.explainBatch(batch);
    expect(Array.from(got.probability ?? [])).toEqual(Array.from(want));
    expect(Array.from(model.predictProba(batch))).toEqual(Array.from(want));
    const m = x.features.length;
    const some = Array.from({ length: 11 }, (_, k) => k * 500);
    const recursion = treeShapBatch(trees, makeMatrix(x.features, columns.map((c) => Float64Array.from(some, (i) => c[i]))), 0, 1 / trees.length);
    for (let i = 0; i < rows; i++) {
      let total = got.base;
      for (let j = 0; j < m; j++) total += got.contributions[i * m + j];
      expect(Math.abs(total - want[i])).toBeLessThan(1e-9);
    }
    some.forEach((i, k) => {
      for (let j = 0; j < m; j++) expect(got.contributions[i * m + j]).toBeCloseTo(recursion.contributions[k * m + j], 12);
    });
  });

  it('runs the kernels assembled from their .wat files (npm run build:wasm regenerates them)', async () => {
    for (const k of KERNELS) expect(readFileSync(k.module, 'utf8'), k.wat).toBe(await kernelModule(k.wat));
  });
});
