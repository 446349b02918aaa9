/** Shapley values of a sum of trees by their definition, to check TreeSHAP against (small trees, few features). */
import { makeMatrix, type FeatureMatrix } from '../../src/data/matrix.js';
import { goesLeft, type ShapTree } from '../../src/models/trees/tree-shap.js';
import { Rng } from '../../src/rng.js';

/** E[f(x) | x_S] as path-dependent TreeSHAP defines it: unknown features follow both branches by cover. */
function conditional(tree: ShapTree, x: readonly number[], known: ReadonlySet<number>, node = 0): number {
  const f = tree.feature[node];
  if (f < 0) return tree.value[node];
  if (known.has(f)) return conditional(tree, x, known, goesLeft(tree, node, x[f]) ? tree.left[node] : tree.right[node]);
  const l = tree.left[node];
  const r = tree.right[node];
  return (tree.n[l] * conditional(tree, x, known, l) + tree.n[r] * conditional(tree, x, known, r)) / tree.n[node];
}

/** Every coalition of the other features, weighted |S|!(M-|S|-1)!/M!. */
export function bruteForceShapley(trees: readonly ShapTree[], x: readonly number[]): number[] {
  const m = x.length;
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const v = (s: Set<number>): number => trees.reduce((sum, t) => sum + conditional(t, x, s), 0);
  const phi = new Array<number>(m).fill(0);
  for (let i = 0; i < m; i++) {
    for (let mask = 0; mask < 1 << m; mask++) {
      if (mask & (1 << i)) continue;
      const s = new Set<number>();
      for (let j = 0; j < m; j++) if (mask & (1 << j)) s.add(j);
      const weight = (fact(s.size) * fact(m - s.size - 1)) / fact(m);
      const without = v(s);
      s.add(i);
      phi[i] += weight * (v(s) - without);
    }
  }
  return phi;
}

/** The two-split tree of the hand-worked example (TreeSHAP tests): x = (0, 1) gives φ = (−4/3, 8/15), E f = 3.8. */
export const HAND_TREE: ShapTree = {
  feature: [0, 1, -1, -1, -1], threshold: [0.5, 0.5, 0, 0, 0], left: [1, 3, -1, -1, -1], right: [2, 4, -1, -1, -1],
  value: [0, 0, 6, 1, 3], n: [10, 6, 4, 2, 4],
};

/** A row's values, feature by feature. */
export const row = (x: FeatureMatrix, i: number): number[] => x.columns.map((c) => c[i]);

/** Normal features (the fourth a 0–2 count) and a churn rule with an interaction, a threshold and noise. */
export function synthetic(rows: number, features: number, seed: number): { x: FeatureMatrix; y: Uint8Array } {
  const rng = new Rng(seed);
  const columns = Array.from({ length: features }, (_, j) => Float64Array.from({ length: rows }, () => (j === 3 ? rng.int(3) : rng.normal())));
  const y = Uint8Array.from({ length: rows }, (_, i) => {
    const z = 1.5 * columns[0][i] - columns[1][i] + (columns[2][i] > 0.5 ? 1 : -0.5) * columns[3][i] + 0.5 * rng.normal();
    return z > 0.3 ? 1 : 0;
  });
  return { x: makeMatrix(columns.map((_, j) => `x${j}`), columns), y };
}
