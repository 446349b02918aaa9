/**
 * Batch scoring benchmark: customers/second, peak RSS and wall time of `churnscope score` for each
 * model on 1M and 10M customers (IBM Telco rows replicated with unique ids, as Parquet), whole
 * and in shards. Each run is its own process, so peak RSS is its own.
 *   npm run bench:score              1M and 10M
 *   npm run bench:score -- 200000    other sizes
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sqlString, withDuckDB } from '../src/io/duckdb.js';
import { readScoreManifest } from '../src/score/manifest.js';
import { printTable } from './table.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const run = sizes.length > 0 ? sizes : [1_000_000, 10_000_000];
const out = resolve('bench/out/score');
mkdirSync(out, { recursive: true });

async function input(rows: number): Promise<string> {
  const file = join(out, `customers-${rows}.parquet`);
  if (existsSync(file)) return file;
  await withDuckDB(async (con) => {
    await con.run(`COPY (
      SELECT t.* REPLACE (t.customerID || '-' || CAST(k.i AS VARCHAR) AS customerID)
      FROM range(${Math.ceil(rows / 7043)}) k(i), read_csv(${sqlString(resolve('data/ibm-telco-churn.csv'))}, header = true, all_varchar = true) t
      LIMIT ${rows}) TO ${sqlString(file)} (FORMAT parquet)`);
  });
  return file;
}

const models = join(out, 'run', 'models');
if (!existsSync(join(models, 'gradient_boosting.json'))) {
  execFileSync(process.execPath, ['bin/churnscope.js', 'train', '--config', 'data/ibm-telco-churn.config.json', '--out', join(out, 'run')], { stdio: 'inherit' });
}

/** Runs the CLI; peak RSS comes from the manifest the job writes (merge writes none). */
function timed(args: string[], list?: string): { seconds: number; rssMb: number; jobRate: number } {
  const started = performance.now();
  execFileSync(process.execPath, ['bin/churnscope.js', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const seconds = (performance.now() - started) / 1000;
  const timings = list === undefined ? null : readScoreManifest(list).timings;
  return { seconds, rssMb: timings?.peak_rss_mb ?? Number.NaN, jobRate: timings?.customers_per_second ?? Number.NaN };
}

const rows: (string | number)[][] = [];
for (const n of run) {
  const file = await input(n);
  for (const model of ['logistic', 'random_forest', 'gradient_boosting', 'cox']) {
    const list = join(out, `list-${model}-${n}.parquet`);
    const whole = timed(['score', '--model', join(models, `${model}.json`), '--input', file, '--out', list], list);
    const t = readScoreManifest(list).timings;
    rows.push([model, n, 'whole', whole.jobRate, n / whole.seconds, whole.rssMb, whole.seconds, t.drift_seconds + t.load_seconds, t.score_seconds, t.rank_write_seconds]);
  }
  // Two shards one after the other, then the merge: what two machines would each do.
  const shards = [0, 1].map((i) => timed(['score', '--model', join(models, 'logistic.json'), '--input', file, '--out', join(out, `shard-${i}-${n}.parquet`), '--shard', `${i}/2`], join(out, `shard-${i}-${n}.parquet`)));
  const merge = timed(['merge', '--inputs', join(out, `shard-0-${n}.parquet`), join(out, `shard-1-${n}.parquet`), '--out', join(out, `merged-${n}.parquet`)]);
  // customers/s: what each of two machines sustains on its half (the merge runs once after).
  const slowest = Math.max(...shards.map((s) => s.seconds));
  rows.push(['logistic', n, '2 shards + merge', Math.min(...shards.map((s) => s.jobRate)), n / 2 / slowest, Math.max(...shards.map((s) => s.rssMb)), slowest + merge.seconds, Number.NaN, Number.NaN, merge.seconds]);
}
printTable('churnscope score (drift check, load, features, score, reasons, ranked Parquet write), 2 cores; job = the rate in its manifest, wall includes process start', ['model', 'customers', 'run', 'customers/s (job)', 'customers/s (wall)', 'peak RSS MB', 'wall s', 'drift+load s', 'score s', 'rank+write s'], rows);
