/**
 * Report and reasons benchmark on the demo's run: report generation seconds, and reason
 * computation per customer (µs) per model. Run `npm run demo` first.
 *   npm run bench:report
 */
import { join } from 'node:path';
import { takeRows } from '../src/data/matrix.js';
import { loadSavedModel } from '../src/models/load-model.js';
import { loadReportInput } from '../src/report/input.js';
import { writeReport } from '../src/report/report.js';
import { actionFor, reasonSentence, topContributions } from '../src/score/batch/reasons.js';
import { readModelMatrix } from '../test/helpers/model-input.js';
import { printTable, seconds } from './table.js';

const demo = process.argv[2] ?? 'demo-output';
const run = join(demo, 'run');
let t = performance.now();
await writeReport(await loadReportInput(run, join(demo, 'retention-list.csv')), join('bench', 'out', 'report'));
const reportSeconds = seconds(t);

const rows: (string | number)[][] = [];
for (const name of ['logistic', 'random_forest', 'cox']) {
  const loaded = await loadSavedModel(join(run, 'models', `${name}.json`));
  const x = await readModelMatrix(loaded, join(demo, 'features-latest.parquet'));
  const n = Math.min(x.rows, 20_000);
  const actions = loaded.saved.scoring.retention.actions;
  t = performance.now();
  const first = takeRows(x, Int32Array.from({ length: n }, (_, i) => i));
  const parts = loaded.model.explainBatch?.(first).contributions ?? new Float64Array(n * x.features.length);
  const top = topContributions(parts, n, x.features, 3);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < top.k; r++) {
      const j = top.feature[i * top.k + r];
      if (j < 0) break;
      reasonSentence(first.features[j], first.columns[j][i], loaded.saved.encoder.roles);
      actionFor(first.features[j], actions, loaded.saved.encoder);
    }
  }
  const perCustomer = (seconds(t) / n) * 1e6;
  t = performance.now();
  loaded.model.predictProba(x);
  const predict = x.rows / seconds(t);
  rows.push([name, x.features.length, perCustomer, predict]);
}
printTable(`Report on ${run}: written in ${reportSeconds.toFixed(2)} s. Reasons (batch explain + typed top 3 + sentences), one thread`, ['model', 'features', 'reasons µs/customer', 'predict rows/s'], rows);
