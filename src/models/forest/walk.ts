/**
 * The forest compiled for scoring: every tree's splits packed into one integer array over the
 * distinct cut points each feature is split at, so a row is binned once (a few binary searches)
 * and then walks all trees comparing small integers on one cache line, not doubles scattered
 * over the batch. The walk gives the same sums, bit for bit, as comparing raw values would.
 */
import { ModelError } from '../../errors.js';
import { binOf } from '../../data/bins.js';
import type { Tree } from './tree.js';
import { WASM_BASE64 } from './walk-wasm.js';
import { instantiate, perThread, type Kernel } from '../trees/wasm.js';

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
/** Bins are bytes: a churnscope forest is grown on at most 256 bins, so at most 255 cuts a feature. */
const MAX_CUTS = 255;
/** A leaf's cut: above every cut index, so it also tells leaves from splits. */
const LEAF_CUT = 0xffff;

export function compileForest(trees: readonly Tree[], features: number): CompiledForest {
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
  if (longest > MAX_CUTS) throw new ModelError(`a forest feature split at ${longest} distinct thresholds cannot be compiled (at most ${MAX_CUTS})`);
  const cutIndex = cuts.map((c) => new Map(Array.from(c, (t, i) => [t, i])));

  const nodes = new Int32Array(2 * total);
  const value = new Float64Array(total);
  const delta = new Float64Array(total);
  const roots = new Int32Array(trees.length);
  const depths = new Int32Array(trees.length);
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

/** One thread's copy of a compiled forest in WebAssembly memory, with room for a block of rows. */
class Walker {
  private readonly walk: Kernel;
  private readonly bins: Uint8Array;
  private readonly acc: Float64Array;
  private readonly sum: Float64Array;
  private readonly args: number[];

  constructor(readonly forest: CompiledForest) {
    const { trees, nodes, value, delta, roots, depths } = forest;
    const q = forest.features + 1;
    const total = value.length;
    // Node addresses step by 8 bytes; values and deltas sit at fixed distances from their node.
    const line = (bytes: number): number => Math.ceil(bytes / 64) * 64;
    const at = { nodes: 64, delta: 0, value: 0, roots: 0, depths: 0, bins: 0, acc: 0, sum: 0, end: 0 };
    at.delta = line(at.nodes + 8 * total);
    at.value = line(at.delta + 8 * total);
    at.roots = line(at.value + 8 * total);
    at.depths = line(at.roots + 4 * trees);
    at.bins = line(at.depths + 4 * trees);
    at.acc = line(at.bins + BLOCK_ROWS * q);
    at.sum = line(at.acc + 8 * BLOCK_ROWS * q);
    at.end = at.sum + 8 * BLOCK_ROWS;
    // Addresses are 32-bit: ~89 million nodes at most (a 300-tree forest here has 282 thousand).
    if (at.end >= 2 ** 31) throw new ModelError(`a forest of ${total} nodes does not fit the walk's 2 GB of 32-bit addresses; train fewer or shallower trees`);
    const { buffer, exports } = instantiate(WASM_BASE64, at.end);
    this.walk = exports.walk;
    const address = new Int32Array(buffer, at.nodes, 2 * total);
    for (let g = 0; g < total; g++) {
      address[2 * g] = nodes[2 * g];
      address[2 * g + 1] = at.nodes + 8 * nodes[2 * g + 1];
    }
    new Float64Array(buffer, at.delta, total).set(delta);
    new Float64Array(buffer, at.value, total).set(value);
    new Int32Array(buffer, at.roots, trees).set(roots.map((r) => at.nodes + 8 * r));
    new Int32Array(buffer, at.depths, trees).set(depths);
    this.bins = new Uint8Array(buffer, at.bins, BLOCK_ROWS * q);
    this.acc = new Float64Array(buffer, at.acc, BLOCK_ROWS * q);
    this.sum = new Float64Array(buffer, at.sum, BLOCK_ROWS);
    this.args = [q, trees, at.nodes, at.delta - at.nodes, at.value - at.nodes, at.roots, at.depths, at.bins, at.acc, at.sum];
  }

  run(columns: readonly Float64Array[], rows: number, parts: Float64Array | null): Float64Array {
    const { cuts } = this.forest;
    const p = this.forest.features;
    if (columns.length !== p) throw new ModelError(`the forest takes ${p} features, the batch has ${columns.length}`);
    const q = p + 1; // a spare column: bin 0, and the parts a leaf's steps to itself add
    const { bins, acc, sum: blockSum } = this;
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
      blockSum.fill(0);
      this.walk(n, ...this.args);
      sum.set(blockSum.subarray(0, n), from);
      if (parts !== null) {
        for (let i = 0; i < n; i++) {
          for (let f = 0; f < p; f++) parts[(from + i) * p + f] = acc[i * q + f];
        }
      }
    }
    const t = this.forest.trees;
    for (let i = 0; i < rows; i++) sum[i] /= t;
    if (parts !== null) for (let k = 0; k < parts.length; k++) parts[k] /= t;
    return sum;
  }
}

/** Each thread builds its walker once per compiled forest (its own memory: WebAssembly instances are per thread). */
const walkers = new WeakMap<CompiledForest, Walker>();

/**
 * Mean leaf value per row; with `parts` (row-major rows × features), also each split's change
 * in node value added to its feature (Saabas), divided by the tree count: one traversal gives both.
 */
export function walkForest(forest: CompiledForest, columns: readonly Float64Array[], rows: number, parts: Float64Array | null): Float64Array {
  return perThread(walkers, forest, (c) => new Walker(c)).run(columns, rows, parts);
}
