/**
 * A sum of trees compiled for scoring blocks of rows in WebAssembly (tree-walk.wat): each row is
 * binned once against the distinct thresholds the trees split each feature at (a byte a feature,
 * 255 for a missing value), then every tree is walked on bytes: leaf sums alone, or with each
 * feature's exact TreeSHAP value, from per-leaf tables (shap-tables.ts) when they fit, otherwise by
 * quadrature (shap-quadrature.ts). The sums are those of walking the raw values (left when
 * value <= threshold, missing to the learnt side), bit for bit. Both tree models score through it.
 */
import { binRowMajor } from '../../data/bins.js';
import { ModelError } from '../../errors.js';
import { buildShapQuadrature, type ShapQuadrature } from './shap-quadrature.js';
import { buildShapTables, type ShapTables } from './shap-tables.js';
import { expectedValue, treeDepth, treeShapBatch, type ShapTree } from './tree-shap.js';
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
  lefts: Int32Array; // per node: its left child within its tree (a leaf: itself)
  expected: number; // Σ over trees of the expected value (TreeSHAP's base)
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
        lefts[g] = k; // a leaf is its own child: the four-row walk steps in place once there
        continue;
      }
      if (t.right[k] !== t.left[k] + 1) throw new ModelError('a tree whose right child does not follow its left child cannot be compiled; retrain it');
      const defaultRight = t.default_left !== undefined && t.default_left[k] === 0 ? 1 : 0;
      words[g] = (f << 16) | (defaultRight << 8) | (index[f].get(t.threshold[k]) as number);
      lefts[g] = t.left[k];
    }
  }
  return { trees, features, cuts, words, lefts, expected: trees.reduce((e, t) => e + expectedValue(t), 0) };
}

/** How a walker explains: from tables or by quadrature. */
type Explainer = { tables: ShapTables } | { quadrature: ShapQuadrature };

/** Tables when they fit, else the quadrature; null when a path splits on over 31 features (rows take the recursion). */
function explainer(trees: readonly ShapTree[]): Explainer | null {
  const tables = buildShapTables(trees);
  if (tables !== null) return { tables };
  const quadrature = buildShapQuadrature(trees);
  return quadrature === null ? null : { quadrature };
}

/**
 * One thread's copy of compiled trees in WebAssembly memory, with room for a block of rows: for
 * leaf sums alone, or (`explain`) with TreeSHAP too, its tables or quadrature vectors beside.
 */
class Walker {
  private readonly kernel: Kernel;
  private readonly bins: Uint8Array;
  private readonly phi: Float64Array | null;
  private readonly sum: Float64Array;
  private readonly args: number[];

  constructor(private readonly compiled: CompiledTrees, explain: Explainer | false) {
    const { trees, features: p, words, lefts } = compiled;
    const nodes = words.length;
    const largest = Math.max(1, ...trees.map((t) => t.feature.length));
    const layout = new Layout();
    const at = {
      starts: layout.place(4 * (trees.length + 1)),
      words: layout.place(4 * nodes),
      lefts: layout.place(4 * nodes),
      values: layout.place(8 * nodes),
      depths: layout.place(4 * trees.length),
      bins: layout.place(BLOCK_ROWS * p),
      sum: layout.place(8 * BLOCK_ROWS),
      phi: explain === false ? 0 : layout.place(8 * BLOCK_ROWS * p),
      masks: explain === false ? 0 : layout.place(4 * largest),
    };
    // Each explainer's regions, with the explainer they are laid out for.
    const tab = explain === false || !('tables' in explain) ? null : {
      of: explain.tables,
      aux: layout.place(4 * nodes),
      paths: layout.place(4 * nodes),
      tables: layout.place(4 * nodes),
      pfeat: layout.place(4 * explain.tables.pathFeature.length),
      pratio: layout.place(8 * explain.tables.pathRatio.length),
      table: layout.place(8 * explain.tables.table.length),
    };
    const qu = explain === false || !('quadrature' in explain) ? null : {
      of: explain.quadrature,
      bits: layout.place(4 * nodes),
      points: layout.place(4 * trees.length),
      vecAt: layout.place(4 * nodes),
      splitStarts: layout.place(4 * (trees.length + 1)),
      splits: layout.place(4 * explain.quadrature.splits.length),
      vectors: layout.place(8 * explain.quadrature.vectors.length),
      buf: layout.place(8 * explain.quadrature.maxNodes * explain.quadrature.maxPoints),
      state: layout.place(4 * largest),
    };
    if (layout.size >= 2 ** 31) throw new ModelError(`trees of ${nodes} nodes do not fit the walk's 2 GB of 32-bit addresses; train fewer or shallower trees`);
    const { buffer, exports } = instantiate(WASM_BASE64, layout.size);
    const starts = new Int32Array(buffer, at.starts, trees.length + 1);
    let g = 0;
    trees.forEach((t, i) => {
      starts[i] = g;
      g += t.feature.length;
    });
    starts[trees.length] = g;
    new Int32Array(buffer, at.words, nodes).set(words);
    new Int32Array(buffer, at.lefts, nodes).set(lefts);
    new Int32Array(buffer, at.depths, trees.length).set(trees.map(treeDepth));
    const values = new Float64Array(buffer, at.values, nodes);
    g = 0;
    for (const t of trees) for (let k = 0; k < t.feature.length; k++, g++) if (t.feature[k] < 0) values[g] = t.value[k];
    this.bins = new Uint8Array(buffer, at.bins, BLOCK_ROWS * p);
    this.sum = new Float64Array(buffer, at.sum, BLOCK_ROWS);
    this.phi = explain === false ? null : new Float64Array(buffer, at.phi, BLOCK_ROWS * p);
    if (tab !== null) {
      const tables = tab.of;
      const aux = new Int32Array(buffer, tab.aux, nodes);
      const paths = new Int32Array(buffer, tab.paths, nodes);
      const tableAt = new Int32Array(buffer, tab.tables, nodes);
      for (let n = 0; n < nodes; n++) {
        aux[n] = tables.feature[n] >= 0 ? tables.bit[n] : tables.pathLength[n];
        paths[n] = tables.pathAt[n];
        tableAt[n] = tab.table + 8 * tables.tableAt[n];
      }
      new Int32Array(buffer, tab.pfeat, tables.pathFeature.length).set(tables.pathFeature.map((f) => 8 * f));
      new Float64Array(buffer, tab.pratio, tables.pathRatio.length).set(tables.pathRatio);
      new Float64Array(buffer, tab.table, tables.table.length).set(tables.table);
      this.kernel = exports.shap;
      this.args = [p, trees.length, at.starts, at.words, at.lefts, tab.aux, tab.paths, tab.tables, at.values, tab.pfeat, tab.pratio, at.bins, at.phi, at.sum, at.masks];
    } else if (qu !== null) {
      const quad = qu.of;
      new Int32Array(buffer, qu.bits, nodes).set(quad.bit);
      new Int32Array(buffer, qu.points, trees.length).set(quad.points);
      new Int32Array(buffer, qu.vecAt, nodes).set(quad.vectorAt.map((v) => qu.vectors + 8 * v));
      new Int32Array(buffer, qu.splitStarts, trees.length + 1).set(quad.splitStart);
      new Int32Array(buffer, qu.splits, quad.splits.length).set(quad.splits);
      new Float64Array(buffer, qu.vectors, quad.vectors.length).set(quad.vectors);
      this.kernel = exports.quad;
      this.args = [p, trees.length, at.starts, at.words, at.lefts, qu.bits, qu.points, qu.vecAt, qu.splitStarts, qu.splits, at.values, at.bins, at.phi, at.sum, qu.buf, at.masks, qu.state];
    } else {
      this.kernel = exports.walk;
      this.args = [p, trees.length, at.starts, at.words, at.lefts, at.values, at.bins, at.sum, at.depths];
    }
  }

  /** Leaf sums per row (trees in order, from 0); with `parts` (rows × features), each feature's SHAP value too. */
  run(columns: readonly Float64Array[], rows: number, parts: Float64Array | null): Float64Array {
    const { cuts, features: p } = this.compiled;
    if (columns.length !== p) throw new ModelError(`the trees take ${p} features, the batch has ${columns.length}`);
    const { bins, phi, sum } = this;
    const out = new Float64Array(rows);
    for (let from = 0; from < rows; from += BLOCK_ROWS) {
      const n = Math.min(rows, from + BLOCK_ROWS) - from;
      binRowMajor(columns, cuts, from, n, bins, p, MISSING);
      sum.fill(0);
      if (phi !== null) phi.fill(0, 0, n * p);
      this.kernel(n, ...this.args);
      if (phi !== null && parts !== null) parts.set(phi.subarray(0, n * p), from * p);
      out.set(sum.subarray(0, n), from);
    }
    return out;
  }
}

const walkers = new WeakMap<CompiledTrees, Walker>();
const explainers = new WeakMap<CompiledTrees, Walker>();
const recursions = new WeakSet<CompiledTrees>();

/**
 * Σ of the leaves each row reaches, in tree order from 0; with `parts` (row-major rows ×
 * features, zeroed), each feature's TreeSHAP value (the trees' expected value aside) added in.
 */
export function walkTrees(compiled: CompiledTrees, columns: readonly Float64Array[], rows: number, parts: Float64Array | null): Float64Array {
  if (parts === null || recursions.has(compiled)) {
    const sums = perThread(walkers, compiled, (c) => new Walker(c, false)).run(columns, rows, null);
    if (parts !== null) parts.set(treeShapBatch(compiled.trees, { rows, features: compiled.cuts.map((_, j) => String(j)), columns }, 0).contributions);
    return sums;
  }
  const explain = explainers.get(compiled);
  if (explain !== undefined) return explain.run(columns, rows, parts);
  const how = explainer(compiled.trees);
  if (how === null) {
    recursions.add(compiled);
    return walkTrees(compiled, columns, rows, parts);
  }
  return perThread(explainers, compiled, (c) => new Walker(c, how)).run(columns, rows, parts);
}
