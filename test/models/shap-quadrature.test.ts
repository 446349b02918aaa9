/**
 * TreeSHAP by quadrature, the forest's explanations (deep trees whose per-leaf tables would not
 * fit): Gauss–Legendre exactness, the hand-worked tree, brute-force Shapley values on small trees,
 * the recursion on a deep forest, and the WebAssembly kernel against its JavaScript reference.
 */
import { describe, expect, it } from 'vitest';
import { makeMatrix } from '../../src/data/matrix.js';
import { fitBoosting } from '../../src/models/boosting/boosting.js';
import { DEFAULT_BOOSTING_PARAMS } from '../../src/models/boosting/params.js';
import { DEFAULT_FOREST_PARAMS, fitForest } from '../../src/models/forest/forest.js';
import { gaussLegendre } from '../../src/models/gauss-legendre.js';
import { buildShapQuadrature, quadratureScratch, quadratureShapRow, type ShapQuadrature } from '../../src/models/trees/shap-quadrature.js';
import { buildShapTables } from '../../src/models/trees/shap-tables.js';
import { goesLeft, treeShapBatch, type ShapTree } from '../../src/models/trees/tree-shap.js';
import { Rng } from '../../src/rng.js';
import { probeColumns } from '../helpers/probe-rows.js';
import { bruteForceShapley, HAND_TREE, row, synthetic } from '../helpers/shapley.js';

function shap(trees: readonly ShapTree[], x: readonly number[]): { phi: number[]; sum: number } {
  const qd = buildShapQuadrature(trees) as ShapQuadrature;
  const phi = new Float64Array(x.length);
  const sum = quadratureShapRow(qd, (j) => x[j], phi, quadratureScratch(qd));
  return { phi: Array.from(phi), sum };
}

describe('Gauss–Legendre on [0, 1]', () => {
  it('integrates polynomials of degree < 2n exactly, and not degree 2n', () => {
    const { nodes: t, weights: w } = gaussLegendre(3);
    const integral = (d: number): number => t.reduce((s, x, i) => s + w[i] * x ** d, 0);
    for (let d = 0; d < 6; d++) expect(integral(d)).toBeCloseTo(1 / (d + 1), 15);
    expect(Math.abs(integral(6) - 1 / 7)).toBeGreaterThan(1e-5);
    expect(Array.from(gaussLegendre(1).nodes)).toEqual([0.5]);
  });
});

describe('TreeSHAP by quadrature', () => {
  it('gives the hand-worked values of a two-split tree, and the leaf the row reaches', () => {
    const { phi, sum } = shap([HAND_TREE], [0, 1]);
    expect(phi[0]).toBeCloseTo(-4 / 3, 14);
    expect(phi[1]).toBeCloseTo(8 / 15, 14);
    expect(sum).toBe(3);
    expect((buildShapQuadrature([HAND_TREE]) as ShapQuadrature).expected).toBeCloseTo(3.8, 14);
  });

  it('equals brute-force Shapley values on small forest and boosted trees (features repeat on paths, NaN takes its side)', async () => {
    const { x, y } = synthetic(400, 5, 1);
    const forest = await fitForest({ x, y }, { ...DEFAULT_FOREST_PARAMS, trees: 4, maxDepth: 5, minSamplesLeaf: 2, workers: 1 }, new Rng(3));
    const boosted = await fitBoosting({ x, y }, { ...DEFAULT_BOOSTING_PARAMS, rounds: 6, max_depth: 4, early_stopping_rounds: 0, min_child_hessian: 0.5, workers: 1 }, new Rng(2));
    for (const trees of [forest.state.trees, boosted.state.trees] as ShapTree[][]) {
      expect(trees.some((t) => t.feature.some((f, k) => f >= 0 && t.feature.some((g, c) => c > k && g === f)))).toBe(true);
      for (let i = 0; i < 10; i++) {
        const xi = row(x, i).map((v, j) => (i === 9 && j === 0 ? Number.NaN : v));
        const want = bruteForceShapley(trees, xi);
        const { phi } = shap(trees, xi);
        for (let j = 0; j < 5; j++) expect(phi[j]).toBeCloseTo(want[j], 12);
      }
    }
  });
});

describe('the forest\'s TreeSHAP in WebAssembly', () => {
  it('gives its JavaScript reference\'s values and the naive walk\'s means bit for bit, the recursion\'s to 1e-12, and parts that sum to P(churn) − base', async () => {
    const { x, y } = synthetic(3000, 12, 5);
    const model = await fitForest({ x, y }, { ...DEFAULT_FOREST_PARAMS, trees: 30, minSamplesLeaf: 1, workers: 1 }, new Rng(6));
    const trees = model.state.trees;
    expect(buildShapTables(trees)).toBeNull(); // too large to table: the quadrature kernel explains
    const rows = 1_100; // past one block of 1,024 rows
    const columns = probeColumns(x.columns, trees, rows, 7);
    const batch = makeMatrix(x.features, columns);
    const e = model.explainBatch(batch);
    const p = model.predictProba(batch);
    expect(Array.from(e.probability ?? [])).toEqual(Array.from(p));
    const qd = buildShapQuadrature(trees) as ShapQuadrature;
    expect(e.base).toBe(qd.expected / 30);
    const scratch = quadratureScratch(qd);
    const recursion = treeShapBatch(trees, makeMatrix(x.features, columns.map((c) => c.filter((_, i) => i % 50 === 0))), 0, 1 / 30);
    // The JavaScript reference runs on every tenth row and on both sides of the block boundary:
    // on all 1,100 it outlasts the test's minute once Stryker instruments it.
    const referenced = (i: number): boolean => i % 10 === 0 || (i >= 1_014 && i < 1_034);
    for (let i = 0; i < rows; i++) {
      let naive = 0;
      for (const t of trees) {
        let node = 0;
        while (t.feature[node] >= 0) node = goesLeft(t, node, columns[t.feature[node]][i]) ? t.left[node] : t.right[node];
        naive += t.value[node];
      }
      expect(p[i]).toBe(naive / 30);
      const phi = new Float64Array(12);
      if (referenced(i)) expect(quadratureShapRow(qd, (j) => columns[j][i], phi, scratch)).toBe(naive);
      let total = e.base;
      for (let j = 0; j < 12; j++) {
        if (referenced(i)) expect(e.contributions[i * 12 + j]).toBe(phi[j] / 30);
        total += e.contributions[i * 12 + j];
        if (i % 50 === 0) expect(e.contributions[i * 12 + j]).toBeCloseTo(recursion.contributions[(i / 50) * 12 + j], 12);
      }
      expect(Math.abs(total - p[i])).toBeLessThan(1e-9);
    }
  });
});
