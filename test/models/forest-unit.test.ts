/**
 * The forest on small data, on one thread (so every step runs where a test can see it): quantile
 * cuts by hand, what every grown tree must satisfy (depth, leaf size, node values from its
 * bootstrap rows, splits on cut points), the walk against the definition, and the compile errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeMatrix } from '../../src/data/matrix.js';
import { binColumns, cutPoints } from '../../src/models/forest/binning.js';
import { DEFAULT_FOREST_PARAMS, fitForest, ForestModel, predictForestBatch, type ForestState } from '../../src/models/forest/forest.js';
import { leafOfBinned, treeSeed } from '../../src/models/forest/grow.js';
import { growTree, leafOf, type Tree } from '../../src/models/forest/tree.js';
import { compileTrees } from '../../src/models/trees/tree-walk.js';
import { auc } from '../../src/evaluate/metrics.js';
import { treeShapBatch } from '../../src/models/trees/tree-shap.js';
import { Rng } from '../../src/rng.js';

const F = (a: number[]): Float64Array => Float64Array.from(a);

describe('cut points and bins', () => {
  it('cuts between distinct values; past maxBins, at quantiles, never inside a run of equal values', () => {
    expect(Array.from(cutPoints(F([2, 1, 2, Number.NaN, 3]), 255))).toEqual([1.5, 2.5]);
    expect(Array.from(cutPoints(F([4, 4, Number.NaN]), 255))).toEqual([]);
    // 0..9 in 4 bins: quantile positions floor(q·10/4) = 2, 5, 7 -> between 1|2, 4|5, 6|7.
    expect(Array.from(cutPoints(F([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]), 4))).toEqual([1.5, 4.5, 6.5]);
    // Positions 2 and 5 fall inside the run of 1s: no cut there; position 7 cuts 1|2.
    expect(Array.from(cutPoints(F([0, 1, 1, 1, 1, 1, 1, 2, 3, 4]), 4))).toEqual([1.5]);
    // Exactly maxBins distinct values still cut between each pair.
    expect(Array.from(cutPoints(F([1, 2, 3, 4]), 4))).toEqual([1.5, 2.5, 3.5]);
    // Quantile positions 1 and 2 of 4 values in 3 bins cut 1−2⁻⁵³|1 and 1|1+2⁻⁵²: both midpoints
    // round to 1 (ties to even), which is cut once.
    expect(Array.from(cutPoints(F([1 - 2 ** -53, 1, 1 + 2 ** -52, 5]), 3))).toEqual([1]);
    // Five distinct values past 4 bins, every quantile position (251, 502, 753 of 1,004) inside the zeros: no cut.
    expect(Array.from(cutPoints(F([...Array(1000).fill(0), 1, 2, 3, 4]), 4))).toEqual([]);
  });

  it('cuts as the plain definition does (sort, distinct midpoints or quantiles), with or without the few-values pass', () => {
    // The definition, written the slow way: sort everything, then read the cuts off.
    const plain = (c: Float64Array, maxBins: number): number[] => {
      const sorted = Float64Array.from(c.filter((v) => !Number.isNaN(v))).sort();
      const distinct = Array.from(sorted).filter((v, i) => i === 0 || v !== sorted[i - 1]);
      if (distinct.length <= maxBins) return distinct.slice(1).map((v, k) => (distinct[k] + v) / 2);
      const cuts: number[] = [];
      for (let q = 1; q < maxBins; q++) {
        const i = Math.floor((q * sorted.length) / maxBins);
        const mid = (sorted[i - 1] + sorted[i]) / 2;
        if (sorted[i - 1] !== sorted[i] && (cuts.length === 0 || mid > cuts[cuts.length - 1])) cuts.push(mid);
      }
      return cuts;
    };
    const value = fc.oneof(fc.constantFrom(0, -0, 1, Number.NaN, Infinity, -Infinity), fc.integer({ min: -40, max: 40 }), fc.double({ noNaN: true }));
    fc.assert(fc.property(fc.array(value, { maxLength: 400 }), fc.integer({ min: 2, max: 40 }), (values, maxBins) => {
      const c = Float64Array.from(values);
      expect(Array.from(cutPoints(c, maxBins))).toEqual(plain(c, maxBins));
    }), { numRuns: 300 });
  });

  it('bins each value by the cuts below it, NaN in the first bin', () => {
    const b = binColumns([F([1, 2, 3, Number.NaN]), F([5, 5, 5, 5])], 255, false);
    expect(b.rows).toBe(4);
    expect(b.thresholds.map((t) => Array.from(t))).toEqual([[1.5, 2.5], []]);
    expect(b.bins.map((c) => Array.from(c))).toEqual([[0, 1, 2, 0], [0, 0, 0, 0]]);
    expect(binColumns([F([1, 2])], 255, true).bins[0].buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(binColumns([], 255, false)).toEqual({ rows: 0, bins: [], thresholds: [] });
  });

  it('bins at the forest\'s max_bins, at most 256 bins (a byte)', () => {
    // 0..7 in 4 bins: quantile positions floor(q·8/4) = 2, 4, 6 -> between 1|2, 3|4, 5|6.
    const four = binColumns([F([0, 1, 2, 3, 4, 5, 6, 7])], 4, false);
    expect(Array.from(four.thresholds[0])).toEqual([1.5, 3.5, 5.5]);
    expect(Array.from(four.bins[0])).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    // 300 distinct values and max_bins 1,000: 255 quantile cuts, bins 0..255.
    const many = binColumns([F(Array.from({ length: 300 }, (_, i) => i))], 1000, false);
    expect(many.thresholds[0].length).toBe(255);
    expect(Math.max(...many.bins[0])).toBe(255);
  });
});

describe('a grown tree', () => {
  // 120 rows: x0 decides churn above 5 (with a few exceptions), x1 is noise.
  const rng = new Rng(11);
  const x0 = F(Array.from({ length: 120 }, (_, i) => i % 11));
  const x1 = F(Array.from({ length: 120 }, () => rng.int(7)));
  const y = Uint8Array.from(x0, (v, i) => (v > 5 ? (i % 17 === 0 ? 0 : 1) : i % 13 === 0 ? 1 : 0));
  const binned = (): ReturnType<typeof binColumns> => binColumns([x0, x1], 255, false);

  function check(tree: Tree, inBag: Uint8Array, params: { maxDepth: number; minSamplesLeaf: number }, cuts: readonly Float64Array[]): void {
    // One entry per node in every array (the model file's), and -1 children at the leaves.
    for (const a of [tree.threshold, tree.left, tree.right, tree.value, tree.n]) expect(a).toHaveLength(tree.feature.length);
    tree.feature.forEach((f, node) => { if (f < 0) expect([tree.left[node], tree.right[node]]).toEqual([-1, -1]); });
    const total = inBag.reduce((a, b) => a + b, 0);
    expect(total).toBe(120); // n draws with replacement
    expect(tree.n[0]).toBe(120);
    let positives = 0;
    inBag.forEach((k, i) => { positives += k * y[i]; });
    expect(tree.value[0]).toBeCloseTo(positives / 120, 9);
    const depthOf = (node: number, d: number): number => {
      if (tree.feature[node] < 0) {
        expect(tree.n[node]).toBeGreaterThanOrEqual(params.minSamplesLeaf);
        return d;
      }
      const [l, r] = [tree.left[node], tree.right[node]];
      expect(r).toBe(l + 1);
      expect(tree.n[l] + tree.n[r]).toBe(tree.n[node]);
      expect(tree.n[l] * tree.value[l] + tree.n[r] * tree.value[r]).toBeCloseTo(tree.n[node] * tree.value[node], 6);
      expect(Array.from(cuts[tree.feature[node]])).toContain(tree.threshold[node]);
      expect(tree.value[node]).toBeGreaterThan(0); // pure nodes are leaves
      expect(tree.value[node]).toBeLessThan(1);
      return Math.max(depthOf(l, d + 1), depthOf(r, d + 1));
    };
    expect(depthOf(0, 0)).toBeLessThanOrEqual(params.maxDepth);
  }

  it('keeps depth, leaf size and node values true to its bootstrap rows', () => {
    const b = binned();
    for (const params of [{ maxDepth: 1, minSamplesLeaf: 1 }, { maxDepth: 3, minSamplesLeaf: 10 }, { maxDepth: 12, minSamplesLeaf: 1 }]) {
      for (const seed of [1, 2, 3]) {
        const grown = growTree(b, y, { ...params, mtry: 2 }, seed);
        check(grown.tree, grown.inBag, params, b.thresholds);
        expect(grown.importance[0]).toBeGreaterThan(grown.importance[1]);
      }
    }
    // With both features tried, the root splits the signal at the class boundary, 5 | 6.
    const root = growTree(b, y, { maxDepth: 1, minSamplesLeaf: 1, mtry: 2 }, 4).tree;
    expect([root.feature[0], root.threshold[0], root.feature.length]).toEqual([0, 5.5, 3]);
    // A leaf of 61 rows cannot be split into two of at least 61: the root stays a leaf.
    expect(growTree(b, y, { maxDepth: 5, minSamplesLeaf: 61, mtry: 2 }, 4).tree.feature).toEqual([-1]);
    expect(growTree(b, y, { maxDepth: 0, minSamplesLeaf: 1, mtry: 2 }, 4).tree.feature).toEqual([-1]);
  });

  it('splits the root where the Gini decrease over its bootstrap rows is largest, and counts that decrease as importance', () => {
    const b = binned();
    const gini = (n: number, pos: number): number => (n === 0 ? 0 : n - (pos * pos + (n - pos) * (n - pos)) / n); // n × Gini
    for (const seed of [1, 2, 3]) {
      const { tree, importance, inBag } = growTree(b, y, { maxDepth: 1, minSamplesLeaf: 1, mtry: 2 }, seed);
      // Every candidate (feature, cut) by brute force over the rows, each weighted by its bootstrap count.
      let n = 0;
      let pos = 0;
      inBag.forEach((k, i) => { n += k; pos += k * y[i]; });
      let best = { feature: -1, threshold: Number.NaN, gain: 0 };
      [x0, x1].forEach((x, f) => {
        for (const cut of b.thresholds[f]) {
          let nl = 0;
          let pl = 0;
          inBag.forEach((k, i) => { if (x[i] <= cut) { nl += k; pl += k * y[i]; } });
          const gain = gini(n, pos) - gini(nl, pl) - gini(n - nl, pos - pl);
          if (gain > best.gain) best = { feature: f, threshold: cut, gain };
        }
      });
      expect([tree.feature[0], tree.threshold[0]]).toEqual([best.feature, best.threshold]);
      expect(importance[best.feature]).toBeCloseTo(best.gain, 9);
      expect(importance[1 - best.feature]).toBe(0);
    }
  });

  it('routes rows by value (equal to the threshold: left) and by bin alike', () => {
    const b = binned();
    const { tree } = growTree(b, y, { maxDepth: 12, minSamplesLeaf: 1, mtry: 2 }, 5);
    for (let i = 0; i < 120; i++) expect(leafOfBinned(tree, b, i)).toBe(leafOf(tree, [x0, x1], i));
    const at = F([5.5]);
    const root = growTree(b, y, { maxDepth: 1, minSamplesLeaf: 1, mtry: 2 }, 4).tree;
    expect(leafOf(root, [at, F([0])], 0)).toBe(root.left[0]);
    expect(leafOf(root, [F([5.5000001]), F([0])], 0)).toBe(root.right[0]);
    expect(leafOf(root, [F([Number.NaN]), F([0])], 0)).toBe(root.left[0]);
  });

  it('splits a node of exactly twice the leaf size into two leaves of it, and a feature of two values', () => {
    // Six rows, y = x, three of each: a root of 6 = 2 × 3 rows splits 3 | 3 when its bootstrap drew three of each.
    const x = F([0, 0, 0, 1, 1, 1]);
    const b = binColumns([x], 255, false);
    const y6 = Uint8Array.from(x);
    let seen = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { tree, inBag } = growTree(b, y6, { maxDepth: 3, minSamplesLeaf: 3, mtry: 1 }, seed);
      const zeros = inBag[0] + inBag[1] + inBag[2];
      if (zeros !== 3) {
        expect(tree.feature).toEqual([-1]); // 2 | 4 or worse: a child below 3 rows
        continue;
      }
      seen++;
      expect(tree.feature).toEqual([0, -1, -1]);
      expect(tree.threshold[0]).toBe(0.5);
      expect([tree.n[1], tree.n[2], tree.value[1], tree.value[2]]).toEqual([3, 3, 0, 1]);
    }
    expect(seen).toBeGreaterThan(3);
  });

  it('leaves a node whose features cannot split it (constant) a leaf, and keeps the first of equally good features', () => {
    const flat = binColumns([F([2, 2, 2, 2, 2, 2]), F([7, 7, 7, 7, 7, 7])], 255, false);
    const y6 = Uint8Array.of(0, 1, 0, 1, 0, 1);
    expect(growTree(flat, y6, { maxDepth: 3, minSamplesLeaf: 1, mtry: 2 }, 1).tree.feature).toEqual([-1]);
    // Two copies of one column: the same gains, so the root splits on the feature drawn first
    // (after the n bootstrap draws, the first Fisher–Yates draw picks it).
    const x = F([0, 1, 2, 3, 4, 5, 6, 7]);
    const twins = binColumns([x, x], 255, false);
    const y8 = Uint8Array.of(0, 0, 0, 1, 0, 1, 1, 1);
    const firsts = new Set<number>();
    for (let seed = 1; seed <= 12; seed++) {
      const rng = new Rng(seed);
      for (let i = 0; i < 8; i++) rng.int(8);
      const first = rng.int(2); // pool [0, 1]: position 0 swapped with position rng.int(2)
      const { tree } = growTree(twins, y8, { maxDepth: 1, minSamplesLeaf: 1, mtry: 2 }, seed);
      if (tree.feature[0] < 0) continue;
      expect(tree.feature[0]).toBe(first);
      firsts.add(first);
    }
    expect(firsts).toEqual(new Set([0, 1]));
  });

  it('draws every tree from the forest seed and its index alone', () => {
    // (imul(seed ^ 0x9e3779b9, 0x85ebca6b) + imul(t + 1, 0xc2b2ae35)) mod 2^32, worked in Python:
    // the seeds, and so every saved forest, stay what they were.
    expect([treeSeed(42, 0), treeSeed(42, 3)]).toEqual([2730589350, 3940124485]);
    expect(treeSeed(42, 0)).not.toBe(treeSeed(42, 1));
    expect(treeSeed(42, 3)).toBe(treeSeed(42, 3));
    expect(treeSeed(43, 3)).not.toBe(treeSeed(42, 3));
    expect(treeSeed(42, 3)).toBeGreaterThanOrEqual(0);
  });
});

describe('the forest', () => {
  const rng = new Rng(3);
  const n = 200;
  const signal = F(Array.from({ length: n }, (_, i) => i % 10));
  const noise = F(Array.from({ length: n }, () => rng.int(5)));
  const y = Uint8Array.from(signal, (v, i) => (v >= 5 ? (i % 9 === 0 ? 0 : 1) : i % 11 === 0 ? 1 : 0));
  const x = makeMatrix(['signal', 'noise'], [signal, noise]);

  it('averages its trees: probability, base rate, importance and out-of-bag AUC', async () => {
    const m = await fitForest({ x, y }, { ...DEFAULT_FOREST_PARAMS, trees: 15, maxFeatures: 2, minSamplesLeaf: 2, workers: 1 }, new Rng(8));
    const { trees } = m.state;
    expect(trees).toHaveLength(15);
    // The definition: the mean of each tree's leaf value.
    const p = m.predictProba(x);
    for (const i of [0, 7, 55, 199]) {
      const mean = trees.reduce((s, t) => s + t.value[leafOf(t, x.columns, i)], 0) / trees.length;
      expect(p[i]).toBeCloseTo(mean, 12);
    }
    expect(Array.from(predictForestBatch(trees, x.columns, x.rows))).toEqual(Array.from(p));
    expect(m.state.base_rate).toBeCloseTo(trees.reduce((s, t) => s + t.value[0], 0) / 15, 12);
    expect(m.state.impurity_importance.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(m.state.impurity_importance[0]).toBeGreaterThan(0.8);
    expect(m.state.oob_auc).toBeGreaterThan(0.75);
    expect(m.state.oob_auc).toBeLessThanOrEqual(1);
    const g = m.globalImportance() as { impurity: { feature: string }[]; oob_auc: number };
    expect(g.impurity.map((r) => r.feature)).toEqual(['signal', 'noise']);
    expect(g.oob_auc).toBe(m.state.oob_auc);
  });

  it('is its trees grown one by one from the forest seed: out-of-bag AUC and importance from their bootstraps and gains', async () => {
    const params = { ...DEFAULT_FOREST_PARAMS, trees: 9, maxFeatures: 1, minSamplesLeaf: 3, maxDepth: 4, bins: 6, workers: 1 };
    const m = await fitForest({ x, y }, params, new Rng(8));
    const binned = binColumns(x.columns, 6, false);
    const forestSeed = new Rng(8).nextUint32();
    const grown = Array.from({ length: 9 }, (_, t) => growTree(binned, y, { maxDepth: 4, minSamplesLeaf: 3, mtry: 1 }, treeSeed(forestSeed, t)));
    expect(m.state.trees).toEqual(grown.map((g) => g.tree));
    // Out of bag: each row scored by the trees whose bootstrap left it out, by its bins.
    const rows: number[] = [];
    const scores: number[] = [];
    for (let i = 0; i < n; i++) {
      const out = grown.filter((g) => g.inBag[i] === 0);
      if (out.length === 0) continue;
      rows.push(i);
      scores.push(out.reduce((s, g) => s + g.tree.value[leafOf(g.tree, x.columns, i)], 0) / out.length);
    }
    expect(rows.length).toBeLessThan(n); // some rows are in every bootstrap: they are left out
    expect(m.state.oob_auc).toBe(Math.round(auc(Uint8Array.from(rows, (i) => y[i]), Float64Array.from(scores)) * 1e6) / 1e6);
    const gains = [0, 1].map((j) => grown.reduce((s, g) => s + g.importance[j], 0));
    m.state.impurity_importance.forEach((v, j) => expect(v).toBe(Math.round((gains[j] / (gains[0] + gains[1])) * 1e9) / 1e9));
    expect(m.state.base_rate).toBe(grown.reduce((s, g) => s + g.tree.value[0], 0) / 9);
    // Every row a churner: no split gains, and an AUC of one class is undefined.
    const pure = await fitForest({ x, y: new Uint8Array(n).fill(1) }, { ...params, trees: 2 }, new Rng(8));
    expect(pure.state.impurity_importance).toEqual([0, 0]);
    expect(pure.state.oob_auc).toBeNull(); // one class: AUC undefined
    expect(pure.state.trees.map((t) => t.feature)).toEqual([[-1], [-1]]);
  });

  it('tries round(√p) features by default, and at most p', async () => {
    // One informative feature among nine noise columns: with mtry = 1 some roots miss it; with all 10 tried none do.
    const cols = [signal, ...Array.from({ length: 9 }, (_, k) => F(Array.from({ length: n }, (_, i) => (i * (k + 3)) % 7)))];
    const wide = makeMatrix(cols.map((_, j) => `f${j}`), cols);
    const rootFeatures = async (maxFeatures: 'sqrt' | number): Promise<number[]> =>
      (await fitForest({ x: wide, y }, { ...DEFAULT_FOREST_PARAMS, trees: 12, maxFeatures, workers: 1 }, new Rng(2))).state.trees.map((t) => t.feature[0]);
    expect((await rootFeatures(1)).some((f) => f !== 0)).toBe(true);
    expect(new Set(await rootFeatures(10))).toEqual(new Set([0]));
    expect(new Set(await rootFeatures(50))).toEqual(new Set([0]));
    expect(await rootFeatures('sqrt')).toEqual(await rootFeatures(3)); // round(√10) = 3
  });

  it('grows the same trees on two worker threads, reads back from its JSON, and ranks importance largest first', async () => {
    const params = { ...DEFAULT_FOREST_PARAMS, trees: 3, maxFeatures: 3, maxDepth: 3, workers: 1 };
    const shuffled = makeMatrix(['noise', 'signal', 'flat'], [noise, signal, new Float64Array(n).fill(1)]);
    const one = await fitForest({ x: shuffled, y }, params, new Rng(6));
    const two = await fitForest({ x: shuffled, y }, { ...params, workers: 2 }, new Rng(6));
    // The threads' trees are the one thread's (models/forest.test.ts checks their bytes on Telco).
    // Compared with numbers rather than with `one`: under mutation testing the threads run the
    // unmutated code, so a comparison would blame a mutant of the tree for the thread's difference.
    const shape = (t: Tree): number[] => [t.feature.length, t.feature[0], t.threshold[0], t.n[1]];
    expect(one.state.trees.map(shape)).toEqual([[13, 1, 4.5, 100], [11, 1, 4.5, 113], [13, 1, 4.5, 112]]);
    expect(two.state.trees.map(shape)).toEqual([[13, 1, 4.5, 100], [11, 1, 4.5, 113], [13, 1, 4.5, 112]]);
    const back = ForestModel.fromJSON(JSON.parse(JSON.stringify(one.toJSON())) as ForestState);
    expect([back.kind, back.state.kind]).toEqual(['random_forest', 'random_forest']);
    expect(Array.from(back.predictProba(shuffled))).toEqual(Array.from(one.predictProba(shuffled)));
    const { impurity } = one.globalImportance() as { impurity: { feature: string; importance: number }[] };
    expect(impurity.map((r) => r.feature)).toEqual(['signal', 'noise', 'flat']);
    expect(impurity.map((r) => r.importance)).toEqual([one.state.impurity_importance[1], one.state.impurity_importance[0], 0]);
    // One row's explanation: the batch's parts for that row, on the probability scale.
    const batch = one.explainBatch(shuffled);
    const row = one.explain(shuffled, 7);
    expect(row.scale).toBe('probability');
    expect(batch.scale).toBe('probability');
    expect(row.base).toBe(batch.base);
    expect(row.contributions.map((c) => [c.feature, c.value, c.contribution])).toEqual(['noise', 'signal', 'flat'].map((f, j) => [f, shuffled.columns[j][7], batch.contributions[7 * 3 + j]]));
  });

  it('refuses no rows and no trees, and fits one tree', async () => {
    await expect(fitForest({ x: makeMatrix(['a'], [F([])]), y: new Uint8Array(0) }, DEFAULT_FOREST_PARAMS, new Rng(1))).rejects.toThrow('cannot fit a forest on zero rows');
    await expect(fitForest({ x, y }, { ...DEFAULT_FOREST_PARAMS, trees: 0 }, new Rng(1))).rejects.toThrow(expect.objectContaining({ message: 'a forest needs at least one tree', context: { key: 'model_params.random_forest.trees' } }));
    expect((await fitForest({ x, y }, { ...DEFAULT_FOREST_PARAMS, trees: 1, workers: 1 }, new Rng(1))).state.trees).toHaveLength(1);
  });
});

describe('compiling trees for the walk', () => {
  const stump: Tree = { feature: [0, -1, -1], threshold: [1.5, 0, 0], left: [1, -1, -1], right: [2, -1, -1], value: [0.5, 0.2, 0.9], n: [10, 5, 5] };

  it('walks a hand-made stump: at the threshold left, above it right, NaN left', () => {
    const p = predictForestBatch([stump], [F([1, 1.5, 2, Number.NaN, Number.POSITIVE_INFINITY])], 5);
    expect(Array.from(p)).toEqual([0.2, 0.2, 0.9, 0.2, 0.9]);
    const c = compileTrees([stump, stump], 1);
    expect([c.features, Array.from(c.cuts[0]), Array.from(c.lefts), c.expected]).toEqual([1, [1.5], [1, 1, 2, 1, 1, 2], 2 * 0.55]);
  });

  it('refuses trees it cannot walk', () => {
    const swapped: Tree = { ...stump, left: [2, -1, -1], right: [1, -1, -1] };
    expect(() => compileTrees([swapped], 1)).toThrow('a tree whose right child does not follow its left child cannot be compiled; retrain it');
    expect(() => compileTrees([stump], 65_536)).toThrow('trees over 65536 features cannot be compiled (at most 65535)');
    const many: Tree[] = Array.from({ length: 255 }, (_, k) => ({ ...stump, threshold: [k + 0.5, 0, 0] }));
    expect(() => compileTrees(many, 1)).toThrow('a feature split at 255 distinct thresholds cannot be compiled (at most 254)');
    expect(() => compileTrees(many.slice(0, 254), 1)).not.toThrow();
  });
});

describe('the compiled walk against the definition', () => {
  it('gives each tree\'s leaf value and TreeSHAP parts, averaged, across blocks of 1,024 rows and a ragged tail', async () => {
    const rng = new Rng(21);
    const n = 300;
    const cols = [0, 1, 2].map((j) => F(Array.from({ length: n }, () => rng.int(8 + j))));
    const y = Uint8Array.from({ length: n }, (_, i) => (cols[0][i] + cols[1][i] > 8 ? 1 : 0));
    const m = await fitForest({ x: makeMatrix(['a', 'b', 'c'], cols), y }, { ...DEFAULT_FOREST_PARAMS, trees: 7, minSamplesLeaf: 2, workers: 1 }, new Rng(4));
    const trees = m.state.trees;
    const rows = 2_500;
    const batch = [0, 1, 2].map((j) => F(Array.from({ length: rows }, (_, i) => {
      const pick = rng.int(10);
      if (pick === 0) return Number.NaN;
      if (pick === 1) { const t = trees[rng.int(trees.length)]; const at = t.feature.indexOf(j); if (at >= 0) return t.threshold[at]; }
      return rng.int(10 + j) - 1 + (i % 3) * 0.5;
    })));
    const got = m.explainBatch(makeMatrix(['a', 'b', 'c'], batch));
    const want = treeShapBatch(trees, makeMatrix(['a', 'b', 'c'], batch), 0, 1 / trees.length);
    expect(got.base).toBeCloseTo(want.base, 14);
    for (let i = 0; i < rows; i += 1) {
      let p = 0;
      for (const t of trees) {
        let node = 0;
        while (t.feature[node] >= 0) node = batch[t.feature[node]][i] > t.threshold[node] ? t.right[node] : t.left[node];
        p += t.value[node];
      }
      expect(got.probability?.[i]).toBeCloseTo(p / trees.length, 12);
      for (let j = 0; j < 3; j++) expect(got.contributions[i * 3 + j]).toBeCloseTo(want.contributions[i * 3 + j], 12);
    }
    expect(() => m.predictProba(makeMatrix(['a', 'b'], [batch[0], batch[1]]))).toThrow('the trees take 3 features, the batch has 2');
  });
});
