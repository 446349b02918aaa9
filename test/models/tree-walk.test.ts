/**
 * The compiled tree walk on hand-made trees: which TreeSHAP a sum of trees gets (per-leaf tables
 * up to MAX_TABLE doubles, the quadrature for paths of up to 31 features, the recursion past
 * them), each against its reference bit for bit and the trees' leaf sums; the compile limits; and
 * the WebAssembly memory's layout where a region one size short would show.
 */
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { makeMatrix } from '../../src/data/matrix.js';
import { buildShapQuadrature, quadratureScratch, quadratureShapRow, type ShapQuadrature } from '../../src/models/trees/shap-quadrature.js';
import { buildShapTables, MAX_TABLE } from '../../src/models/trees/shap-tables.js';
import { goesLeft, treeDepth, treeShapBatch, type ShapTree } from '../../src/models/trees/tree-shap.js';
import { compileTrees, walkTrees } from '../../src/models/trees/tree-walk.js';
import { Rng } from '../../src/rng.js';
import { HAND_TREE } from '../helpers/shapley.js';

const leaf = (value: number): ShapTree => ({ feature: [-1], threshold: [0], left: [-1], right: [-1], value: [value], n: [1] });

/** x_f <= t: leaf of value lv (nl training rows), else rv (nr rows). */
const stump = (f: number, t: number, lv: number, rv: number, nl = 1, nr = 1): ShapTree => ({
  feature: [f, -1, -1], threshold: [t, 0, 0], left: [1, -1, -1], right: [2, -1, -1], value: [0, lv, rv], n: [nl + nr, nl, nr],
});

/**
 * A chain of splits x_{features[i]} <= 0.5: split i (node 2i) sends a row left to a leaf (node
 * 2i + 1, one training row, value (7i mod 5) − 2) and right on to the next split, or to the last
 * leaf (node 2k, one row, value 3). The deepest leaves' paths hold every distinct feature.
 */
function chain(features: readonly number[]): ShapTree {
  const k = features.length;
  const t = { feature: [] as number[], threshold: [] as number[], left: [] as number[], right: [] as number[], value: [] as number[], n: [] as number[] };
  const put = (node: number, f: number, l: number, value: number, n: number): void => {
    t.feature[node] = f;
    t.threshold[node] = f < 0 ? 0 : 0.5;
    t.left[node] = l;
    t.right[node] = l < 0 ? -1 : l + 1;
    t.value[node] = value;
    t.n[node] = n;
  };
  for (let i = 0; i < k; i++) {
    put(2 * i, features[i], 2 * i + 1, 0, k - i + 1);
    put(2 * i + 1, -1, -1, ((7 * i) % 5) - 2, 1);
  }
  put(2 * k, -1, -1, 3, 1);
  return t;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, j) => j);

/** Rows that reach every leaf of a chain over features 0..p−1 (row r: x_j = 1 for j < r, then 0), then random 0, 1 or NaN. */
function chainRows(p: number, rows: number, seed: number): Float64Array[] {
  const rng = new Rng(seed);
  return range(p).map((j) => Float64Array.from({ length: rows }, (_, r) => {
    if (r <= p) return j < r ? 1 : 0;
    const pick = rng.int(5);
    return pick === 0 ? Number.NaN : pick < 3 ? 1 : 0;
  }));
}

function naiveSum(trees: readonly ShapTree[], columns: readonly Float64Array[], i: number): number {
  let sum = 0;
  for (const t of trees) {
    let node = 0;
    while (t.feature[node] >= 0) node = goesLeft(t, node, columns[t.feature[node]][i]) ? t.left[node] : t.right[node];
    sum += t.value[node];
  }
  return sum;
}

/** walkTrees' sums and parts against the quadrature's JavaScript reference (bit for bit) and the leaf sums. */
function expectQuadratureWalk(trees: readonly ShapTree[], p: number, columns: Float64Array[], rows: number): void {
  const qd = buildShapQuadrature(trees) as ShapQuadrature;
  const parts = new Float64Array(rows * p);
  const sums = walkTrees(compileTrees(trees, p), columns, rows, parts);
  const scratch = quadratureScratch(qd);
  for (let i = 0; i < rows; i++) {
    const phi = new Float64Array(p);
    const naive = naiveSum(trees, columns, i);
    expect(quadratureShapRow(qd, (j) => columns[j][i], phi, scratch)).toBe(naive);
    expect(sums[i]).toBe(naive);
    expect(Array.from(parts.subarray(i * p, (i + 1) * p))).toEqual(Array.from(phi));
  }
}

describe('the compiled walk\'s limits', () => {
  it('compiles and walks a split on feature 65,534 of 65,535; refuses 65,536 features', () => {
    const trees = [stump(65_534, 0.5, 1, 2)];
    const compiled = compileTrees(trees, 65_535);
    expect(compiled.words[0] >>> 16).toBe(65_534);
    const columns = range(65_535).map(() => Float64Array.of(Number.NaN, Number.NaN));
    columns[65_534] = Float64Array.of(0, 1);
    expect(Array.from(walkTrees(compiled, columns, 2, null))).toEqual([1, 2]);
    expect(() => compileTrees(trees, 65_536)).toThrow(new ModelError('trees over 65536 features cannot be compiled (at most 65535)'));
  });

  it('walks every tree of 20 to its leaf when a block\'s rows are all in bin 0 (each tree\'s depth read from its own slot)', () => {
    // Stump t: x0 <= 0.5 is worth t + 1, else −(t + 1). Twenty stumps: 210 or −210.
    const trees = range(20).map((t) => stump(0, 0.5, t + 1, -(t + 1)));
    const x0 = Float64Array.from({ length: 19 }, (_, i) => (i < 16 ? 0 : 1));
    expect(Array.from(walkTrees(compileTrees(trees, 1), [x0], 19, null))).toEqual([...Array(16).fill(210), -210, -210, -210]);
  });

  it('gives each tree its depth: a leaf 0, a stump 1, the two-split tree 2, a chain of k splits k', () => {
    expect([leaf(1), stump(0, 0.5, 1, 2), HAND_TREE, chain(range(7))].map(treeDepth)).toEqual([0, 1, 2, 7]);
  });
});

describe('the walk\'s choice of TreeSHAP', () => {
  it('tables a sum of trees up to MAX_TABLE doubles exactly, and not one more', () => {
    // A complete tree of depth 10, level d split on feature d: 1,024 leaves of 10 path features, 2^10 values each.
    const m = 2 ** 11 - 1;
    const level = (k: number): number => 31 - Math.clz32(k + 1);
    const full: ShapTree = {
      feature: range(m).map((k) => (level(k) < 10 ? level(k) : -1)),
      threshold: range(m).map((k) => (level(k) < 10 ? 0.5 : 0)),
      left: range(m).map((k) => (level(k) < 10 ? 2 * k + 1 : -1)),
      right: range(m).map((k) => (level(k) < 10 ? 2 * k + 2 : -1)),
      value: range(m).map((k) => (level(k) < 10 ? 0 : k % 3)),
      n: range(m).map((k) => 2 ** (10 - level(k))),
    };
    expect(buildShapTables([full])?.table.length).toBe(MAX_TABLE);
    expect(buildShapTables([full, leaf(1)])).toBeNull(); // a one-leaf tree's table: one value more
  });

  it('explains by quadrature when a path of 21 features is too long to table: 16 trees (one a single leaf), bit for bit against the JavaScript reference, to 1e-12 against the recursion', () => {
    const trees = [chain(range(21)), leaf(0.25), ...range(14).map((j) => stump(j, 0.5, j + 1, -(j + 1) / 2, j + 1, 2))];
    expect(buildShapTables(trees)).toBeNull();
    const p = 21;
    const rows = 60;
    const columns = chainRows(p, rows, 3);
    expectQuadratureWalk(trees, p, columns, rows);
    const parts = new Float64Array(rows * p);
    walkTrees(compileTrees(trees, p), columns, rows, parts);
    const recursion = treeShapBatch(trees, makeMatrix(range(p).map(String), columns), 0);
    for (let k = 0; k < rows * p; k++) expect(parts[k]).toBeCloseTo(recursion.contributions[k], 12);
    expect(naiveSum(trees, columns, 21)).toBe(3 + 0.25 + range(14).reduce((s, j) => s - (j + 1) / 2, 0)); // row 21 reaches the chain's end, right of every stump
  });

  it('takes the quadrature for a path of 31 distinct features, not 32 (its masks are 32-bit)', () => {
    expect(buildShapQuadrature([chain(range(31))])?.points[0]).toBe(16); // ⌈31/4⌉·2 points
    expect(buildShapQuadrature([chain(range(32))])).toBeNull();
  });

  it('explains by the recursion past 31 features: the recursion\'s values exactly, whether leaf sums or explanations come first', () => {
    const trees = [chain(range(32)), stump(0, 0.5, 1, 2)];
    const p = 32;
    const rows = 40;
    const columns = chainRows(p, rows, 5);
    const want = treeShapBatch(trees, makeMatrix(range(p).map(String), columns), 0).contributions;
    const naive = range(rows).map((i) => naiveSum(trees, columns, i));
    for (const sumsFirst of [true, false]) {
      const compiled = compileTrees(trees, p);
      if (sumsFirst) expect(Array.from(walkTrees(compiled, columns, rows, null))).toEqual(naive);
      for (let again = 0; again < 2; again++) {
        const parts = new Float64Array(rows * p);
        expect(Array.from(walkTrees(compiled, columns, rows, parts))).toEqual(naive);
        expect(Array.from(parts)).toEqual(Array.from(want));
      }
      expect(Array.from(walkTrees(compiled, columns, rows, null))).toEqual(naive);
    }
    let total = compileTrees(trees, p).expected;
    for (let j = 0; j < p; j++) total += want[(rows - 1) * p + j];
    expect(total).toBeCloseTo(naive[rows - 1], 12);
  });

  it('explains by quadrature bit for bit at every feature count from 21 to 84, wherever the memory\'s last page ends in its last region', () => {
    // Each feature adds 9,216 bytes before the scratch at the end (bins and parts of 1,024 rows):
    // 64 counts put that scratch's 1,204 bytes (301 nodes) at every 1 KB step of a 64 KB page.
    const tree = chain(range(150).map((i) => i % 21));
    expect(buildShapTables([tree])).toBeNull();
    for (let p = 21; p < 85; p++) expectQuadratureWalk([tree], p, chainRows(p, 4, p), 4);
  });
});

describe('malformed trees', () => {
  const sideBySide = { feature: [0, -1, -1, -1], threshold: [0.5, 0, 0, 0], left: [1, -1, -1, -1], right: [3, -1, -1, -1], value: [0, 1, 2, 3], n: [2, 1, 1, 1] };
  const ownChild = { feature: [0, 1, -1], threshold: [0.5, 0.5, 0], left: [1, 1, -1], right: [2, 2, -1], value: [0, 0, 1], n: [2, 1, 1] };

  it('are refused by the quadrature and the tables with what is wrong', () => {
    const quadrature = new ModelError('a tree whose children do not follow it side by side cannot be explained; retrain it');
    expect(() => buildShapQuadrature([sideBySide])).toThrow(quadrature);
    expect(() => buildShapQuadrature([ownChild])).toThrow(quadrature);
    expect(() => buildShapTables([sideBySide])).toThrow(new ModelError('a tree whose right child does not follow its left child cannot be tabled for TreeSHAP'));
  });
});
