/**
 * A sum of trees compiled for scoring blocks of rows in WebAssembly (tree-walk.wat): each row is
 * binned once against the distinct thresholds the trees split each feature at (a byte a feature,
 * 255 for a missing value), then every tree is walked on bytes: leaf sums alone, or with each
 * feature's exact TreeSHAP value from the per-leaf tables (shap-tables.ts). The sums are those of
 * walking the raw values (left when value <= threshold, missing to the learnt side), bit for bit.
 */
import { binOf } from '../../data/bins.js';
import { ModelError } from '../../errors.js';
import { buildShapTables, type ShapTables } from './shap-tables.js';
import { treeShapBatch, type ShapTree } from './tree-shap.js';
import { WASM_BASE64 } from './tree-walk-wasm.js';
import { instantiate, Layout, perThread, type Kernel } from './wasm.js';

const MISSING = 255;
const LEAF = 0xff;
/** Distinct thresholds a feature may be split at: bins 0..254, 255 is missing. */
const MAX_CUTS = 254;
const MAX_FEATURES = 0xffff;
/** Rows binned and walked at a time: their bins and parts stay in the core's cache. */
const BLOCK_ROWS = 1024;

export interface CompiledTrees {
  trees: readonly ShapTree[];
  features: number;
  cuts: Float64Array[]; // per feature, ascending distinct thresholds
  words: Int32Array; // per node: feature << 16 | defaultRight << 8 | cut index (LEAF at leaves)
  lefts: Int32Array; // per node: its left child within its tree
  tables: ShapTables | null; // null: too large to table, explanations take the recursion
}

export function compileTrees(trees: readonly ShapTree[], features: number): CompiledTrees {
  if (features > MAX_FEATURES) throw new ModelError(`trees over ${features} features cannot be compiled (at most ${MAX_FEATURES})`);
  const distinct = Array.from({ length: features }, () => new Set<number>());
  for (const t of trees) t.feature.forEach((f, k) => { if (f >= 0) distinct[f].add(t.threshold[k]); });
  const cuts = distinct.map((s) => Float64Array.from(s).sort());
  const longest = Math.max(0, ...cuts.map((c) => c.length));
  if (longest > MAX_CUTS) throw new ModelError(`a feature split at ${longest} distinct thresholds cannot be compiled (at most ${MAX_CUTS})`);
  const index = cuts.map((c) => new Map(Array.from(c, (v, i) => [v, i])));
  const total = trees.reduce((s, t) => s + t.feature.length, 0);
  const words = new Int32Array(total);
  const lefts = new Int32Array(total);
  let g = 0;
  for (const t of trees) {
    for (let k = 0; k < t.feature.length; k++, g++) {
      const f = t.feature[k];
      if (f < 0) {
        words[g] = LEAF;
        continue;
      }
      if (t.right[k] !== t.left[k] + 1) throw new ModelError('a tree whose right child does not follow its left child cannot be compiled; retrain it');
      const defaultRight = t.default_left !== undefined && t.default_left[k] === 0 ? 1 : 0;
      words[g] = (f << 16) | (defaultRight << 8) | (index[f].get(t.threshold[k]) as number);
      lefts[g] = t.left[k];
    }
  }
  return { trees, features, cuts, words, lefts, tables: buildShapTables(trees) };
}

/** One thread's copy of compiled trees in WebAssembly memory, with room for a block of rows. */
class Walker {
  private readonly walkKernel: Kernel;
  private readonly shapKernel: Kernel;
  private readonly bins: Uint8Array;
  private readonly phi: Float64Array;
  private readonly sum: Float64Array;
  private readonly walkArgs: number[];
  private readonly shapArgs: number[] | null;

  constructor(private readonly compiled: CompiledTrees) {
    const { trees, features: p, words, lefts, tables } = compiled;
    const nodes = words.length;
    const layout = new Layout();
    const at = {
      starts: layout.place(4 * (trees.length + 1)),
      words: layout.place(4 * nodes),
      lefts: layout.place(4 * nodes),
      values: layout.place(8 * nodes),
      aux: layout.place(4 * nodes),
      paths: layout.place(4 * nodes),
      tables: layout.place(4 * nodes),
      pfeat: layout.place(4 * (tables?.pathFeature.length ?? 0)),
      pratio: layout.place(8 * (tables?.pathRatio.length ?? 0)),
      table: layout.place(8 * (tables?.table.length ?? 0)),
      bins: layout.place(BLOCK_ROWS * p),
      phi: layout.place(8 * BLOCK_ROWS * p),
      sum: layout.place(8 * BLOCK_ROWS),
      masks: layout.place(4 * Math.max(1, ...trees.map((t) => t.feature.length))),
    };
    if (layout.size >= 2 ** 31) throw new ModelError(`trees of ${nodes} nodes do not fit the walk's 2 GB of 32-bit addresses; train fewer or shallower trees`);
    const { buffer, exports } = instantiate(WASM_BASE64, layout.size);
    this.walkKernel = exports.walk;
    this.shapKernel = exports.shap;
    const starts = new Int32Array(buffer, at.starts, trees.length + 1);
    let g = 0;
    trees.forEach((t, i) => {
      starts[i] = g;
      g += t.feature.length;
    });
    starts[trees.length] = g;
    new Int32Array(buffer, at.words, nodes).set(words);
    new Int32Array(buffer, at.lefts, nodes).set(lefts);
    const values = new Float64Array(buffer, at.values, nodes);
    g = 0;
    for (const t of trees) for (let k = 0; k < t.feature.length; k++, g++) if (t.feature[k] < 0) values[g] = t.value[k];
    if (tables !== null) {
      const aux = new Int32Array(buffer, at.aux, nodes);
      const paths = new Int32Array(buffer, at.paths, nodes);
      const tableAt = new Int32Array(buffer, at.tables, nodes);
      for (let n = 0; n < nodes; n++) {
        aux[n] = tables.feature[n] >= 0 ? tables.bit[n] : tables.pathLength[n];
        paths[n] = tables.pathAt[n];
        tableAt[n] = at.table + 8 * tables.tableAt[n];
      }
      new Int32Array(buffer, at.pfeat, tables.pathFeature.length).set(tables.pathFeature.map((f) => 8 * f));
      new Float64Array(buffer, at.pratio, tables.pathRatio.length).set(tables.pathRatio);
      new Float64Array(buffer, at.table, tables.table.length).set(tables.table);
    }
    this.bins = new Uint8Array(buffer, at.bins, BLOCK_ROWS * p);
    this.phi = new Float64Array(buffer, at.phi, BLOCK_ROWS * p);
    this.sum = new Float64Array(buffer, at.sum, BLOCK_ROWS);
    this.walkArgs = [p, trees.length, at.starts, at.words, at.lefts, at.values, at.bins, at.sum];
    this.shapArgs = tables === null ? null : [p, trees.length, at.starts, at.words, at.lefts, at.aux, at.paths, at.tables, at.values, at.pfeat, at.pratio, at.bins, at.phi, at.sum, at.masks];
  }

  /** Leaf sums per row (trees in order, from 0); with `parts` (rows × features), each feature's SHAP value too. */
  run(columns: readonly Float64Array[], rows: number, parts: Float64Array | null): Float64Array {
    const { cuts, features: p } = this.compiled;
    if (columns.length !== p) throw new ModelError(`the trees take ${p} features, the batch has ${columns.length}`);
    if (parts !== null && this.shapArgs === null) return this.recursion(columns, rows, parts);
    const { bins, phi, sum } = this;
    const out = new Float64Array(rows);
    for (let from = 0; from < rows; from += BLOCK_ROWS) {
      const n = Math.min(rows, from + BLOCK_ROWS) - from;
      for (let f = 0; f < p; f++) {
        const c = columns[f];
        const cf = cuts[f];
        if (cf.length === 0) continue; // never split on: its bin is never read
        for (let i = 0; i < n; i++) {
          const v = c[from + i];
          bins[i * p + f] = Number.isNaN(v) ? MISSING : binOf(cf, v);
        }
      }
      sum.fill(0);
      if (parts === null) {
        this.walkKernel(n, ...this.walkArgs);
      } else {
        phi.fill(0, 0, n * p);
        this.shapKernel(n, ...(this.shapArgs as number[]));
        parts.set(phi.subarray(0, n * p), from * p);
      }
      out.set(sum.subarray(0, n), from);
    }
    return out;
  }

  /** Trees too large to table: the recursion, and the leaf sums of the walk. */
  private recursion(columns: readonly Float64Array[], rows: number, parts: Float64Array): Float64Array {
    const x = { rows, features: this.compiled.cuts.map((_, j) => String(j)), columns };
    parts.set(treeShapBatch(this.compiled.trees, x, 0).contributions);
    return this.run(columns, rows, null);
  }
}

const walkers = new WeakMap<CompiledTrees, Walker>();

/**
 * Σ of the leaves each row reaches, in tree order from 0; with `parts` (row-major rows ×
 * features, zeroed), each feature's TreeSHAP value (the trees' expected value aside) added in.
 */
export function walkTrees(compiled: CompiledTrees, columns: readonly Float64Array[], rows: number, parts: Float64Array | null): Float64Array {
  return perThread(walkers, compiled, (c) => new Walker(c)).run(columns, rows, parts);
}
