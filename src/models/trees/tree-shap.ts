/**
 * Exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, "Consistent individualized feature
 * attribution for tree ensembles", Algorithm 2): each feature's Shapley value for one row, where
 * a feature left out of a coalition is integrated over the training rows that followed each
 * branch (the node covers). One pass down the tree keeps, for the unique features on the path,
 * the share of coalitions of each size; at a leaf each feature's weight is the path "unwound"
 * without it. Unlike Saabas parts, the attributions are consistent: a feature that matters more
 * never gets less credit.
 */
import type { FeatureMatrix } from '../../data/matrix.js';

/** What TreeSHAP reads of a tree: splits (left when value <= threshold), leaf values, covers. */
export interface ShapTree {
  feature: readonly number[]; // -1 at leaves
  threshold: readonly number[];
  left: readonly number[];
  right: readonly number[];
  value: readonly number[]; // read at leaves
  n: readonly number[]; // training rows through each node
  default_left?: readonly number[]; // 1: missing values go left (absent: NaN goes left, as !(NaN > t))
}

/** Whether a value goes left at a split node. */
export function goesLeft(tree: ShapTree, node: number, v: number): boolean {
  if (Number.isNaN(v)) return tree.default_left === undefined || tree.default_left[node] === 1;
  return v <= tree.threshold[node];
}

/** The tree's expected value: leaf values weighted by the share of training rows reaching them. */
export function expectedValue(tree: ShapTree): number {
  let e = 0;
  for (let k = 0; k < tree.feature.length; k++) if (tree.feature[k] < 0) e += tree.value[k] * tree.n[k];
  return e / tree.n[0];
}

/** The path's unique features: index, zero fraction (cover share), one fraction (row follows), weight. */
/** A sum of trees flattened for a batch walk: every tree's nodes in one set of typed arrays. */
export interface FlatTrees {
  trees: number;
  /** First node of each tree (and the total node count at the end). */
  treeStart: Int32Array;
  feature: Int32Array; // -1 at leaves
  threshold: Float64Array;
  defaultLeft: Uint8Array;
  left: Int32Array; // global index of the left child; the right one follows it
  /** At a split: its feature's bit among the unique features of the path to it. */
  bit: Int32Array;
}

interface Path {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  weight: Float64Array;
}

function newPath(size: number): Path {
  return { feature: new Int32Array(size), zero: new Float64Array(size), one: new Float64Array(size), weight: new Float64Array(size) };
}

function copyPath(from: Path, to: Path, length: number): void {
  for (let i = 0; i < length; i++) {
    to.feature[i] = from.feature[i];
    to.zero[i] = from.zero[i];
    to.one[i] = from.one[i];
    to.weight[i] = from.weight[i];
  }
}

/** EXTEND: add a feature with its fractions; weights of coalitions of each size grow by one slot. */
function extend(m: Path, depth: number, zero: number, one: number, feature: number): void {
  m.feature[depth] = feature;
  m.zero[depth] = zero;
  m.one[depth] = one;
  m.weight[depth] = depth === 0 ? 1 : 0;
  for (let i = depth - 1; i >= 0; i--) {
    m.weight[i + 1] += (one * m.weight[i] * (i + 1)) / (depth + 1);
    m.weight[i] = (zero * m.weight[i] * (depth - i)) / (depth + 1);
  }
}

/** UNWIND: remove the feature at `index`, undoing its EXTEND. */
function unwind(m: Path, depth: number, index: number): void {
  const one = m.one[index];
  const zero = m.zero[index];
  let next = m.weight[depth];
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const t = m.weight[i];
      m.weight[i] = (next * (depth + 1)) / ((i + 1) * one);
      next = t - (m.weight[i] * zero * (depth - i)) / (depth + 1);
    } else {
      m.weight[i] = (m.weight[i] * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = index; i < depth; i++) {
    m.feature[i] = m.feature[i + 1];
    m.zero[i] = m.zero[i + 1];
    m.one[i] = m.one[i + 1];
  }
}

/** The total weight the path would have without the feature at `index` (UNWIND, summed, not stored). */
function unwoundSum(m: Path, depth: number, index: number): number {
  const one = m.one[index];
  const zero = m.zero[index];
  let next = m.weight[depth];
  let total = 0;
  if (one !== 0) {
    for (let i = depth - 1; i >= 0; i--) {
      const t = next / ((i + 1) * one);
      total += t;
      next = m.weight[i] - t * zero * (depth - i);
    }
  } else {
    for (let i = depth - 1; i >= 0; i--) total += m.weight[i] / (zero * (depth - i));
  }
  return total * (depth + 1);
}

/**
 * Adds one row's SHAP values for one tree to phi (times `scale`). `value(j)` reads feature j of
 * the row. Paths are preallocated per depth, as the recursion copies its parent's path.
 */
export function treeShapRow(tree: ShapTree, value: (j: number) => number, phi: Float64Array, scale: number, paths: Path[]): void {
  recurse({ tree, value, phi, scale, paths }, 0, 0, 0, null, 1, 1, -1);
}

interface Walk {
  tree: ShapTree;
  value: (j: number) => number;
  phi: Float64Array;
  scale: number;
  paths: Path[];
}

/** `level`: the node's depth in the tree, which picks its path buffer; `depth`: unique features on the path. */
function recurse(w: Walk, node: number, level: number, depth: number, parent: Path | null, zero: number, one: number, feature: number): void {
  const { tree, phi, scale } = w;
  const m = w.paths[level];
  if (parent !== null) copyPath(parent, m, depth);
  extend(m, depth, zero, one, feature);
  const f = tree.feature[node];
  if (f < 0) {
    for (let i = 1; i <= depth; i++) {
      const weight = unwoundSum(m, depth, i);
      phi[m.feature[i]] += weight * (m.one[i] - m.zero[i]) * tree.value[node] * scale;
    }
    return;
  }
  const left = goesLeft(tree, node, w.value(f));
  const hot = left ? tree.left[node] : tree.right[node];
  const cold = left ? tree.right[node] : tree.left[node];
  const cover = tree.n[node];
  let inZero = 1;
  let inOne = 1;
  let d = depth;
  let k = 1;
  while (k <= d && m.feature[k] !== f) k++;
  if (k <= d) {
    inZero = m.zero[k];
    inOne = m.one[k];
    unwind(m, d, k);
    d--;
  }
  recurse(w, hot, level + 1, d + 1, m, (tree.n[hot] / cover) * inZero, inOne, f);
  recurse(w, cold, level + 1, d + 1, m, (tree.n[cold] / cover) * inZero, 0, f);
}

/** Path buffers for trees up to `maxDepth` deep: one per level, each long enough for the whole path. */
export function pathBuffers(maxDepth: number): Path[] {
  return Array.from({ length: maxDepth + 1 }, () => newPath(maxDepth + 2));
}

export function treeDepth(tree: ShapTree): number {
  const depth = new Int32Array(tree.feature.length);
  let max = 0;
  for (let k = 0; k < tree.feature.length; k++) {
    if (tree.feature[k] < 0) continue;
    depth[tree.left[k]] = depth[k] + 1;
    depth[tree.right[k]] = depth[k] + 1;
    max = Math.max(max, depth[k] + 1);
  }
  return max;
}

/**
 * SHAP values of every row for a sum of trees (times `scale`, e.g. 1/trees for a mean), row-major
 * rows × features, and the base: offset + scale × Σ expected values. base + Σ parts = the sum.
 */
export function treeShapBatch(trees: readonly ShapTree[], x: FeatureMatrix, offset: number, scale = 1): { base: number; contributions: Float64Array } {
  const p = x.features.length;
  const contributions = new Float64Array(x.rows * p);
  const paths = pathBuffers(Math.max(0, ...trees.map(treeDepth)));
  let base = 0;
  for (const t of trees) base += expectedValue(t);
  for (let i = 0; i < x.rows; i++) {
    const phi = contributions.subarray(i * p, (i + 1) * p);
    for (const t of trees) treeShapRow(t, (j) => x.columns[j][i], phi, scale, paths);
  }
  return { base: offset + scale * base, contributions };
}
