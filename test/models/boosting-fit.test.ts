/**
 * Boosting's fit loop on small data, one thread: the logistic start against scipy and XGBoost
 * (its base_margin), and the rounds replayed by hand from the same seed: which features each tree
 * and node may use, which rows each tree draws, every leaf's Newton value from the margins the
 * earlier trees left, and early stopping's best round on each validation part. Milliseconds each.
 */
import { describe, expect, it } from 'vitest';
import { makeMatrix, takeRows, takeTraining, type FeatureMatrix, type TrainingData } from '../../src/data/matrix.js';
import { stratifiedFolds, stratifiedSplit } from '../../src/data/split.js';
import { BoostingModel, fitBoosting, type BoostingState, type BoostTree } from '../../src/models/boosting/boosting.js';
import { DEFAULT_BOOSTING_PARAMS, type BoostingParams } from '../../src/models/boosting/params.js';
import { Rng } from '../../src/rng.js';

const params = (p: Partial<BoostingParams>): BoostingParams => ({
  ...DEFAULT_BOOSTING_PARAMS, init: 'prior', early_stopping_rounds: 0, workers: 1, min_split_gain: 0, ...p,
});
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** The leaf a raw row reaches: left when value <= threshold, a missing value to the default side. */
function leafOf(t: BoostTree, x: FeatureMatrix, i: number): number {
  let node = 0;
  while (t.feature[node] >= 0) {
    const v = x.columns[t.feature[node]][i];
    const left = Number.isNaN(v) ? t.default_left[node] === 1 : v <= t.threshold[node];
    node = left ? t.left[node] : t.right[node];
  }
  return node;
}

// The 30 rows of boosting-unit's XGBoost tests (numpy default_rng(5); x0 missing in 3 rows, x1 in 1).
const N = Number.NaN;
const x0 = [-0.8, -1.3, -0.2, N, 1.1, 0.1, -0.6, -0.8, 0.7, 1.6, 0.3, N, -1.0, 1.6, 0.2, -1.7, -0.1, -1.2, -0.6, -0.5, N, 0.6, -0.1, -0.6, 0.4, 0.8, -1.6, -0.3, -1.0, -0.2];
const x1 = [-1.3, 0.0, -0.0, -0.3, -1.0, -0.4, -1.1, N, 0.2, -1.1, 1.2, 0.7, -2.0, 0.3, -1.1, 0.0, 0.0, -2.0, -0.2, -0.3, 1.0, -1.2, 0.7, -1.1, -0.3, -0.8, 1.4, 0.6, 2.4, 0.6];
const y30 = Uint8Array.from([1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
const data30: TrainingData = { x: makeMatrix(['x0', 'x1'], [Float64Array.from(x0), Float64Array.from(x1)]), y: y30 };

describe('boosting from a logistic start', () => {
  // Reference (Debian scipy 1.10, XGBoost 1.7.4, /usr/bin/python3): missing values replaced by the
  // column's mean over its present values; minimize(−loglik + l2/2·|b|², trust-exact, 5 Newton
  // polishing steps) on columns standardized by the population sd, intercept unpenalized; raw
  // coef = b_j / sd_j; the part's intercept is the margin at the means. Then
  // xgb.train({tree_method: exact, max_depth: 1, eta: 1, lambda: 1, min_child_weight: 0},
  // DMatrix(X, y, base_margin = intercept + Σ coef_j (x_j − mean_j), a missing x_j adding 0), 1).
  const linear = { coef: [1.241766704521627, -1.2487508563610956], intercept: -0.24966567846669663, mean: [-0.1925925925925926, -0.1758620689655173] };
  const xgb = [0.693411, 0.084226, 0.264964, 0.57972, 0.942722, 0.692073, 0.693114, 0.357174, 0.461952, 0.971985, 0.130341, 0.131787, 0.808747, 0.698513, 0.859136, 0.053002, 0.289842, 0.767373, 0.423321, 0.484978, 0.094501, 0.919065, 0.145508, 0.693114, 0.74221, 0.898308, 0.010911, 0.130817, 0.006622, 0.145595];
  const stump = params({ init: 'logistic', init_l2: 1, rounds: 1, max_depth: 1, learning_rate: 1, l2: 1, min_child_hessian: 0 });

  it('starts from the penalised logistic fit centred at the means, then one stump as XGBoost grows it on that margin', async () => {
    const model = await fitBoosting(data30, stump, new Rng(1));
    const part = model.state.linear;
    expect(part).not.toBeNull();
    part!.coef.forEach((c, j) => expect(c).toBeCloseTo(linear.coef[j], 7));
    part!.mean.forEach((m, j) => expect(m).toBeCloseTo(linear.mean[j], 12));
    expect(part!.intercept).toBeCloseTo(linear.intercept, 7);
    expect(model.state.base_score).toBe(part!.intercept);
    // XGBoost: f1 < −0.1, missing to the left; leaves 0.416271776 and −0.541854501, gain 1.5974.
    const [tree] = model.state.trees;
    expect(tree.feature).toEqual([1, -1, -1]);
    expect(tree.default_left[0]).toBe(1);
    expect(tree.value[1]).toBeCloseTo(0.416271776, 6);
    expect(tree.value[2]).toBeCloseTo(-0.541854501, 6);
    const p = model.predictProba(data30.x);
    xgb.forEach((v, i) => expect(p[i]).toBeCloseTo(v, 5));
    // Its explanation: x0 is never split, so its part is the linear term alone (0 where x0 is missing).
    const e = model.explainBatch(data30.x);
    for (let i = 0; i < 30; i++) {
      const term = Number.isNaN(x0[i]) ? 0 : linear.coef[0] * (x0[i] - linear.mean[0]);
      expect(e.contributions[2 * i]).toBeCloseTo(term, 6);
      expect(e.base + e.contributions[2 * i] + e.contributions[2 * i + 1]).toBeCloseTo(Math.log(p[i] / (1 - p[i])), 10);
    }
  });

  it('leaves out a feature whose coefficient is against its monotone direction, and refits the rest', async () => {
    // x1's coefficient is negative: with monotone {x1: 1} it is left out; scipy on x0 alone (same
    // objective) gives 1.0561508201085306 and the margin −0.14082387681564698 at the means.
    const rising = await fitBoosting(data30, { ...stump, monotone: { x1: 1 } }, new Rng(1));
    expect(rising.state.linear!.coef[0]).toBeCloseTo(1.0561508201085306, 7);
    expect(rising.state.linear!.coef[1]).toBe(0);
    expect(rising.state.linear!.intercept).toBeCloseTo(-0.14082387681564698, 7);
    expect(rising.state.linear!.mean[1]).toBeCloseTo(linear.mean[1], 12);
    // A direction the fit agrees with changes nothing.
    const agreeing = await fitBoosting(data30, { ...stump, monotone: { x0: 1, x1: -1 } }, new Rng(1));
    agreeing.state.linear!.coef.forEach((c, j) => expect(c).toBeCloseTo(linear.coef[j], 7));
  });

  it('gives a constant or empty column no coefficient, and starts from the churn rate when the logistic fit fails', async () => {
    const x = makeMatrix(['x0', 'x1', 'flat', 'empty'], [...data30.x.columns, new Float64Array(30).fill(4), new Float64Array(30).fill(N)]);
    const model = await fitBoosting({ x, y: y30 }, stump, new Rng(1));
    expect(model.state.linear!.coef.slice(2)).toEqual([0, 0]);
    expect(model.state.linear!.mean.slice(2)).toEqual([4, 0]);
    model.state.linear!.coef.slice(0, 2).forEach((c, j) => expect(c).toBeCloseTo(linear.coef[j], 7));
    // Separable rows without a penalty: the logistic fit cannot converge, so no linear part.
    const step = makeMatrix(['t'], [Float64Array.from({ length: 30 }, (_, i) => i)]);
    const separable = await fitBoosting({ x: step, y: Uint8Array.from({ length: 30 }, (_, i) => (i >= 20 ? 1 : 0)) }, { ...stump, init_l2: 0 }, new Rng(1));
    expect(separable.state.linear).toBeNull();
    expect(separable.state.base_score).toBeCloseTo(Math.log(10 / 20), 12);
  });
});

/** 60 rows on small integers (every value in every fold, so a part's cut points are the whole data's). */
function integerRows(): TrainingData {
  const rng = new Rng(17);
  const a = Float64Array.from({ length: 60 }, (_, i) => i % 6);
  const b = Float64Array.from({ length: 60 }, (_, i) => (i * 7) % 5);
  const c = Float64Array.from({ length: 60 }, () => rng.int(4));
  b[13] = N;
  b[40] = N;
  const y = Uint8Array.from({ length: 60 }, (_, i) => (a[i] + (Number.isNaN(b[i]) ? 3 : b[i]) + 2 * rng.next() > 5.5 ? 1 : 0));
  return { x: makeMatrix(['a', 'b', 'c'], [a, b, c]), y };
}

/**
 * The fit replayed from its seed: each round's tree features (a partial Fisher–Yates draw), its
 * rows (a uniform draw per row against `subsample`), each node's features in node order, then
 * every leaf's value −η·G/(H + λ) over the drawn rows reaching it, with gradients at the margins
 * the earlier trees left on every row. Returns the gains per feature.
 */
function replay(data: TrainingData, p: BoostingParams, seed: number, model: BoostingModel): Float64Array {
  const rng = new Rng(seed);
  const { x, y } = data;
  const n = x.rows;
  const f = x.features.length;
  let positives = 0;
  y.forEach((v) => { positives += v; });
  expect(model.state.base_score).toBeCloseTo(Math.log(positives / (n - positives)), 12);
  const margin = new Float64Array(n).fill(model.state.base_score);
  const perTree = Math.max(1, Math.round(p.colsample * f));
  const perNode = Math.max(1, Math.round(p.colsample_bynode * perTree));
  const pick = Array.from({ length: f }, (_, j) => j);
  const gains = new Float64Array(f);
  for (const tree of model.state.trees) {
    let allowed = pick;
    if (perTree < f) {
      for (let k = 0; k < perTree; k++) {
        const swap = k + rng.int(f - k);
        [pick[k], pick[swap]] = [pick[swap], pick[k]];
      }
      allowed = pick.slice(0, perTree);
    } else allowed = pick.slice();
    const drawn = Array.from({ length: n }, (_, i) => i).filter(() => !(p.subsample < 1 && rng.next() >= p.subsample));
    expect(tree.n[0]).toBe(drawn.length);
    // Each node's features, drawn afresh in node order from the tree's.
    const nodePool = allowed.slice().sort((u, v) => u - v);
    const usableAt: number[][] = [];
    for (let node = 0; node < tree.feature.length; node++) {
      let usable = nodePool;
      if (perNode < nodePool.length) {
        for (let k = 0; k < perNode; k++) {
          const swap = k + rng.int(nodePool.length - k);
          [nodePool[k], nodePool[swap]] = [nodePool[swap], nodePool[k]];
        }
        usable = nodePool.slice(0, perNode);
      }
      if (tree.feature[node] >= 0) expect(usable).toContain(tree.feature[node]);
      usableAt.push(usable.slice());
    }
    // Every node's G, H and rows from the drawn rows, at the margins before this tree.
    const g = new Float64Array(tree.feature.length);
    const h = new Float64Array(tree.feature.length);
    const count = new Int32Array(tree.feature.length);
    const rowsAt: number[][] = tree.feature.map(() => []);
    for (const i of drawn) {
      const q = sigmoid(margin[i]);
      let node = 0;
      for (;;) {
        g[node] += q - y[i];
        h[node] += Math.max(q * (1 - q), 1e-16);
        count[node]++;
        rowsAt[node].push(i);
        if (tree.feature[node] < 0) break;
        const v = x.columns[tree.feature[node]][i];
        node = (Number.isNaN(v) ? tree.default_left[node] === 1 : v <= tree.threshold[node]) ? tree.left[node] : tree.right[node];
      }
    }
    const score = (node: number): number => (g[node] * g[node]) / (h[node] + p.l2);
    const depth = new Int32Array(tree.feature.length);
    tree.feature.forEach((f, node) => { if (f >= 0) depth[tree.left[node]] = depth[tree.right[node]] = depth[node] + 1; });
    // Each split the best of its node's candidates: every cut between two present values of the
    // node's features, missing values to either side, children of at least min_child_hessian.
    const bestGain = (node: number, features: number[], rowsAt: number[], q: (i: number) => number): number => {
      let best = 0;
      const side = (gs: number, hs: number): number => (gs * gs) / (hs + p.l2);
      for (const j of features) {
        const values = [...new Set(Array.from(x.columns[j]).filter((v) => !Number.isNaN(v)))].sort((u, v) => u - v);
        for (const cut of values.slice(0, -1)) {
          for (const missingLeft of [true, false]) {
            let gl = 0; let hl = 0;
            for (const i of rowsAt) {
              const v = x.columns[j][i];
              if (Number.isNaN(v) ? missingLeft : v <= cut) { gl += q(i) - y[i]; hl += Math.max(q(i) * (1 - q(i)), 1e-16); }
            }
            const [gr, hr] = [g[node] - gl, h[node] - hl];
            if (hl < p.min_child_hessian || hr < p.min_child_hessian) continue;
            best = Math.max(best, side(gl, hl) + side(gr, hr) - side(g[node], h[node]));
          }
        }
      }
      return best;
    };
    for (let node = 0; node < tree.feature.length; node++) {
      expect(tree.n[node]).toBe(count[node]);
      if (tree.feature[node] < 0) {
        expect(tree.value[node]).toBeCloseTo((-p.learning_rate * g[node]) / (h[node] + p.l2), 10);
        // A leaf that could split (above max_depth, two rows, twice min_child_hessian) has no candidate that gains more than min_split_gain.
        if (depth[node] < p.max_depth && count[node] >= 2 && h[node] >= 2 * p.min_child_hessian) {
          expect(bestGain(node, usableAt[node], rowsAt[node], (i) => sigmoid(margin[i]))).toBeLessThan(p.min_split_gain + 1e-9);
        }
      } else {
        expect(tree.value[node]).toBe(0);
        const gain = score(tree.left[node]) + score(tree.right[node]) - score(node);
        expect(gain).toBeGreaterThanOrEqual(bestGain(node, usableAt[node], rowsAt[node], (i) => sigmoid(margin[i])) - 1e-9);
        gains[tree.feature[node]] += gain;
      }
    }
    for (let i = 0; i < n; i++) margin[i] += tree.value[leafOf(tree, x, i)];
  }
  const total = gains.reduce((s, v) => s + v, 0);
  model.state.gain_importance.forEach((v, j) => expect(v).toBeCloseTo(gains[j] / total, 8));
  return gains;
}

describe('boosting rounds replayed from the seed', () => {
  const data = integerRows();
  const base = { rounds: 4, max_depth: 2, learning_rate: 0.5, l2: 1, min_child_hessian: 0.2 };

  it('on every row: each leaf the Newton step of its rows, each margin carried to the next tree', async () => {
    const p = params(base);
    const model = await fitBoosting(data, p, new Rng(3));
    expect(model.state.trees).toHaveLength(4);
    expect(model.state.best_round).toBe(4);
    replay(data, p, 3, model);
  });

  it('on every row with a hessian floor that stops one child and not its sibling: only a split whose children must both be leaves skips its partition', async () => {
    // min_child_hessian 1.5: a child of fewer than about 12 rows (hessian under 3) cannot split.
    const p = params({ ...base, max_depth: 4, min_child_hessian: 1.5 });
    const model = await fitBoosting(data, p, new Rng(3));
    replay(data, p, 3, model);
    // A split with one child a leaf above the depth limit and the other split again: the mixed case.
    const mixed = model.state.trees.some((t) => t.feature.some((f, k) => f >= 0 && (t.feature[t.left[k]] < 0) !== (t.feature[t.right[k]] < 0)));
    expect(mixed).toBe(true);
  });

  it('on every row when later trees are their root alone (no split gains min_split_gain 5): each still moves every margin', async () => {
    const p = params({ ...base, max_depth: 1, rounds: 6, min_split_gain: 5 });
    const model = await fitBoosting(data, p, new Rng(3));
    replay(data, p, 3, model);
    const roots = model.state.trees.filter((t) => t.feature.length === 1).map((t) => t.value[0]);
    expect(roots.length).toBeGreaterThanOrEqual(2);
    expect(roots[1]).not.toBeCloseTo(roots[0], 6); // the second root leaf starts where the first left the margins
  });

  it('on a drawn share of the rows (subsample): the drawn rows grow the tree, every row\'s margin moves', async () => {
    for (const subsample of [0.5, 0.8]) {
      const p = params({ ...base, subsample });
      const model = await fitBoosting(data, p, new Rng(5));
      const gains = replay(data, p, 5, model);
      expect(model.state.trees.some((t) => t.n[0] < 60)).toBe(true);
      expect(gains.some((g) => g > 0)).toBe(true);
    }
  });

  it('on a drawn share of the features per tree (colsample) and per node (colsample_bynode)', async () => {
    for (const [colsample, bynode] of [[0.67, 1], [1, 0.34], [1, 0.67], [0.67, 0.5]]) {
      const p = params({ ...base, rounds: 6, colsample, colsample_bynode: bynode, subsample: 0.9 });
      const model = await fitBoosting(data, p, new Rng(8));
      replay(data, p, 8, model);
      // Two features a tree (round(0.67 × 3)), or two of the three a node.
      const used = model.state.trees.map((t) => new Set(t.feature.filter((v) => v >= 0)).size);
      if (colsample < 1) expect(Math.max(...used)).toBeLessThanOrEqual(2);
    }
    // Without subsampling no row is drawn: the feature draws follow one another. They differ from
    // round to round: over six trees of two features each, all three are used.
    const p = params({ ...base, rounds: 6, colsample: 0.67, colsample_bynode: 0.5 });
    const model = await fitBoosting(data, p, new Rng(8));
    replay(data, p, 8, model);
    expect(new Set(model.state.trees.flatMap((t) => t.feature.filter((v) => v >= 0)))).toEqual(new Set([0, 1, 2]));
  });
});

describe('early stopping replayed on its validation parts', () => {
  const data = integerRows();
  const logLoss = (y: Uint8Array, z: Float64Array): number => {
    let s = 0;
    z.forEach((m, i) => { const q = sigmoid(m); s -= y[i] === 1 ? Math.log(q) : Math.log(1 - q); });
    return s / z.length;
  };

  /** Each part fitted alone for all rounds; its validation loss after each; the best round as the rule reads it. */
  async function bestOf(p: BoostingParams, seed: number): Promise<{ rounds: number[]; losses: number[] }> {
    const s = new Rng(seed).nextUint32();
    const parts = p.stopping_folds > 1 ? stratifiedFolds(data.y, p.stopping_folds, s) : [stratifiedSplit(data.y, p.validation_fraction, s)];
    const rounds: number[] = [];
    const losses: number[] = [];
    for (const part of parts) {
      const train = takeTraining(data, part.train);
      // Every present value of every feature is in the part, so its cut points are the whole data's.
      const present = (c: Float64Array): Set<number> => new Set(Array.from(c).filter((v) => !Number.isNaN(v)));
      train.x.columns.forEach((c, j) => expect(present(c)).toEqual(present(data.x.columns[j])));
      const alone = await fitBoosting(train, { ...p, early_stopping_rounds: 0 }, new Rng(1));
      const test = takeRows(data.x, part.test);
      const yTest = Uint8Array.from(part.test, (i) => data.y[i]);
      let best = 0;
      let bestLoss = Infinity;
      for (let k = 1; k <= p.rounds; k++) {
        const loss = logLoss(yTest, new BoostingModel({ ...alone.state, trees: alone.state.trees.slice(0, k) }).margin(test));
        if (loss < bestLoss) [best, bestLoss] = [k, loss];
        else if (k - best >= p.early_stopping_rounds) break;
      }
      rounds.push(best);
      losses.push(bestLoss);
    }
    return { rounds, losses };
  }

  for (const [folds, patience] of [[1, 1], [1, 2], [3, 3]]) {
    it(`keeps the parts' mean best round and loss, then boosts every row that long (${folds} part(s), patience ${patience})`, async () => {
      const p = params({ rounds: 30, max_depth: 3, learning_rate: 0.7, l2: 0.1, min_child_hessian: 0, early_stopping_rounds: patience, stopping_folds: folds, validation_fraction: 0.3 });
      const { rounds, losses } = await bestOf(p, 9);
      const mean = Math.max(1, Math.round(rounds.reduce((s, r) => s + r, 0) / rounds.length));
      expect(mean).toBeLessThan(30); // the parts stopped early
      const model = await fitBoosting(data, p, new Rng(9));
      expect(model.state.best_round).toBe(mean);
      expect(model.state.validation_log_loss).toBeCloseTo(losses.reduce((s, l) => s + l, 0) / losses.length, 8);
      const all = await fitBoosting(data, { ...p, rounds: mean, early_stopping_rounds: 0 }, new Rng(9));
      expect(model.state.trees).toEqual(all.state.trees);
    });
  }
});

describe('leaf-wise and depth-wise growth under a leaf budget', () => {
  // 48 rows, x = i mod 12; churn at x = 4, 5, 8, 9, and rows 12 (x = 0) and 23 (x = 11), not row 21 (x = 9).
  const x = Float64Array.from({ length: 48 }, (_, i) => i % 12);
  const y = Uint8Array.from(x, (v, i) => (i === 21 ? 0 : [0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0][v] === 1 || i === 12 || i === 23 ? 1 : 0));
  const data: TrainingData = { x: makeMatrix(['x'], [x]), y };
  const budget = (leaves: number, growth: 'leafwise' | 'depthwise'): BoostingParams =>
    params({ rounds: 1, max_depth: growth === 'leafwise' ? 0 : 16, max_leaves: leaves, growth, learning_rate: 1, l2: 1, min_child_hessian: 0 });

  it('leaf-wise splits the best leaf wherever it is, as XGBoost\'s lossguide does; depth-wise splits a level first', async () => {
    // xgb.train({tree_method: hist, grow_policy: lossguide, max_leaves: 4 | 5, max_depth: 0, eta: 1,
    // lambda: 1, min_child_weight: 0, base_score: 17/48}, 1 round): P(churn) for x = 0..11.
    const lossguide = {
      4: [0.167665, 0.167665, 0.167665, 0.167665, 0.772941, 0.772941, 0.167702, 0.167702, 0.475014, 0.475014, 0.475014, 0.475014],
      5: [0.167665, 0.167665, 0.167665, 0.167665, 0.772941, 0.772941, 0.167702, 0.167702, 0.705082, 0.705082, 0.222938, 0.222938],
    };
    for (const leaves of [4, 5] as const) {
      const model = await fitBoosting(data, budget(leaves, 'leafwise'), new Rng(1));
      const p = model.predictProba(data.x);
      for (let i = 0; i < 48; i++) expect(p[i]).toBeCloseTo(lossguide[leaves][i % 12], 5);
      expect(model.state.trees[0].feature.filter((f) => f < 0)).toHaveLength(leaves);
    }
    // Depth-wise with 4 leaves: both children of the root (x ≤ 3.5 and x > 3.5) split before any
    // grandchild, so the nearly pure left side (one churner at x = 0) is cut at 0.5.
    const depthwise = await fitBoosting(data, budget(4, 'depthwise'), new Rng(1));
    const [dw] = depthwise.state.trees;
    expect(dw.threshold.filter((t, k) => dw.feature[k] >= 0)).toEqual([3.5, 0.5, 5.5]);
    // Numbered level by level in node order (as XGBoost numbers its dump), though the right child gains more.
    expect(dw.left).toEqual([1, 3, 5, -1, -1, -1, -1]);
  });
});

describe('small nodes and ties against XGBoost on 8 rows (x = 0..7, half churners: every gradient ±0.5, hessian 0.25)', () => {
  const x = makeMatrix(['x'], [Float64Array.from({ length: 8 }, (_, i) => i)]);
  const tree = (p: Partial<BoostingParams>): BoostingParams => params({ rounds: 1, learning_rate: 1, l2: 1, ...p });
  const expectClose = (got: Float64Array, want: number[]): void => want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));

  it('splits a node of two rows whose hessian is exactly twice min_child_hessian (XGBoost exact, depth 3, min_child_weight 0.25)', async () => {
    const y = Uint8Array.of(1, 1, 1, 0, 1, 0, 0, 0);
    const model = await fitBoosting({ x, y }, tree({ max_depth: 3, min_child_hessian: 0.25 }), new Rng(1));
    // XGBoost: x < 4.5, then x < 2.5, then the two rows 3 and 4 (hessian 0.5) at x < 3.5.
    expectClose(model.predictProba(x), [0.702063, 0.702063, 0.702063, 0.401312, 0.598688, 0.297937, 0.297937, 0.297937]);
  });

  it('splits the older of two leaves of equal gain first, leaf-wise (as lossguide does) and depth-wise, and stops when no leaf gains', async () => {
    // The root's children {0..3} and {4..7} mirror each other: their best splits gain exactly as much (0.9857).
    const y = Uint8Array.of(1, 0, 0, 0, 1, 1, 1, 0);
    const older = [0.598688, 0.297937, 0.297937, 0.297937, 0.622459, 0.622459, 0.622459, 0.622459]; // XGBoost lossguide, 3 leaves
    expectClose((await fitBoosting({ x, y }, tree({ growth: 'leafwise', max_depth: 0, max_leaves: 3, min_child_hessian: 0 }), new Rng(1))).predictProba(x), older);
    expectClose((await fitBoosting({ x, y }, tree({ max_depth: 2, max_leaves: 3, min_child_hessian: 0 }), new Rng(1))).predictProba(x), older);
    // No limit at all: four leaves, then every leaf is pure or one row (XGBoost lossguide, max_leaves 0, max_depth 0).
    const unlimited = await fitBoosting({ x, y }, tree({ growth: 'leafwise', max_depth: 0, max_leaves: 0, min_child_hessian: 0 }), new Rng(1));
    expectClose(unlimited.predictProba(x), [0.598688, 0.297937, 0.297937, 0.297937, 0.702063, 0.702063, 0.702063, 0.401312]);
    expect(unlimited.state.trees[0].feature.filter((f) => f < 0)).toHaveLength(4);
  });
});

describe('a boosting model as the rest of churnscope reads it', () => {
  it('reads back from its JSON, explains one row on the log-odds scale, ranks importance largest first, marks leaves with -1', async () => {
    const x = makeMatrix(['flat', 'x0', 'x1'], [new Float64Array(30).fill(2), ...data30.x.columns]);
    const model = await fitBoosting({ x, y: y30 }, params({ rounds: 3, max_depth: 2, learning_rate: 0.5, l2: 1, min_child_hessian: 0.5 }), new Rng(1));
    const back = BoostingModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as BoostingState);
    expect([back.kind, back.state.kind]).toEqual(['gradient_boosting', 'gradient_boosting']);
    expect(Array.from(back.predictProba(x))).toEqual(Array.from(model.predictProba(x)));
    const batch = model.explainBatch(x);
    const row = model.explain(x, 4);
    expect([batch.scale, row.scale]).toEqual(['log_odds', 'log_odds']);
    expect(row.contributions.map((c) => [c.feature, c.contribution])).toEqual(['flat', 'x0', 'x1'].map((f, j) => [f, batch.contributions[4 * 3 + j]]));
    const g = model.globalImportance() as { gain: { feature: string; importance: number }[]; best_round: number };
    expect(g.gain.map((r) => r.feature)).toEqual(['x1', 'x0', 'flat']);
    expect(g.gain.map((r) => r.importance)).toEqual([model.state.gain_importance[2], model.state.gain_importance[1], 0]);
    expect(g.best_round).toBe(3);
    for (const t of model.state.trees) {
      for (const a of [t.threshold, t.default_left, t.left, t.right, t.value, t.n]) expect(a).toHaveLength(t.feature.length);
      t.feature.forEach((f, k) => {
        if (f < 0) expect([t.left[k], t.right[k], t.default_left[k]]).toEqual([-1, -1, 0]);
        else expect(t.right[k]).toBe(t.left[k] + 1);
      });
    }
  });

  it('starts all churners (or none) at a clamped rate, and gives no importance when nothing splits', async () => {
    const x = makeMatrix(['flat'], [new Float64Array(20).fill(1)]);
    const all = await fitBoosting({ x, y: new Uint8Array(20).fill(1) }, params({ rounds: 2 }), new Rng(1));
    expect(all.state.base_score).toBeCloseTo(Math.log((1 - 1e-6) / 1e-6), 9); // 13.8155…, not +∞
    expect(all.state.gain_importance).toEqual([0]);
    const none = await fitBoosting({ x, y: new Uint8Array(20) }, params({ rounds: 2 }), new Rng(1));
    expect(none.state.base_score).toBeCloseTo(Math.log(1e-6 / (1 - 1e-6)), 9);
  });
});

describe('boosting\'s refusals', () => {
  it('refuses zero rows, a monotone feature it does not have, and too few rows to hold out', async () => {
    await expect(fitBoosting({ x: makeMatrix(['a'], [new Float64Array(0)]), y: new Uint8Array(0) }, params({}), new Rng(1))).rejects.toThrow('cannot fit gradient boosting on zero rows');
    await expect(fitBoosting(data30, params({ monotone: { x2: 1 } }), new Rng(1))).rejects.toThrow(expect.objectContaining({ message: 'monotone names the feature "x2", which the model does not have; features: x0, x1', context: { key: 'model_params.gradient_boosting.monotone.x2' } }));
    const stopping = { message: 'too few rows to hold out a validation part for early stopping; set early_stopping_rounds to 0', context: { key: 'model_params.gradient_boosting.early_stopping_rounds' } };
    const three = { x: makeMatrix(['a'], [Float64Array.of(1, 2, 3)]), y: Uint8Array.of(0, 1, 0) };
    // Five folds of three rows: some fold holds out nothing.
    await expect(fitBoosting(three, params({ early_stopping_rounds: 5, stopping_folds: 5 }), new Rng(1))).rejects.toThrow(expect.objectContaining(stopping));
    // Half of one churner and one stayer rounds up to each: nothing is left to train on.
    const two = { x: makeMatrix(['a'], [Float64Array.of(1, 2)]), y: Uint8Array.of(0, 1) };
    await expect(fitBoosting(two, params({ early_stopping_rounds: 5, stopping_folds: 1, validation_fraction: 0.5 }), new Rng(1))).rejects.toThrow(expect.objectContaining(stopping));
  });
});

describe('monotone constraints through the tree', () => {
  // XGBoost 1.7.4 (Debian, /usr/bin/python3) on the same 30 rows: xgb.train({objective:
  // binary:logistic, tree_method: exact, max_depth: 4, eta: 1, lambda: 1, min_child_weight: 0,
  // base_score: mean(y), monotone_constraints: '(1,-1)'}, DMatrix(X, y), 3).predict. Each node's
  // bounds come from its ancestors' splits (a child bounded at the parent's children's midpoint):
  // a node's bounds read from another node's change these predictions. Without the constraints
  // XGBoost gives other ones (0.889915 for the first row), so the constraints bind here.
  const xgb = [0.828766286, 0.059556469, 0.059556469, 0.696430504, 0.944939971, 0.757312596, 0.757312596, 0.828766286, 0.81610477, 0.944939971, 0.059556469, 0.159064814, 0.828766286, 0.81610477, 0.757312596, 0.059556469, 0.059556469, 0.342218071, 0.299050093, 0.299050093, 0.159064814, 0.944939971, 0.059556469, 0.757312596, 0.299050093, 0.944939971, 0.059556469, 0.059556469, 0.059556469, 0.059556469];

  it('bounds every node by its own ancestors, as XGBoost does, three rounds at depth 4', async () => {
    const model = await fitBoosting(data30, params({ monotone: { x0: 1, x1: -1 }, rounds: 3, max_depth: 4, learning_rate: 1, l2: 1, min_child_hessian: 0 }), new Rng(1));
    const p = model.predictProba(data30.x);
    xgb.forEach((v, i) => expect(p[i]).toBeCloseTo(v, 6));
    const free = await fitBoosting(data30, params({ rounds: 3, max_depth: 4, learning_rate: 1, l2: 1, min_child_hessian: 0 }), new Rng(1));
    expect(free.predictProba(data30.x)[0]).toBeCloseTo(0.889915, 6);
  });
});

describe('a level wider than one pool job', () => {
  it('splits a level of 3,358 nodes in groups, as XGBoost grows the same tree', async () => {
    // 15 features, the bits of the row number (every combination once), random labels: each split
    // halves its node, so level 12 holds up to 4,096 nodes of 8 rows, more than the 2,048 a job
    // searches at once. XGBoost 1.7.4 on these rows (exact and hist alike; max_depth 13, eta 1,
    // lambda 0, min_child_weight 0, base_score mean(y), one round): 7,395 splits, 7,396 leaves,
    // training log-loss 0.48047359762676933 (float32).
    const bits = 15;
    const n = 1 << bits;
    const columns = Array.from({ length: bits }, (_, b) => Float64Array.from({ length: n }, (_, i) => (i >> b) & 1));
    const rng = new Rng(7);
    const y = Uint8Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
    const x = makeMatrix(columns.map((_, b) => `b${b}`), columns);
    const model = await fitBoosting({ x, y }, params({ rounds: 1, max_depth: 13, learning_rate: 1, l2: 0, min_child_hessian: 0 }), new Rng(1));
    const [tree] = model.state.trees;
    const depth = new Int32Array(tree.feature.length);
    const splitsAt = new Int32Array(13);
    tree.feature.forEach((f, k) => {
      if (f < 0) return;
      depth[tree.left[k]] = depth[tree.right[k]] = depth[k] + 1;
      splitsAt[depth[k]]++;
    });
    expect(tree.feature.filter((f) => f >= 0).length).toBe(7395);
    expect(tree.feature.filter((f) => f < 0).length).toBe(7396);
    expect(splitsAt[12]).toBe(3358);
    const p = model.predictProba(x);
    let loss = 0;
    for (let i = 0; i < n; i++) loss -= Math.log(y[i] === 1 ? p[i] : 1 - p[i]);
    expect(loss / n).toBeCloseTo(0.48047359762676933, 7);
  });
});
