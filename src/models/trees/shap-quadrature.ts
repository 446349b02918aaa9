/**
 * Exact path-dependent TreeSHAP for trees too deep to table (the forest's: 300 trees of ~470
 * leaves with ~10 path features, whose 2^k tables would take 1.4 GB), after Linear TreeShap (Yu,
 * Bhattacharya et al., NeurIPS 2022). A leaf v whose path holds features P with cover shares z_j
 * (a feature repeated on the path: the product of its shares), and o_j = 1 when the row follows
 * every split on j towards the leaf, gives feature i ∈ P
 *   φ_i = v (o_i − z_i) ∫₀¹ Π_{j∈P∖i} g_j(t) dt,   g_j(t) = o_j t + z_j (1 − t),
 * (the Shapley weight s!(k−s−1)!/k! is the Beta integral ∫ t^s (1−t)^{k−1−s}). The integrand has
 * degree < k, so Gauss–Legendre with ⌈k/2⌉ points is exact. A row is then two passes over each
 * tree's nodes, carrying Q numbers a node: down, G_c = G_u · g_new / g_prev (the product of the
 * path's g at the points); up, S_u = S_left + S_right (Σ of v·G over the leaves below), and at
 * each edge on feature f, φ_f += Σ_q S_c(t_q) W_c(t_q), W = w_q [(o − z)/g_new − (o_prev − z_prev)/g_prev]:
 * the second term takes back what the feature's earlier edge gave these leaves (telescoping).
 * g_new/g_prev and W depend on the row only through whether it follows the edge, and whether
 * it still follows the feature's earlier edges (once not, the edge only scales by its share),
 * so both are tabled per edge (a leaf's R times its value): no per-row division, no memory beyond
 * Q numbers a node, and no branch on the row: the passes run over the splits alone, each child
 * reading its vectors at its state (0 no longer followed, 1 followed, 2 not).
 */
import { ModelError } from '../../errors.js';
import { gaussLegendre } from '../gauss-legendre.js';
import { expectedValue, type FlatTrees, type ShapTree } from './tree-shap.js';

export interface ShapQuadrature extends FlatTrees {
  /** Gauss–Legendre points of each tree: ⌈longest path's unique features / 2⌉ rounded up to even. */
  points: Int32Array;
  value: Float64Array; // leaf values (0 at splits)
  /** Each tree's splits (global node indices, ascending) start at splitStart[t] in `splits`. */
  splitStart: Int32Array;
  splits: Int32Array;
  /**
   * Per node as a child, where its six vectors start: R at states 0, 1, 2 (its share; g_new/g_prev
   * followed; not followed), times the leaf's value at a leaf, then W at states 0 (zero), 1, 2.
   */
  vectorAt: Int32Array;
  vectors: Float64Array;
  /** Σ over trees of the expected value. */
  expected: number;
  maxNodes: number;
  maxPoints: number;
}

/** The quadrature of a sum of trees, or null when a path splits on over 31 distinct features (masks are 32-bit): rows take the recursion. */
export function buildShapQuadrature(trees: readonly ShapTree[]): ShapQuadrature | null {
  const nodes = trees.reduce((s, t) => s + t.feature.length, 0);
  const q = {
    trees: trees.length,
    treeStart: new Int32Array(trees.length + 1),
    points: new Int32Array(trees.length),
    feature: new Int32Array(nodes),
    threshold: new Float64Array(nodes),
    defaultLeft: new Uint8Array(nodes),
    left: new Int32Array(nodes),
    bit: new Int32Array(nodes),
    value: new Float64Array(nodes),
    splitStart: new Int32Array(trees.length + 1),
    splits: new Int32Array(trees.reduce((s, t) => s + t.feature.filter((f) => f >= 0).length, 0)),
    vectorAt: new Int32Array(nodes),
    vectors: new Float64Array(0),
    expected: 0,
    maxNodes: 0,
    maxPoints: 2,
  };
  // Per tree: each node's path (unique features, their cumulative shares), to size and fill the vectors.
  const paths: { feature: number[]; z: number[] }[][] = [];
  let vectorSize = 0;
  let tooLong = false;
  let at = 0;
  trees.forEach((t, ti) => {
    const m = t.feature.length;
    const perNode: { feature: number[]; z: number[] }[] = new Array(m);
    perNode[0] = { feature: [], z: [] };
    let longest = 0;
    for (let k = 0; k < m; k++) {
      const f = t.feature[k];
      if (f < 0) {
        longest = Math.max(longest, perNode[k].feature.length);
        continue;
      }
      if (t.right[k] !== t.left[k] + 1 || t.left[k] <= k) throw new ModelError('a tree whose children do not follow it side by side cannot be explained; retrain it');
      for (const child of [t.left[k], t.right[k]]) {
        const path = { feature: [...perNode[k].feature], z: [...perNode[k].z] };
        const i = path.feature.indexOf(f);
        const share = t.n[child] / t.n[k];
        if (i >= 0) path.z[i] *= share;
        else {
          path.feature.push(f);
          path.z.push(share);
        }
        perNode[child] = path;
      }
    }
    tooLong ||= longest > 31;
    // ⌈longest / 2⌉ points are exact; rounded up to even for the kernel's two lanes (more stay exact).
    const points = 2 * Math.max(1, Math.ceil(longest / 4));
    q.points[ti] = points;
    q.maxPoints = Math.max(q.maxPoints, points);
    q.maxNodes = Math.max(q.maxNodes, m);
    q.treeStart[ti] = at;
    vectorSize += 6 * points * m;
    paths.push(perNode);
    at += m;
  });
  q.treeStart[trees.length] = at;
  if (tooLong) return null;
  q.vectors = new Float64Array(vectorSize);
  let v = 0;
  let split = 0;
  at = 0;
  trees.forEach((t, ti) => {
    q.splitStart[ti] = split;
    q.expected += expectedValue(t);
    const perNode = paths[ti];
    const parent = new Int32Array(t.feature.length);
    t.feature.forEach((f, k) => { if (f >= 0) parent[t.left[k]] = parent[t.right[k]] = k; });
    const points = q.points[ti];
    const { nodes: tq, weights: w } = gaussLegendre(points);
    for (let k = 0; k < t.feature.length; k++) {
      const g = at + k;
      const f = t.feature[k];
      q.feature[g] = f;
      q.vectorAt[g] = v;
      if (k > 0) {
        // This node as the child of its parent's split: z_prev is the parent's share of the feature so far (1: none).
        const u = parent[k];
        const pf = t.feature[u];
        const before = perNode[u].feature.indexOf(pf);
        const zp = before >= 0 ? perNode[u].z[before] : 1;
        const zn = perNode[k].z[perNode[k].feature.indexOf(pf)];
        const share = t.n[k] / t.n[u];
        const lv = f < 0 ? t.value[k] : 1;
        for (let j = 0; j < points; j++) {
          const x = tq[j];
          const gp = x + zp * (1 - x);
          const hot = x + zn * (1 - x);
          const cold = zn * (1 - x);
          const back = (1 - zp) / gp;
          q.vectors[v + j] = lv * share;
          q.vectors[v + points + j] = lv * (hot / gp);
          q.vectors[v + 2 * points + j] = lv * (cold / gp);
          q.vectors[v + 4 * points + j] = w[j] * ((1 - zn) / hot - back);
          q.vectors[v + 5 * points + j] = w[j] * (-1 / (1 - x) - back);
        }
      }
      v += 6 * points;
      if (f < 0) {
        q.value[g] = t.value[k];
        continue;
      }
      q.splits[split++] = g;
      q.threshold[g] = t.threshold[k];
      q.defaultLeft[g] = t.default_left === undefined || t.default_left[k] === 1 ? 1 : 0;
      q.left[g] = at + t.left[k];
      q.bit[g] = 1 << perNode[t.left[k]].feature.indexOf(f);
    }
    at += t.feature.length;
  });
  q.splitStart[trees.length] = split;
  return q;
}


/** Scratch for one row's passes: Q numbers, a mask and a state a node of the largest tree. */
export interface QuadratureScratch {
  buf: Float64Array;
  masks: Int32Array;
  state: Uint8Array;
}

export function quadratureScratch(qd: ShapQuadrature): QuadratureScratch {
  return { buf: new Float64Array(qd.maxNodes * qd.maxPoints), masks: new Int32Array(qd.maxNodes), state: new Uint8Array(qd.maxNodes) };
}

/**
 * One row through every tree: adds each feature's SHAP value to phi and returns the sum of the
 * leaves it reaches (tree order). The reference for the WebAssembly kernel (tree-walk.wat, quad).
 */
export function quadratureShapRow(qd: ShapQuadrature, value: (j: number) => number, phi: Float64Array, s: QuadratureScratch): number {
  const { buf, masks, state } = s;
  const { vectors, vectorAt, splits } = qd;
  let sum = 0;
  for (let t = 0; t < qd.trees; t++) {
    const start = qd.treeStart[t];
    const Q = qd.points[t];
    const first = qd.splitStart[t];
    const last = qd.splitStart[t + 1];
    if (first === last) sum += qd.value[start]; // a tree of one leaf
    masks[0] = -1;
    for (let j = 0; j < Q; j++) buf[j] = 1;
    // Down: each child's products at its state, from its parent's; the leaf the row reaches into the sum.
    for (let i = first; i < last; i++) {
      const g = splits[i];
      const k = g - start;
      const x = value(qd.feature[g]);
      const goLeft = Number.isNaN(x) ? qd.defaultLeft[g] === 1 : x <= qd.threshold[g];
      const m = masks[k];
      const b = qd.bit[g];
      const l = qd.left[g] - start;
      const alive = (m & b) !== 0;
      const cleared = m & ~b;
      masks[l] = goLeft ? m : cleared;
      masks[l + 1] = goLeft ? cleared : m;
      for (let c = l; c <= l + 1; c++) {
        const st = alive ? ((c === l) === goLeft ? 1 : 2) : 0;
        state[c] = st;
        const r = vectorAt[start + c] + st * Q;
        for (let j = 0; j < Q; j++) buf[c * Q + j] = buf[k * Q + j] * vectors[r + j];
        if (masks[c] === -1) sum += qd.value[start + c];
      }
    }
    // Up: each split's subtree sums, and its feature's part from its two edges (even and odd
    // points summed apart, as the kernel's two lanes).
    for (let i = last - 1; i >= first; i--) {
      const g = splits[i];
      const k = g - start;
      const l = qd.left[g] - start;
      let even = 0;
      let odd = 0;
      for (let c = l; c <= l + 1; c++) {
        const wv = vectorAt[start + c] + (3 + state[c]) * Q;
        for (let j = 0; j < Q; j += 2) {
          even += buf[c * Q + j] * vectors[wv + j];
          odd += buf[c * Q + j + 1] * vectors[wv + j + 1];
        }
      }
      for (let j = 0; j < Q; j++) buf[k * Q + j] = buf[l * Q + j] + buf[(l + 1) * Q + j];
      phi[qd.feature[g]] += even + odd;
    }
  }
  return sum;
}
