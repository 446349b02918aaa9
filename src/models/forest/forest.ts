/**
 * Random forest classifier: pre-binned features, bootstrap with replacement, a fresh random
 * feature subset at every split, probability = mean of leaf churn rates. Trees grow on all cores
 * in worker threads over shared memory; the result does not depend on the number of workers.
 */
import { availableParallelism } from 'node:os';
import type { FeatureMatrix, TrainingData } from '../../data/matrix.js';
import { auc } from '../../evaluate/metrics.js';
import { ModelError } from '../../errors.js';
import { siblingModule, startWorker, watchWorker } from '../../io/worker-thread.js';
import type { Rng } from '../../rng.js';
import { explainRow, type BatchExplanation, type ChurnModel, type Explanation, type ModelState } from '../model.js';
import { binColumns, type Binned } from './binning.js';
import { progress } from '../../io/progress.js';
import { growTrees, leafOf, leafOfBinned, TREE_DONE, type GrowJob, type GrownEntry } from './grow.js';
import type { Tree } from './tree.js';
import { compileTrees, walkTrees, type CompiledTrees } from '../trees/tree-walk.js';
import type { GlobalImportance } from '../../evaluate/files/importance-file.js';

export interface ForestParams {
  trees: number;
  maxDepth: number;
  minSamplesLeaf: number;
  maxFeatures: 'sqrt' | number; // features tried per split
  bins: number;
  workers: number; // threads growing trees; 0 = one per core (at most 8)
}

export const DEFAULT_FOREST_PARAMS: ForestParams = { trees: 300, maxDepth: 12, minSamplesLeaf: 3, maxFeatures: 'sqrt', bins: 255, workers: 0 };

export interface ForestState extends ModelState {
  kind: 'random_forest';
  params: ForestParams;
  features: string[];
  trees: Tree[];
  base_rate: number; // mean root value: the forest's prediction before any split
  impurity_importance: number[]; // normalised to sum 1
  oob_auc: number | null;
}

export class ForestModel implements ChurnModel {
  readonly kind = 'random_forest' as const;
  readonly features: readonly string[];

  constructor(readonly state: ForestState) {
    this.features = state.features;
  }

  static fromJSON(state: ModelState): ForestModel {
    return new ForestModel(state as ForestState);
  }

  private compiled: CompiledTrees | null = null;

  private walkable(): CompiledTrees {
    this.compiled ??= compileTrees(this.state.trees, this.features.length);
    return this.compiled;
  }

  predictProba(x: FeatureMatrix): Float64Array {
    return meanOf(walkTrees(this.walkable(), x.columns, x.rows, null), this.state.trees.length);
  }

  explain(x: FeatureMatrix, row: number): Explanation {
    return explainRow(this, x, row);
  }

  /**
   * Exact path-dependent TreeSHAP of the mean of the trees, on the probability scale: base (the
   * trees' mean expected value) + Σ parts = P(churn). The probabilities come from the same walk,
   * bit for bit those of predictProba.
   */
  explainBatch(x: FeatureMatrix): BatchExplanation {
    const compiled = this.walkable();
    const t = this.state.trees.length;
    const contributions = new Float64Array(x.rows * this.features.length);
    const probability = meanOf(walkTrees(compiled, x.columns, x.rows, contributions), t);
    for (let k = 0; k < contributions.length; k++) contributions[k] /= t;
    return { scale: 'probability', base: compiled.expected / t, contributions, probability };
  }

  globalImportance(): GlobalImportance {
    return {
      impurity: this.features
        .map((feature, j) => ({ feature, importance: this.state.impurity_importance[j] }))
        .sort((a, b) => b.importance - a.importance),
      oob_auc: this.state.oob_auc,
    };
  }

  toJSON(): ForestState {
    return this.state;
  }
}

/** Sums over trees into means, in place. */
function meanOf(sums: Float64Array, trees: number): Float64Array {
  for (let i = 0; i < sums.length; i++) sums[i] /= trees;
  return sums;
}

/** Mean leaf value over trees for a batch of raw feature columns. */
export function predictForestBatch(trees: readonly Tree[], columns: readonly Float64Array[], rows: number): Float64Array {
  return meanOf(walkTrees(compileTrees(trees, columns.length), columns, rows, null), trees.length);
}

/** A worker growing its share of the trees: its result, and how to stop it early. */
function runWorker(job: GrowJob, onTree: () => void, name: string): { trees: Promise<GrownEntry[]>; stop: () => Promise<number> } {
  const worker = startWorker(siblingModule(import.meta.url, 'worker'), job);
  let unwatch = (): void => {};
  const trees = new Promise<GrownEntry[]>((resolve, reject) => {
    unwatch = watchWorker(worker, name, 'model', reject);
    worker.on('message', (message: GrownEntry[] | typeof TREE_DONE) => {
      if (message === TREE_DONE) {
        onTree();
        return;
      }
      unwatch();
      resolve(message);
      void worker.terminate();
    });
  });
  return { trees, stop: () => { unwatch(); return worker.terminate(); } };
}

/** Every share's trees; when one worker fails, the others are stopped rather than left growing. */
async function growOnWorkers(jobs: GrowJob[], onTree: () => void): Promise<GrownEntry[][]> {
  const running = jobs.map((job, w) => runWorker(job, onTree, `the forest's worker ${w + 1} of ${jobs.length} (${job.treeIndices.length} trees)`));
  try {
    return await Promise.all(running.map((r) => r.trees));
  } catch (e) {
    await Promise.all(running.map((r) => r.stop()));
    throw e;
  }
}

export async function fitForest(data: TrainingData, params: ForestParams, rng: Rng): Promise<ForestModel> {
  const { x } = data;
  if (x.rows === 0) throw new ModelError('cannot fit a forest on zero rows');
  if (params.trees < 1) throw new ModelError('a forest needs at least one tree', { key: 'model_params.random_forest.trees' });
  const p = x.features.length;
  const mtry = params.maxFeatures === 'sqrt' ? Math.max(1, Math.round(Math.sqrt(p))) : Math.max(1, Math.min(p, Math.floor(params.maxFeatures)));
  const workers = Math.max(1, Math.min(params.workers > 0 ? params.workers : availableParallelism(), params.trees, 8));
  const binned: Binned = binColumns(x.columns, params.bins, workers > 1);
  const y = workers > 1 ? new Uint8Array(new SharedArrayBuffer(x.rows)) : new Uint8Array(x.rows);
  y.set(data.y);
  const forestSeed = rng.nextUint32();
  const treeParams = { maxDepth: params.maxDepth, minSamplesLeaf: params.minSamplesLeaf, mtry };
  const shares: number[][] = Array.from({ length: workers }, () => []);
  for (let t = 0; t < params.trees; t++) shares[t % workers].push(t);

  const bar = progress('random_forest', params.trees, 'trees');
  const tick = (): void => bar.tick();
  const results = workers === 1
    ? [growTrees({ binned, y, params: treeParams, forestSeed, treeIndices: shares[0] }, tick)]
    : await growOnWorkers(shares.map((treeIndices) => ({ binned, y, params: treeParams, forestSeed, treeIndices })), tick);
  bar.stop();

  // Combine in tree order, so sums are bit-identical whatever the worker count.
  const grown = new Array<GrownEntry>(params.trees);
  for (const entry of results.flat()) grown[entry.index] = entry;
  const trees = grown.map((g) => g.tree);
  const importance = new Float64Array(p);
  const oobSum = new Float64Array(x.rows);
  const oobCount = new Float64Array(x.rows);
  for (const g of grown) {
    for (let j = 0; j < p; j++) importance[j] += g.importance[j];
    for (let i = 0; i < x.rows; i++) {
      if (g.inBag[i] !== 0) continue;
      oobSum[i] += g.tree.value[leafOfBinned(g.tree, binned, i)];
      oobCount[i]++;
    }
  }

  const oobRows: number[] = [];
  for (let i = 0; i < x.rows; i++) if (oobCount[i] > 0) oobRows.push(i);
  const oobAuc = oobRows.length > 0
    ? auc(Uint8Array.from(oobRows, (i) => data.y[i]), Float64Array.from(oobRows, (i) => oobSum[i] / oobCount[i]))
    : Number.NaN;
  const totalImportance = importance.reduce((a, b) => a + b, 0);
  let base = 0;
  for (const tree of trees) base += tree.value[0];

  return new ForestModel({
    kind: 'random_forest',
    params,
    features: [...x.features],
    trees,
    base_rate: base / trees.length,
    impurity_importance: Array.from(importance, (v) => (totalImportance > 0 ? Math.round((v / totalImportance) * 1e9) / 1e9 : 0)),
    oob_auc: Number.isFinite(oobAuc) ? Math.round(oobAuc * 1e6) / 1e6 : null,
  });
}

export { leafOf };
