import { describe, expect, it } from 'vitest';
import { makeMatrix, type FeatureMatrix } from '../../src/data/matrix.js';
import { fitBoosting } from '../../src/models/boosting/boosting.js';
import { DEFAULT_BOOSTING_PARAMS } from '../../src/models/boosting/params.js';
import { DEFAULT_FOREST_PARAMS, fitForest } from '../../src/models/forest/forest.js';
import { buildShapTables, tableShapRow, type ShapTables } from '../../src/models/trees/shap-tables.js';
import { compileTrees, walkTrees } from '../../src/models/trees/tree-walk.js';
import { goesLeft, treeShapBatch, type ShapTree } from '../../src/models/trees/tree-shap.js';
import { Rng } from '../../src/rng.js';
import { probeColumns } from '../helpers/probe-rows.js';
import { bruteForceShapley, HAND_TREE, row, synthetic } from '../helpers/shapley.js';

describe('TreeSHAP', () => {
  it('gives the hand-worked values of a two-split tree', () => {
    // Root: x0 <= 0.5 (10 rows) -> [x1 <= 0.5 (6 rows) -> leaf 1 (2 rows) | leaf 3 (4 rows)] | leaf 6 (4 rows).
    // E f = (2·1 + 4·3 + 4·6)/10 = 3.8. For x = (0, 1): v{} = 3.8, v{x0} = (2·1 + 4·3)/6 = 7/3,
    // v{x1} = 0.6·3 + 0.4·6 = 4.2, v{x0,x1} = 3; φ0 = ½(7/3 − 3.8 + 3 − 4.2) = −4/3, φ1 = ½(4.2 − 3.8 + 3 − 7/3) = 8/15.
    const { base, contributions } = treeShapBatch([HAND_TREE], makeMatrix(['x0', 'x1'], [Float64Array.of(0), Float64Array.of(1)]), 0);
    expect(base).toBeCloseTo(3.8, 14);
    expect(contributions[0]).toBeCloseTo(-4 / 3, 14);
    expect(contributions[1]).toBeCloseTo(8 / 15, 14);
  });

  it('equals brute-force Shapley values over all feature subsets on small boosted trees (features repeat on paths, NaN takes the default side)', async () => {
    const { x, y } = synthetic(400, 5, 1);
    const model = await fitBoosting({ x, y }, { ...DEFAULT_BOOSTING_PARAMS, rounds: 6, max_depth: 4, early_stopping_rounds: 0, min_child_hessian: 0.5, workers: 1 }, new Rng(2));
    const trees = model.state.trees;
    expect(trees.some((t) => t.feature.some((f, k) => f >= 0 && t.feature.some((g, c) => c > k && g === f)))).toBe(true);
    const probe = makeMatrix(x.features, x.columns.map((c, j) => Float64Array.from({ length: 12 }, (_, i) => (i === 11 && j === 0 ? Number.NaN : c[i]))));
    const { contributions } = treeShapBatch(trees, probe, 0);
    for (let i = 0; i < probe.rows; i++) {
      const want = bruteForceShapley(trees, row(probe, i));
      for (let j = 0; j < 5; j++) expect(contributions[i * 5 + j]).toBeCloseTo(want[j], 12);
    }
  });

  it('parts sum to the model margin minus the expected value, for boosting (log-odds) and the forest (probability)', async () => {
    const { x, y } = synthetic(1000, 6, 3);
    const boosted = await fitBoosting({ x, y }, { ...DEFAULT_BOOSTING_PARAMS, rounds: 40, workers: 1 }, new Rng(4));
    const margin = boosted.margin(x);
    const e = boosted.explainBatch(x);
    const forest = await fitForest({ x, y }, { ...DEFAULT_FOREST_PARAMS, trees: 20, workers: 1 }, new Rng(5));
    const pf = forest.predictProba(x);
    const ef = forest.explainBatch(x);
    for (let i = 0; i < x.rows; i++) {
      let sb = e.base;
      let sf = ef.base;
      for (let j = 0; j < 6; j++) {
        sb += e.contributions[i * 6 + j];
        sf += ef.contributions[i * 6 + j];
      }
      expect(Math.abs(sb - margin[i])).toBeLessThan(1e-9);
      expect(Math.abs(sf - pf[i])).toBeLessThan(1e-9);
    }
  });
});

describe('TreeSHAP from per-leaf tables', () => {
  it('gives the recursion\'s values and the trees\' sums, for boosting (NaN included) and the forest', async () => {
    const { x, y } = synthetic(600, 5, 7);
    const boosted = await fitBoosting({ x, y }, { ...DEFAULT_BOOSTING_PARAMS, init: 'prior', rounds: 30, max_depth: 5, early_stopping_rounds: 0, workers: 1 }, new Rng(8));
    const forest = await fitForest({ x, y }, { ...DEFAULT_FOREST_PARAMS, trees: 5, maxDepth: 6, workers: 1 }, new Rng(9));
    const probe = makeMatrix(x.features, x.columns.map((c, j) => Float64Array.from({ length: 50 }, (_, i) => (i % 7 === j ? Number.NaN : c[i]))));
    for (const trees of [boosted.state.trees, forest.state.trees] as ShapTree[][]) {
      const tables = buildShapTables(trees);
      if (tables === null) throw new Error('no tables');
      const want = treeShapBatch(trees, probe, 0);
      expect(tables.expected).toBeCloseTo(want.base, 12);
      const masks = new Int32Array(Math.max(...trees.map((t) => t.feature.length)));
      for (let i = 0; i < probe.rows; i++) {
        const phi = new Float64Array(5);
        const sum = tableShapRow(tables, (j) => probe.columns[j][i], phi, masks);
        let leaves = 0;
        for (const t of trees) {
          let node = 0;
          while (t.feature[node] >= 0) node = goesLeft(t, node, probe.columns[t.feature[node]][i]) ? t.left[node] : t.right[node];
          leaves += t.value[node];
        }
        expect(sum).toBe(leaves);
        for (let j = 0; j < 5; j++) expect(phi[j]).toBeCloseTo(want.contributions[i * 5 + j], 12);
      }
    }
  });
});

describe('the compiled tree walk (WebAssembly)', () => {
  it('gives the naive walk\'s sums and the tables\' SHAP values bit for bit, at thresholds, NaN and infinities, in and past its blocks', async () => {
    const { x, y } = synthetic(2000, 5, 11);
    const model = await fitBoosting({ x, y }, { ...DEFAULT_BOOSTING_PARAMS, init: 'prior', rounds: 25, max_depth: 4, early_stopping_rounds: 0, workers: 1 }, new Rng(12));
    const trees = model.state.trees;
    const rows = 2_051;
    const columns = probeColumns(x.columns, trees, rows, 13);
    const compiled = compileTrees(trees, 5);
    const tables = buildShapTables(trees) as ShapTables;
    const parts = new Float64Array(rows * 5);
    const sums = walkTrees(compiled, columns, rows, parts);
    expect(Array.from(walkTrees(compiled, columns, rows, null))).toEqual(Array.from(sums));
    const masks = new Int32Array(Math.max(...trees.map((t) => t.feature.length)));
    for (let i = 0; i < rows; i++) {
      let naive = 0;
      for (const t of trees) {
        let node = 0;
        while (t.feature[node] >= 0) node = goesLeft(t, node, columns[t.feature[node]][i]) ? t.left[node] : t.right[node];
        naive += t.value[node];
      }
      expect(sums[i]).toBe(naive);
      const phi = new Float64Array(5);
      expect(tableShapRow(tables, (j) => columns[j][i], phi, masks)).toBe(naive);
      expect(Array.from(parts.subarray(i * 5, i * 5 + 5))).toEqual(Array.from(phi));
    }
  });
});
