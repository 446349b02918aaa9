/**
 * The demo: generate a realistic operator, train every model out of time, score the latest month
 * and write everything under demo-output/, then print a summary.
 *
 *   npm run demo                       50,000 customers x 12 months
 *   npm run demo -- --customers 5000   a quicker run
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generatePanel } from '../src/generate/operator.js';
import { reportProgress } from '../src/io/progress.js';
import { writePanelFeatures } from '../src/pipeline/panel-features.js';
import { trainFromConfigFile } from '../src/pipeline/train-config.js';
import { runScoringJob } from '../src/score/batch-job.js';
import { writeDemoReport } from './demo-report.js';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '50000' },
    months: { type: 'string', default: '12' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string', default: 'demo-output' },
  },
});
const out = resolve(values.out ?? 'demo-output');
const customers = Number(values.customers);
const months = Number(values.months);
const seed = Number(values.seed);
const seconds = (since: number): string => ((performance.now() - since) / 1000).toFixed(1);

reportProgress(); // a bar per stage on a terminal, a line per stage in a log
const t0 = performance.now();
let t = performance.now();
const data = join(out, 'data');
await generatePanel({ customers, months, seed, out: data });
const generateSeconds = seconds(t);
const configPath = join(out, 'panel.config.json');
writeFileSync(configPath, `${JSON.stringify({ kind: 'panel', tables: { customers: 'data/customers.csv', usage: 'data/usage_monthly.csv', complaints: 'data/complaints.csv' }, seed }, null, 2)}\n`);

t = performance.now();
const run = join(out, 'run');
const { evaluation } = await trainFromConfigFile(configPath, run);
const trainSeconds = seconds(t);

t = performance.now();
const features = join(out, 'features-latest.parquet');
const snapshot = await writePanelFeatures(configPath, undefined, features);
const list = join(out, 'retention-list.csv');
// The monthly batch job, drift check on: the latest month is scored only if it has not drifted from the training months.
const scored = await runScoringJob({ model: join(run, 'models', 'champion.json'), input: features, out: list });
const scoreSeconds = seconds(t);
const report = await writeDemoReport(run, join(out, 'report'), list);

const lines = [
  '',
  'churnscope demo',
  `  operator     ${customers.toLocaleString('en')} customers x ${months} months (seed ${seed}), generated in ${generateSeconds} s`,
  `  training     ${evaluation.split.train_rows.toLocaleString('en')} labelled customer-months, out-of-time test on ${evaluation.split.test_rows.toLocaleString('en')} (churn rate ${(evaluation.dataset.churn_rate * 100).toFixed(1)}%), ${trainSeconds} s`,
  ...Object.entries(evaluation.models).map(([name, m]) =>
    `  ${name.padEnd(13)} AUC ${m.auc.toFixed(3)}  lift@10% ${m.lift_at_10.toFixed(2)}  capture@20% ${(m.capture_at_20 * 100).toFixed(0)}%${m.c_index !== undefined ? `  C-index ${m.c_index.toFixed(3)}` : ''}`),
  `  champion     ${evaluation.champion}`,
  `  scoring      ${scored.rows.scored.toLocaleString('en')} of ${snapshot.rows.toLocaleString('en')} active customers at ${snapshot.month}, ${scoreSeconds} s; drift: largest PSI ${scored.drift.max_psi ?? 'not checked'} (limit ${scored.drift.limit})`,
  '',
  'files',
  `  ${data}            the generated tables and drivers.json (the true churn drivers)`,
  `  ${run}             evaluation.json, models/, curves.json, importance.json`,
  `  ${list}  the ranked retention list`,
  `  ${report}  the factor report (also .md and .json)`,
  '',
  `done in ${seconds(t0)} s`,
];
process.stdout.write(`${lines.join('\n')}\n`);
