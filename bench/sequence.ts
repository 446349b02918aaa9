/**
 * The sequence model's benchmark, on the demo's operator (50,000 customers x 12 months, seed 42:
 * about 41k labelled customer-months from the one reference month whose whole history the data
 * holds, tested out of time on a later month): AUC, lift, fit seconds and scoring customers/s of every model and of the blend, then the
 * batch job's rate for the sequence model and the blend on 1M customers (the latest month's
 * features replicated with unique ids).
 *   npm run bench:sequence                  the demo's size and 1M
 *   npm run bench:sequence -- 5000 100000   a quick run: customers, then batch-job customers
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parsePanelConfig } from '../src/config/any-config.js';
import { generatePanel } from '../src/generate/operator.js';
import { sqlString, withDuckDB } from '../src/io/duckdb.js';
import { writePanelFeatures } from '../src/pipeline/panel-features.js';
import { trainPanel } from '../src/pipeline/train-panel.js';
import { runScoringJob } from '../src/score/batch-job.js';
import { printTable } from './table.js';

const [customers = 50_000, batchRows = 1_000_000] = process.argv.slice(2).map(Number);
const out = resolve('bench/out/sequence');
mkdirSync(out, { recursive: true });
const data = join(out, `operator-${customers}`);
if (!existsSync(join(data, 'customers.csv'))) await generatePanel({ customers, months: 12, seed: 42, out: data });
const tables = { customers: join(data, 'customers.csv'), usage: join(data, 'usage_monthly.csv'), complaints: join(data, 'complaints.csv') };
const models = ['logistic', 'random_forest', 'cox', 'sequence'];
const configPath = join(out, 'panel.json');
writeFileSync(configPath, JSON.stringify({ kind: 'panel', tables, models, seed: 42 }));
const config = parsePanelConfig(JSON.parse(JSON.stringify({ kind: 'panel', tables, models, seed: 42 })), configPath);

const run = join(out, `run-${customers}`);
const { evaluation } = await trainPanel(config, run);
const features = join(out, `latest-${customers}.parquet`);
await writePanelFeatures(configPath, undefined, features);

// Scoring customers/s through the batch job on the latest month, every model.
const rate = new Map<string, number>();
for (const name of Object.keys(evaluation.models)) {
  const manifest = await runScoringJob({ model: join(run, 'models', `${name}.json`), input: features, out: join(out, `list-${name}.parquet`), allowDrift: true });
  rate.set(name, manifest.timings.customers_per_second);
}
const singles = Object.entries(evaluation.models).filter(([k]) => k !== 'blend');
const bestSingle = Math.max(...singles.map(([, m]) => m.auc));
printTable(
  `Out of time on a generated operator: ${customers.toLocaleString('en')} customers x 12 months, ${evaluation.split.train_rows.toLocaleString('en')} training customer-months, ${evaluation.split.test_rows.toLocaleString('en')} test (sequence backend: ${evaluation.models.sequence?.backend ?? '–'})`,
  ['model', 'test AUC', 'lift@10%', 'log loss', 'fit s', 'scoring customers/s (job, latest month)'],
  Object.entries(evaluation.models).map(([k, m]) => [k, m.auc, m.lift_at_10, m.log_loss, m.fit_seconds, rate.get(k) ?? Number.NaN]),
);
const blend = evaluation.models.blend;
if (blend !== undefined) process.stdout.write(`blend ${blend.auc.toFixed(4)} vs best single model ${bestSingle.toFixed(4)}: ${blend.auc >= bestSingle - 0.002 ? 'within' : 'NOT within'} 0.002; champion ${evaluation.champion}\n`);

// The batch job at 1M customers: the latest month's rows replicated with unique ids.
const big = join(out, `latest-${customers}-x${batchRows}.parquet`);
if (!existsSync(big)) {
  await withDuckDB(async (con) => {
    const n = Number((await con.runAndReadAll(`SELECT count(*)::INTEGER FROM read_parquet(${sqlString(features)})`)).getRowsJS()[0][0]);
    await con.run(`COPY (SELECT t.* REPLACE (t.customer_id || '-' || CAST(k.i AS VARCHAR) AS customer_id)
      FROM range(${Math.ceil(batchRows / n)}) k(i), read_parquet(${sqlString(features)}) t LIMIT ${batchRows}) TO ${sqlString(big)} (FORMAT parquet)`);
  });
}
const rows: (string | number)[][] = [];
for (const name of ['sequence', 'blend', 'random_forest', 'logistic']) {
  if (!(name in evaluation.models)) continue;
  const m = await runScoringJob({ model: join(run, 'models', `${name}.json`), input: big, out: join(out, `list-${name}-big.parquet`), allowDrift: true });
  const t = m.timings;
  rows.push([name, m.rows.scored, t.customers_per_second, t.peak_rss_mb, t.score_seconds, t.total_seconds]);
}
printTable(`The batch job on ${batchRows.toLocaleString('en')} customers (with reasons), ${availableParallelism()} cores`, ['model', 'customers', 'customers/s', 'peak RSS MB', 'score s', 'total s'], rows);
