/**
 * Gradient-boosted trees on the log-loss: each round fits a regression tree to the Newton step
 * (gradients and hessians of the loss at the current margins) over pre-binned features, and adds
 * its shrunk leaf values to every row's margin. A seeded, stratified part of the training rows is
 * held out; boosting stops once its log loss has not improved for `early_stopping_rounds` rounds
 * and keeps the trees up to the best round.
 */
import { availableParallelism } from 'node:os';
import type { FeatureMatrix, TrainingData } from '../../data/matrix.js';
import type { GlobalImportance } from '../../evaluate/files/importance-file.js';
import { stratifiedFolds, stratifiedSplit, type Split } from '../../data/split.js';
import { ConfigError, ModelError } from '../../errors.js';
import type { Rng } from '../../rng.js';
import { cutPoints } from '../forest/binning.js';
import { explainRow, type BatchExplanation, type ChurnModel, type Explanation, type ModelState } from '../model.js';
import { compileTrees, walkTrees, type CompiledTrees } from '../trees/tree-walk.js';
import { binTraining } from './bin-rows.js';
import { addLinear, fitLinearPart, linearContributions, type LinearPart } from './linear-init.js';
import { TreeGrower, type GrownTree } from './grow.js';
import { HistogramPool } from './histogram-pool.js';
import { MISSING_BIN } from './histogram.js';
import type { BoostingParams } from './params.js';
import { sigmoid } from '../sigmoid.js';

/** A fitted tree: go left when value <= threshold, NaN to the default side; right child = left + 1. */
export interface BoostTree {
  feature: number[]; // -1 at leaves
  threshold: number[];
  default_left: number[]; // 1: missing values go left
  left: number[];
  right: number[];
  value: number[]; // leaf values on the log-odds scale (0 at splits)
  n: number[]; // training rows through the node (the cover TreeSHAP weighs by)
}

export interface BoostingState extends ModelState {
  kind: 'gradient_boosting';
  params: BoostingParams;
  features: string[];
  base_score: number; // the margin before any tree at the training means: the linear part's, or the churn rate's log-odds
  linear: LinearPart | null; // init "logistic": the centred linear part the trees start from
  trees: BoostTree[];
  best_round: number; // rounds boosted on all training rows: the validation parts' mean best round, or all rounds

  validation_log_loss: number | null; // at the best round
  gain_importance: number[]; // split gain per feature, normalised to sum 1
}


export class BoostingModel implements ChurnModel {
  readonly kind = 'gradient_boosting' as const;
  readonly features: readonly string[];

  constructor(readonly state: BoostingState) {
    this.features = state.features;
  }

  static fromJSON(state: ModelState): BoostingModel {
    return new BoostingModel(state as BoostingState);
  }

  private compiled: CompiledTrees | null = null;
  private walkable(): CompiledTrees {
    this.compiled ??= compileTrees(this.state.trees, this.features.length);
    return this.compiled;
  }

  /** (base_score + the linear part) + Σ leaf values, the leaves summed in tree order from 0. */
  private marginFrom(x: FeatureMatrix, leaves: Float64Array): Float64Array {
    const z = new Float64Array(x.rows).fill(this.state.base_score);
    if (this.state.linear !== null) addLinear(this.state.linear, x, z);
    for (let i = 0; i < x.rows; i++) z[i] += leaves[i];
    return z;
  }

  margin(x: FeatureMatrix): Float64Array {
    return this.marginFrom(x, walkTrees(this.walkable(), x.columns, x.rows, null));
  }

  predictProba(x: FeatureMatrix): Float64Array {
    return this.margin(x).map(sigmoid);
  }

  explain(x: FeatureMatrix, row: number): Explanation {
    return explainRow(this, x, row);
  }

  /**
   * Exact path-dependent TreeSHAP on the log-odds scale, plus the linear part's centred terms:
   * base + Σ parts = the row's margin. The probabilities come from the same walk, bit for bit
   * those of predictProba.
   */
  explainBatch(x: FeatureMatrix): BatchExplanation {
    const compiled = this.walkable();
    const contributions = new Float64Array(x.rows * this.features.length);
    const leaves = walkTrees(compiled, x.columns, x.rows, contributions);
    if (this.state.linear !== null) linearContributions(this.state.linear, x, contributions);
    return { scale: 'log_odds', base: this.state.base_score + compiled.expected, contributions, probability: this.marginFrom(x, leaves).map(sigmoid) };
  }

  globalImportance(): GlobalImportance {
    return {
      gain: this.features
        .map((feature, j) => ({ feature, importance: this.state.gain_importance[j] }))
        .sort((a, b) => b.importance - a.importance),
      best_round: this.state.best_round,
    };
  }

  toJSON(): BoostingState {
    return this.state;
  }
}

/** The leaf of a binned row in a tree as grown. */
function leafOfBins(t: GrownTree, byFeature: readonly Uint8Array[], row: number): number {
  let node = 0;
  while (t.feature[node] >= 0) {
    const b = byFeature[t.feature[node]][row];
    const left = b === MISSING_BIN ? t.defaultLeft[node] : b <= t.bin[node];
    node = left ? t.left[node] : t.left[node] + 1;
  }
  return node;
}

function logLoss(y: Uint8Array, margin: Float64Array, rows: Int32Array): number {
  let s = 0;
  for (const i of rows) {
    const m = margin[i];
    // log(1 + e^-m) for a churner, log(1 + e^m) otherwise, computed without overflow.
    const z = y[i] === 1 ? -m : m;
    s += z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
  }
  return s / rows.length;
}

function threadCount(params: BoostingParams, p: number): number {
  return Math.max(1, Math.min(params.workers > 0 ? params.workers : availableParallelism(), p, 8));
}

/**
 * The rows early stopping watches: `stopping_folds` stratified folds of the training rows, or
 * with one fold a seeded stratified part of `validation_fraction`.
 */
function validationParts(data: TrainingData, params: BoostingParams, rng: Rng): Split[] {
  const seed = rng.nextUint32();
  const parts = params.stopping_folds > 1 ? stratifiedFolds(data.y, params.stopping_folds, seed) : [stratifiedSplit(data.y, params.validation_fraction, seed)];
  if (parts.some((s) => s.train.length === 0 || s.test.length === 0)) {
    throw new ModelError('too few rows to hold out a validation part for early stopping; set early_stopping_rounds to 0', { key: 'model_params.gradient_boosting.early_stopping_rounds' });
  }
  return parts;
}

interface Boosted {
  trees: GrownTree[];
  baseScore: number;
  linear: LinearPart | null;
  bestRound: number; // 1-based; the trees kept
  bestLoss: number; // validation log loss at the best round (NaN without validation)
}

/**
 * Boosts on `fitRows` for up to `rounds` rounds; with validation rows, stops once their log loss
 * has not improved for `patience` rounds and keeps the trees up to the best round.
 */
async function boost(
  grower: TreeGrower, pool: HistogramPool, bins: readonly Uint8Array[], data: TrainingData, params: BoostingParams, monotone: Int8Array,
  fitRows: Int32Array, validRows: Int32Array | null, rounds: number, rng: Rng,
): Promise<Boosted> {
  const { x, y } = data;
  const n = x.rows;
  const p = x.features.length;
  let positives = 0;
  for (const i of fitRows) positives += y[i];
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, positives / fitRows.length));
  const linear = params.init === 'logistic' ? fitLinearPart(data, fitRows, monotone, params.init_l2, rng) : null;
  const baseScore = linear?.intercept ?? Math.log(rate / (1 - rate));
  const { margin } = pool;
  margin.fill(baseScore);
  if (linear !== null) addLinear(linear, x, margin);
  const trees: GrownTree[] = [];
  let bestRound = 0;
  let bestLoss = Number.NaN;
  const allowed = new Uint8Array(p);
  const pick = Int32Array.from({ length: p }, (_, j) => j);
  const columnsPerTree = Math.max(1, Math.round(params.colsample * p));
  for (let round = 1; round <= rounds; round++) {
    // Features for this tree: a partial Fisher–Yates draw (all when colsample is 1).
    allowed.fill(columnsPerTree >= p ? 1 : 0);
    if (columnsPerTree < p) {
      for (let k = 0; k < columnsPerTree; k++) {
        const swap = k + rng.int(p - k);
        const t = pick[k];
        pick[k] = pick[swap];
        pick[swap] = t;
        allowed[pick[k]] = 1;
      }
    }
    // Rows for this tree, in row order, with the Newton step's gradient and hessian beside them.
    const { order } = pool;
    let count = fitRows.length;
    if (params.subsample < 1) {
      count = 0;
      for (const i of fitRows) if (rng.next() < params.subsample) order[count++] = i;
    } else {
      order.set(fitRows);
    }
    const sums = await pool.newtonStep(count);
    // Every row grows the tree: its leaves' values go into the margins as it grows (the last
    // splits), or after, each leaf's rows together in the pool's order; no walk is needed.
    const tree = await grower.grow(count, sums, allowed, rng, count === n);
    trees.push(tree);
    if (count === n) {
      await pool.addLeafValues(grower.leaves, tree.value, count);
    } else {
      for (let i = 0; i < n; i++) margin[i] += tree.value[leafOfBins(tree, bins, i)];
    }
    if (validRows === null) {
      bestRound = round;
      continue;
    }
    const loss = logLoss(y, margin, validRows);
    if (!(loss >= bestLoss)) {
      bestLoss = loss;
      bestRound = round;
    } else if (round - bestRound >= params.early_stopping_rounds) break;
  }
  return { trees: trees.slice(0, bestRound), baseScore, linear, bestRound, bestLoss };
}

export async function fitBoosting(data: TrainingData, params: BoostingParams, rng: Rng): Promise<BoostingModel> {
  const { x, y } = data;
  const n = x.rows;
  const p = x.features.length;
  if (n === 0) throw new ModelError('cannot fit gradient boosting on zero rows');
  const monotone = new Int8Array(p);
  for (const [feature, direction] of Object.entries(params.monotone)) {
    const j = x.features.indexOf(feature);
    if (j < 0) throw new ConfigError(`monotone names the feature "${feature}", which the model does not have; features: ${x.features.join(', ')}`, { key: `model_params.gradient_boosting.monotone.${feature}` });
    monotone[j] = direction;
  }

  // The workers load while the cut points are found and the rows binned.
  const pool = HistogramPool.open(p, n, threadCount(params, p));
  let cuts: Float64Array[];
  let result: Boosted;
  let roundsFitted: number;
  try {
    cuts = x.columns.map((c) => cutPoints(c, params.bins));
    const bins = binTraining(x, cuts, pool.bins).byFeature;
    pool.labels.set(y);
    const grower = new TreeGrower(pool, {
      l2: params.l2,
      minChildHessian: params.min_child_hessian,
      minSplitGain: params.min_split_gain,
      valueBins: Int32Array.from(cuts, (c) => c.length + 1),
      monotone,
      maxDepth: params.max_depth,
      maxLeaves: params.max_leaves,
      leafwise: params.growth === 'leafwise',
      learningRate: params.learning_rate,
      columnsPerNode: Math.max(1, Math.round(params.colsample_bynode * Math.max(1, Math.round(params.colsample * p)))),
    });
    const all = Int32Array.from({ length: n }, (_, i) => i);
    if (params.early_stopping_rounds > 0) {
      // Each validation part picks its best round; every training row is then boosted for their mean.
      let rounds = 0;
      let loss = 0;
      const parts = validationParts(data, params, rng);
      for (const part of parts) {
        const stopped = await boost(grower, pool, bins, data, params, monotone, part.train, part.test, params.rounds, rng);
        rounds += stopped.bestRound;
        loss += stopped.bestLoss;
      }
      roundsFitted = Math.max(1, Math.round(rounds / parts.length));
      result = { ...(await boost(grower, pool, bins, data, params, monotone, all, null, roundsFitted, rng)), bestLoss: loss / parts.length };
    } else {
      result = await boost(grower, pool, bins, data, params, monotone, all, null, params.rounds, rng);
      roundsFitted = result.bestRound;
    }
    await pool.finish();
  } finally {
    pool.close();
  }

  const importance = new Float64Array(p);
  for (const t of result.trees) t.feature.forEach((f, k) => { if (f >= 0) importance[f] += t.gain[k]; });
  const total = importance.reduce((a, b) => a + b, 0);
  return new BoostingModel({
    kind: 'gradient_boosting',
    params,
    features: [...x.features],
    base_score: result.baseScore,
    linear: result.linear,
    trees: result.trees.map((t) => ({
      feature: t.feature,
      threshold: t.feature.map((f, k) => (f >= 0 ? cuts[f][t.bin[k]] : 0)),
      default_left: t.defaultLeft.map((d, k) => (t.feature[k] >= 0 && d ? 1 : 0)),
      left: t.left,
      right: t.left.map((l) => (l >= 0 ? l + 1 : -1)),
      value: t.value,
      n: t.cover,
    })),
    best_round: roundsFitted,
    validation_log_loss: Number.isNaN(result.bestLoss) ? null : Math.round(result.bestLoss * 1e9) / 1e9,
    gain_importance: Array.from(importance, (v) => (total > 0 ? Math.round((v / total) * 1e9) / 1e9 : 0)),
  });
}
