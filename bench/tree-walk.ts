/**
 * The tree walks alone, on one core: microseconds per customer for probabilities and for
 * probabilities with reasons (exact TreeSHAP), on the bench's Telco models: the 300-tree forest
 * (by quadrature in WebAssembly: its per-leaf tables would not fit) and gradient boosting (from
 * per-leaf tables in WebAssembly), each beside the recursion (Algorithm 2) it replaces.
 *   npm run bench:score first (it trains the models), then: npm run bench:walk
 */
import { resolve } from 'node:path';
import { cpuUsage } from 'node:process';
import { takeRows, type FeatureMatrix } from '../src/data/matrix.js';
import type { BoostingModel } from '../src/models/boosting/boosting.js';
import type { ForestModel } from '../src/models/forest/forest.js';
import { loadSavedModel } from '../src/models/load-model.js';
import { treeShapBatch } from '../src/models/trees/tree-shap.js';
import { compileTrees, walkTrees } from '../src/models/trees/tree-walk.js';
import { readModelMatrix } from '../test/helpers/model-input.js';
import { printTable } from './table.js';

const models = resolve('bench/out/score/run/models');
const forestModel = await loadSavedModel(`${models}/random_forest.json`);
const boostModel = await loadSavedModel(`${models}/gradient_boosting.json`);
const base = await readModelMatrix(forestModel, resolve('data/ibm-telco-churn.csv'));
const boostBase = await readModelMatrix(boostModel, resolve('data/ibm-telco-churn.csv'));
const many = (x: FeatureMatrix, reps: number): FeatureMatrix => takeRows(x, Array.from({ length: x.rows * reps }, (_, i) => i % x.rows));

/** Best of three runs, in µs of CPU per row: the walks run on this one thread, and CPU time holds on a shared machine where wall time does not. */
function perRow(rows: number, work: () => void): number {
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const before = cpuUsage();
    work();
    const used = cpuUsage(before);
    best = Math.min(best, used.user + used.system);
  }
  return best / rows;
}

const forestTrees = (forestModel.model as ForestModel).state.trees;
const forest = compileTrees(forestTrees, base.features.length);
const x = many(base, 8);
const p = x.features.length;
const some = takeRows(base, Array.from({ length: 2048 }, (_, i) => i));
walkTrees(forest, some.columns, 1, new Float64Array(p)); // its quadrature, built once
const fewer = takeRows(base, Array.from({ length: 20 }, (_, i) => i));
const boostTrees = (boostModel.model as BoostingModel).state.trees;
const boostFewer = takeRows(boostBase, Array.from({ length: 200 }, (_, i) => i));
const boost = compileTrees(boostTrees, boostBase.features.length);
const xb = many(boostBase, 8);
const pb = xb.features.length;
const nodes = (trees: readonly { feature: readonly number[] }[]): number => trees.reduce((s, t) => s + t.feature.length, 0);
printTable('Tree walks on Telco rows, one core', ['model', 'walk', 'rows', 'µs/customer (CPU)'], [
  [`forest, ${forestTrees.length} trees, ${nodes(forestTrees)} nodes`, 'probabilities', x.rows, perRow(x.rows, () => walkTrees(forest, x.columns, x.rows, null))],
  ['', '+ exact TreeSHAP (quadrature)', some.rows, perRow(some.rows, () => walkTrees(forest, some.columns, some.rows, new Float64Array(some.rows * p)))],
  ['', '+ exact TreeSHAP (recursion)', fewer.rows, perRow(fewer.rows, () => treeShapBatch(forestTrees, fewer, 0))],
  [`gradient boosting, ${boostTrees.length} trees, ${nodes(boostTrees)} nodes`, 'probabilities', xb.rows, perRow(xb.rows, () => walkTrees(boost, xb.columns, xb.rows, null))],
  ['', '+ exact TreeSHAP (tables)', xb.rows, perRow(xb.rows, () => walkTrees(boost, xb.columns, xb.rows, new Float64Array(xb.rows * pb)))],
  ['', '+ exact TreeSHAP (recursion)', boostFewer.rows, perRow(boostFewer.rows, () => treeShapBatch(boostTrees, boostFewer, 0))],
]);
