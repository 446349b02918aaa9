/**
 * TreeSHAP for batches (Fast TreeSHAP v2, Yang 2021, in our own derivation): for a leaf whose path
 * splits on the unique features P (k of them) with cover shares z_j, a row satisfies some of
 * them, M ⊆ P, and path-dependent TreeSHAP gives feature i ∈ P
 *   φ_i = v (o_i − z_i) Σ_{S ⊆ M∖i} c(|S|) Π_{j ∈ P∖S∖i} z_j,   c(s) = s!(k−s−1)!/k!,
 * which is −A(M) when the row fails i and (1 − z_i)/z_i · A(M∖i) when it satisfies it, with
 *   A(N) = v Σ_{S ⊆ N} c(|S|) Π_{j ∈ P∖S} z_j
 * depending on the leaf alone. So A is tabled once per leaf (2^k values), and a row costs one
 * pass over the tree's nodes (each passes its children the mask of path features the row still
 * satisfies) and k table reads per leaf: no per-row recursion. The reached leaf (M = P) also
 * gives the tree's value, so the margin comes out of the same pass.
 */
import { ModelError } from '../../errors.js';
import { expectedValue, type FlatTrees, type ShapTree } from './tree-shap.js';

export interface ShapTables extends FlatTrees {
  /** At a leaf: k, and where its k path features and ratios and its 2^k table start. */
  pathLength: Int32Array;
  pathAt: Int32Array;
  tableAt: Int32Array;
  value: Float64Array; // leaf values
  pathFeature: Int32Array;
  pathRatio: Float64Array; // (1 − z_i) / z_i
  table: Float64Array;
  /** Σ over trees of the expected value. */
  expected: number;
}

/**
 * Tables past this many doubles (8 MB) are not built: their reads leave the cache, and the
 * quadrature (shap-quadrature.ts) is faster; the default forest's would take 1.4 GB.
 */
export const MAX_TABLE = 1 << 20;

/** Shapley weights c(s) = s!(k−s−1)!/k! for s = 0..k−1. */
function shapleyWeights(k: number): Float64Array {
  const w = new Float64Array(k);
  for (let s = 0; s < k; s++) {
    let c = 1 / k;
    // s!(k−s−1)!/k! = 1 / (k · C(k−1, s))
    for (let a = 1; a <= s; a++) c *= a / (k - a);
    w[s] = c;
  }
  return w;
}

/**
 * A(N) for every subset N of the leaf's path features (bit i: feature i), from the products
 * Π_{j∈N} (z_j + t), whose coefficient of t^s is Σ_{|S|=s, S⊆N} Π_{j∈N∖S} z_j, built subset by subset.
 */
function leafTable(z: Float64Array, v: number): Float64Array {
  const k = z.length;
  const size = 1 << k;
  const c = shapleyWeights(k);
  const poly = new Float64Array(size * (k + 1)); // poly[N·(k+1) + s]
  poly[0] = 1;
  const outside = new Float64Array(size); // Π_{j∉N} z_j
  let all = 1;
  for (let j = 0; j < k; j++) all *= z[j];
  outside[0] = all;
  const out = new Float64Array(size);
  for (let n = 0; n < size; n++) {
    if (n > 0) {
      const j = 31 - Math.clz32(n); // the highest feature in N: N = rest ∪ {j}
      const rest = n ^ (1 << j);
      const from = rest * (k + 1);
      const to = n * (k + 1);
      for (let s = 0; s <= k; s++) poly[to + s] = z[j] * poly[from + s] + (s > 0 ? poly[from + s - 1] : 0);
      outside[n] = outside[rest] / z[j];
    }
    let sum = 0;
    for (let s = 0; s < k; s++) sum += c[s] * poly[n * (k + 1) + s];
    out[n] = v * outside[n] * sum;
  }
  return out;
}

/**
 * The tables of a sum of trees, or null when they would exceed MAX_TABLE doubles. Children must
 * sit side by side (right = left + 1), as both of churnscope's tree models grow them.
 */
export function buildShapTables(trees: readonly ShapTree[]): ShapTables | null {
  let nodes = 0;
  let tableSize = 0;
  let pathSize = 0;
  const paths: { feature: number[]; z: number[] }[][] = [];
  for (const t of trees) {
    const m = t.feature.length;
    const perNode: { feature: number[]; z: number[] }[] = new Array(m);
    perNode[0] = { feature: [], z: [] };
    for (let k = 0; k < m; k++) {
      const f = t.feature[k];
      if (f < 0) {
        tableSize += 1 << perNode[k].feature.length;
        pathSize += perNode[k].feature.length;
        if (tableSize > MAX_TABLE) return null;
        continue;
      }
      if (t.right[k] !== t.left[k] + 1) throw new ModelError('a tree whose right child does not follow its left child cannot be tabled for TreeSHAP');
      for (const child of [t.left[k], t.right[k]]) {
        const share = t.n[child] / t.n[k];
        const path = { feature: [...perNode[k].feature], z: [...perNode[k].z] };
        const at = path.feature.indexOf(f);
        if (at >= 0) path.z[at] *= share;
        else {
          path.feature.push(f);
          path.z.push(share);
        }
        perNode[child] = path;
      }
    }
    paths.push(perNode);
    nodes += m;
  }
  const tables: ShapTables = {
    trees: trees.length,
    treeStart: new Int32Array(trees.length + 1),
    feature: new Int32Array(nodes),
    threshold: new Float64Array(nodes),
    defaultLeft: new Uint8Array(nodes),
    left: new Int32Array(nodes),
    bit: new Int32Array(nodes),
    pathLength: new Int32Array(nodes),
    pathAt: new Int32Array(nodes),
    tableAt: new Int32Array(nodes),
    value: new Float64Array(nodes),
    pathFeature: new Int32Array(pathSize),
    pathRatio: new Float64Array(pathSize),
    table: new Float64Array(tableSize),
    expected: 0,
  };
  let at = 0;
  let pathAt = 0;
  let tableAt = 0;
  trees.forEach((t, ti) => {
    tables.treeStart[ti] = at;
    tables.expected += expectedValue(t);
    const perNode = paths[ti];
    for (let k = 0; k < t.feature.length; k++) {
      const g = at + k;
      const f = t.feature[k];
      tables.feature[g] = f;
      if (f >= 0) {
        tables.threshold[g] = t.threshold[k];
        tables.defaultLeft[g] = t.default_left === undefined || t.default_left[k] === 1 ? 1 : 0;
        tables.left[g] = at + t.left[k];
        tables.bit[g] = 1 << perNode[t.left[k]].feature.indexOf(f);
        continue;
      }
      const { feature, z } = perNode[k];
      tables.value[g] = t.value[k];
      tables.pathLength[g] = feature.length;
      tables.pathAt[g] = pathAt;
      tables.tableAt[g] = tableAt;
      feature.forEach((pf, i) => {
        tables.pathFeature[pathAt + i] = pf;
        tables.pathRatio[pathAt + i] = (1 - z[i]) / z[i];
      });
      tables.table.set(leafTable(Float64Array.from(z), t.value[k]), tableAt);
      pathAt += feature.length;
      tableAt += 1 << feature.length;
    }
    at += t.feature.length;
  });
  tables.treeStart[trees.length] = at;
  return tables;
}

/**
 * One row through every tree: adds each feature's SHAP value to phi and returns the sum of the
 * leaves it reaches (tree order). `masks` is scratch, one int a node of the largest tree. The
 * reference for the WebAssembly kernel (tree-walk.wat, shap).
 */
export function tableShapRow(tb: ShapTables, value: (j: number) => number, phi: Float64Array, masks: Int32Array): number {
  let sum = 0;
  for (let t = 0; t < tb.trees; t++) {
    const start = tb.treeStart[t];
    const end = tb.treeStart[t + 1];
    masks[0] = -1;
    for (let g = start; g < end; g++) {
      const m = masks[g - start];
      const f = tb.feature[g];
      if (f >= 0) {
        const v = value(f);
        const left = Number.isNaN(v) ? tb.defaultLeft[g] === 1 : v <= tb.threshold[g];
        const l = tb.left[g] - start;
        const cleared = m & ~tb.bit[g];
        masks[l] = left ? m : cleared;
        masks[l + 1] = left ? cleared : m;
        continue;
      }
      const k = tb.pathLength[g];
      const full = (1 << k) - 1;
      const mask = m & full;
      const p = tb.pathAt[g];
      const a = tb.tableAt[g];
      const outside = tb.table[a + mask];
      for (let i = 0; i < k; i++) {
        const b = 1 << i;
        if ((mask & b) !== 0) phi[tb.pathFeature[p + i]] += tb.pathRatio[p + i] * tb.table[a + (mask ^ b)];
        else phi[tb.pathFeature[p + i]] -= outside;
      }
      if (mask === full) sum += tb.value[g];
    }
  }
  return sum;
}
