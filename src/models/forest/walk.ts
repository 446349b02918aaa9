/**
 * The forest compiled for scoring: every tree's splits packed into one integer array over the
 * distinct cut points each feature is split at, so a row is binned once (a few binary searches)
 * and then walks all trees comparing small integers on one cache line, not doubles scattered
 * over the batch. The walk gives the same sums, bit for bit, as comparing raw values would.
 */
import { ModelError } from '../../errors.js';
import { binOf } from '../../data/bins.js';
import type { Tree } from './tree.js';

export interface CompiledForest {
  trees: number;
  features: number;
  /** Per feature: the ascending distinct thresholds the trees split it at. */
  cuts: Float64Array[];
  /**
   * Node k: nodes[2k] = feature << 16 | cut index, nodes[2k + 1] = its left child (right = left + 1).
   * A leaf is its own left child, split on a spare feature (index `features`) against LEAF_CUT,
   * which no bin exceeds: a walk stays there, and what it adds on the way goes to the spare column.
   */
  nodes: Int32Array;
  /** Node value (P(churn) among its training rows) and its change from the parent's (0 at a root). */
  value: Float64Array;
  delta: Float64Array;
  /** Each tree's root node and depth (steps from the root to its deepest leaf). */
  roots: Int32Array;
  depths: Int32Array;
}

const MAX_FEATURES = (1 << 15) - 1;
/** A leaf's cut: above every cut index, so it also tells leaves from splits. */
const LEAF_CUT = 0xffff;

/** `shared`: the arrays live on SharedArrayBuffers, so worker threads can read one copy. */
export function compileForest(trees: readonly Tree[], features: number, shared = false): CompiledForest {
  const memory = (bytes: number): ArrayBuffer | SharedArrayBuffer => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  if (features > MAX_FEATURES) throw new ModelError(`a forest over ${features} features cannot be compiled (at most ${MAX_FEATURES})`);
  const distinct = Array.from({ length: features }, () => new Set<number>());
  let total = 0;
  for (const tree of trees) {
    total += tree.feature.length;
    tree.feature.forEach((f, k) => {
      if (f < 0) return;
      if (tree.right[k] !== tree.left[k] + 1) throw new ModelError('a forest tree whose right child does not follow its left child cannot be walked; retrain it');
      distinct[f].add(tree.threshold[k]);
    });
  }
  const cuts = distinct.map((s) => Float64Array.from(s).sort());
  const longest = Math.max(0, ...cuts.map((c) => c.length));
  if (longest >= LEAF_CUT) throw new ModelError(`a forest feature split at ${longest} distinct thresholds cannot be compiled (at most ${LEAF_CUT - 1})`);
  const cutIndex = cuts.map((c) => new Map(Array.from(c, (t, i) => [t, i])));

  const nodes = new Int32Array(memory(8 * total));
  const value = new Float64Array(memory(8 * total));
  const delta = new Float64Array(memory(8 * total));
  const roots = new Int32Array(memory(4 * trees.length));
  const depths = new Int32Array(memory(4 * trees.length));
  const leafSplit = (features << 16) | LEAF_CUT;
  let at = 0;
  trees.forEach((tree, t) => {
    const m = tree.feature.length;
    roots[t] = at;
    const depth = new Int32Array(m);
    for (let k = 0; k < m; k++) {
      const g = at + k;
      const f = tree.feature[k];
      value[g] = tree.value[k];
      if (f < 0) {
        nodes[2 * g] = leafSplit;
        nodes[2 * g + 1] = g;
        depths[t] = Math.max(depths[t], depth[k]);
        continue;
      }
      const l = tree.left[k];
      nodes[2 * g] = (f << 16) | (cutIndex[f].get(tree.threshold[k]) as number);
      nodes[2 * g + 1] = at + l;
      delta[at + l] = tree.value[l] - tree.value[k];
      delta[at + l + 1] = tree.value[l + 1] - tree.value[k];
      depth[l] = depth[k] + 1;
      depth[l + 1] = depth[k] + 1;
    }
    at += m;
  });
  return { trees: trees.length, features, cuts, nodes, value, delta, roots, depths };
}

/**
 * Rows walked through every tree before the next block: the forest (megabytes) streams from
 * memory once per block, while a block's bins and parts stay in the core's cache.
 */
const BLOCK_ROWS = 1024;

/**
 * Mean leaf value per row; with `parts` (row-major rows × features), also each split's change
 * in node value added to its feature (Saabas), divided by the tree count: one traversal gives both.
 */
export function walkForest(forest: CompiledForest, columns: readonly Float64Array[], rows: number, parts: Float64Array | null): Float64Array {
  const { nodes, value, delta, roots, depths, cuts } = forest;
  const p = forest.features;
  if (columns.length !== p) throw new ModelError(`the forest takes ${p} features, the batch has ${columns.length}`);
  const q = p + 1; // a spare column: bin 0, and the parts a leaf's steps to itself add
  const block = Math.min(rows, BLOCK_ROWS);
  // Bytes when every feature has under 255 cuts (a forest grown on 255 bins): half the cache.
  const bins = forest.cuts.every((c) => c.length < 255) ? new Uint8Array(block * q) : new Uint16Array(block * q);
  const acc = new Float64Array(block * q);
  const sum = new Float64Array(rows);
  for (let from = 0; from < rows; from += BLOCK_ROWS) {
    const n = Math.min(rows, from + BLOCK_ROWS) - from;
    for (let f = 0; f < p; f++) {
      const c = columns[f];
      const cf = cuts[f];
      if (cf.length === 0) continue; // never split on: its bin is never read
      for (let i = 0; i < n; i++) bins[i * q + f] = binOf(cf, c[from + i]);
    }
    acc.fill(0);
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t];
      const depth = depths[t];
      let i = 0;
      // Four rows at a time, until all four reach their leaves (a leaf steps to itself): four
      // independent chains of loads the processor overlaps. Children sit side by side, so
      // a step is an add: (cut - bin) >>> 31 is 1 when bin > cut.
      for (; i + 4 <= n; i += 4) {
        const b0 = i * q;
        const b1 = b0 + q;
        const b2 = b1 + q;
        const b3 = b2 + q;
        let n0 = root;
        let n1 = root;
        let n2 = root;
        let n3 = root;
        for (let d = 0; d < depth; d++) {
          const s0 = nodes[2 * n0];
          const s1 = nodes[2 * n1];
          const s2 = nodes[2 * n2];
          const s3 = nodes[2 * n3];
          if ((s0 & s1 & s2 & s3 & LEAF_CUT) === LEAF_CUT) break; // all four at their leaves
          const f0 = b0 + (s0 >>> 16);
          const f1 = b1 + (s1 >>> 16);
          const f2 = b2 + (s2 >>> 16);
          const f3 = b3 + (s3 >>> 16);
          n0 = nodes[2 * n0 + 1] + (((s0 & 0xffff) - bins[f0]) >>> 31);
          n1 = nodes[2 * n1 + 1] + (((s1 & 0xffff) - bins[f1]) >>> 31);
          n2 = nodes[2 * n2 + 1] + (((s2 & 0xffff) - bins[f2]) >>> 31);
          n3 = nodes[2 * n3 + 1] + (((s3 & 0xffff) - bins[f3]) >>> 31);
          acc[f0] += delta[n0];
          acc[f1] += delta[n1];
          acc[f2] += delta[n2];
          acc[f3] += delta[n3];
        }
        sum[from + i] += value[n0];
        sum[from + i + 1] += value[n1];
        sum[from + i + 2] += value[n2];
        sum[from + i + 3] += value[n3];
      }
      for (; i < n; i++) {
        const b = i * q;
        let node = root;
        for (let d = 0; d < depth; d++) {
          const s = nodes[2 * node];
          const f = b + (s >>> 16);
          node = nodes[2 * node + 1] + (((s & 0xffff) - bins[f]) >>> 31);
          acc[f] += delta[node];
        }
        sum[from + i] += value[node];
      }
    }
    if (parts !== null) {
      for (let i = 0; i < n; i++) {
        for (let f = 0; f < p; f++) parts[(from + i) * p + f] = acc[i * q + f];
      }
    }
  }
  const t = roots.length;
  for (let i = 0; i < rows; i++) sum[i] /= t;
  if (parts !== null) for (let k = 0; k < parts.length; k++) parts[k] /= t;
  return sum;
}
