/**
 * The forest's walk alone, on one core: microseconds per customer for predict and for
 * predict + Saabas parts, on the bench's 300-tree Telco forest and Telco rows.
 *   npm run bench:score first (it trains the models), then: npm run bench:walk
 */
import { resolve } from 'node:path';
import type { ForestModel } from '../src/models/forest/forest.js';
import { compileForest, walkForest } from '../src/models/forest/walk.js';
import { loadSavedModel } from '../src/models/load-model.js';
import { takeRows } from '../src/data/matrix.js';
import { readModelMatrix } from '../test/helpers/model-input.js';
import { printTable } from './table.js';

const loaded = await loadSavedModel(resolve('bench/out/score/run/models/random_forest.json'));
const base = await readModelMatrix(loaded, resolve('data/ibm-telco-churn.csv'));
const reps = 8;
const x = takeRows(base, Array.from({ length: base.rows * reps }, (_, i) => i % base.rows));
const forest = compileForest((loaded.model as ForestModel).state.trees, x.features.length);
const rows: (string | number)[][] = [];
for (const withParts of [false, true]) {
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const parts = withParts ? new Float64Array(x.rows * x.features.length) : null;
    const t = performance.now();
    walkForest(forest, x.columns, x.rows, parts);
    best = Math.min(best, performance.now() - t);
  }
  rows.push([withParts ? 'predict + parts' : 'predict', x.rows, (best * 1000) / x.rows]);
}
printTable(`forest walk, ${forest.trees} trees, ${forest.nodes.length / 2} nodes, one core`, ['walk', 'rows', 'µs/customer'], rows);
