/**
 * churnscope beside the reference tools on the same rows in one run: scikit-learn (logistic,
 * random forest, HistGradientBoosting) and XGBoost 1.7 `hist` on Telco, Iranian and a generated
 * panel (test AUC, top-decile lift, fit seconds), then boosting's fit time against XGBoost's at
 * the same rounds and depth on Telco's training rows replicated to 100k with 1% numeric jitter.
 * Optional: needs Debian's python3-sklearn and python3-xgboost (/usr/bin/python3).
 * Each boosting fit time is given on 2 threads and on 1, wall and CPU seconds (all threads):
 * churnscope's through the compiled library in a process of its own per setting, as the CLI fits
 * (boosting-speed-fit.mjs), its first fit there and a second one.
 *   npm run bench:vs-python               everything
 *   npm run bench:vs-python -- --speed    the fit times alone
 *   npm run bench:vs-python -- --speed --rows 1000000    the fit times on more replicated rows
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectFeatures, takeTraining, type FeatureMatrix, type TrainingData } from '../src/data/matrix.js';
import { auc, liftAt } from '../src/evaluate/metrics.js';
import { fitModel } from '../src/models/registry.js';
import type { ModelKind } from '../src/models/model.js';
import { modelSeed } from '../src/pipeline/train.js';
import { Rng } from '../src/rng.js';
import { benchDatasets } from './datasets.js';
import { printTable, seconds } from './table.js';

const PYTHON = '/usr/bin/python3';
if (spawnSync(PYTHON, ['-c', 'import sklearn, xgboost'], { stdio: 'ignore' }).status !== 0) {
  process.stdout.write('bench:vs-python needs Debian\'s python3-sklearn and python3-xgboost (apt install python3-sklearn python3-xgboost); skipped\n');
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'churnscope-vs-python-'));
function writeRows(name: string, x: FeatureMatrix, y: Uint8Array): void {
  const p = x.features.length;
  const rows = new Float64Array(x.rows * p);
  for (let j = 0; j < p; j++) for (let i = 0; i < x.rows; i++) rows[i * p + j] = x.columns[j][i];
  writeFileSync(join(dir, `${name}-x.bin`), rows);
  writeFileSync(join(dir, `${name}-y.bin`), y);
}

/** Telco's training rows replicated to `rows`, numbers (not 0/1 indicators) jittered by 1%. */
function replicated(data: TrainingData, rows: number, rng: Rng): TrainingData {
  const big = takeTraining(data, Int32Array.from({ length: rows }, (_, i) => i % data.x.rows));
  for (const c of big.x.columns) {
    if (c.every((v) => v === 0 || v === 1)) continue;
    for (let i = 0; i < c.length; i++) c[i] *= 1 + 0.01 * rng.normal();
  }
  return big;
}

const speedOnly = process.argv.includes('--speed');
const allDatasets = await benchDatasets();
const datasets = speedOnly ? [] : allDatasets;
const rowsAt = process.argv.indexOf('--rows');
const speedRows = rowsAt > 0 ? Number(process.argv[rowsAt + 1]) : 100_000;
if (!(Number.isInteger(speedRows) && speedRows > 0)) throw new Error(`--rows takes a positive whole number of rows, not ${process.argv[rowsAt + 1]}`);
const speedData = replicated(allDatasets[0].train, speedRows, new Rng(1));
const speedThreads = [2, 1];
const speedSettings = [{ rounds: 100, depth: 6, learning_rate: 0.3 }, { rounds: 300, depth: 3, learning_rate: 0.1 }];
datasets.forEach((d, k) => {
  writeRows(`${k}-train`, d.train.x, d.train.y);
  writeRows(`${k}-test`, d.test.x, d.test.y);
});
writeRows('speed', speedData.x, speedData.y);
writeFileSync(join(dir, 'speed-columns.bin'), Buffer.concat(speedData.x.columns.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))));
writeFileSync(join(dir, 'speed-y.bin'), speedData.y);
writeFileSync(join(dir, 'job.json'), JSON.stringify({
  datasets: datasets.map((d) => ({ name: d.name, features: d.train.x.features.length })),
  speed: { features: speedData.x.features.length, names: speedData.x.features, settings: speedSettings, threads: speedThreads },
}));

// churnscope's fits, then the references' in the same run.
const quality: (string | number)[][] = [];
const ours: ModelKind[] = ['logistic', 'random_forest', 'gradient_boosting'];
for (const d of datasets) {
  for (const kind of ours) {
    const t = performance.now();
    const model = await fitModel(kind, d.train, {}, new Rng(modelSeed(42, kind)));
    const s = seconds(t);
    const p = model.predictProba(selectFeatures(d.test.x, model.features)); // the logistic model keeps fewer columns (reference levels, aliased ones dropped)
    quality.push([d.name, `churnscope ${kind}`, auc(d.test.y, p), liftAt(d.test.y, p, 0.1), s]);
  }
}
/** Wall and CPU seconds (every thread of the process) of the first and second fit per setting and thread count. */
interface Fit { wall: number; cpu: number }
const speedOurs: { first: Fit; second: Fit }[][] = speedSettings.map((s) => speedThreads.map((workers) => {
  const child = spawnSync(process.execPath, [join(import.meta.dirname, 'boosting-speed-fit.mjs'), dir, String(s.rounds), String(s.depth), String(s.learning_rate), String(workers)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`the speed fit failed:\n${child.stderr}`);
  return JSON.parse(child.stdout) as { first: Fit; second: Fit };
}));

const python = spawnSync(PYTHON, [join(import.meta.dirname, 'vs-python.py'), dir], { encoding: 'utf8', maxBuffer: 1 << 26 });
if (python.status !== 0) throw new Error(`the reference fits failed:\n${python.stderr}`);
const lines = python.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const versions = lines[0].versions as { sklearn: string; xgboost: string };
for (const l of lines) {
  if (typeof l.data !== 'number') continue;
  const d = datasets[l.data];
  const p = new Float64Array(readFileSync(join(dir, l.file as string)).buffer.slice(0));
  quality.push([d.name, l.model as string, auc(d.test.y, p), liftAt(d.test.y, p, 0.1), l.seconds as number]);
}
if (!speedOnly) {
  quality.sort((a, b) => datasets.findIndex((d) => d.name === a[0]) - datasets.findIndex((d) => d.name === b[0]));
  printTable(
    `Test AUC, top-decile lift and fit seconds on the same splits (scikit-learn ${versions.sklearn}, XGBoost ${versions.xgboost}; churnscope at its defaults, seeded as \`train\` seeds it)`,
    ['data', 'model', 'test AUC', 'lift@10%', 'fit s'],
    quality,
  );
  // Each churnscope model against its reference on the same split: AUC difference and fit-time ratio.
  const pairs: [string, string][] = [
    ['churnscope gradient_boosting', 'XGBoost hist (defaults)'],
    ['churnscope gradient_boosting', 'sklearn HistGradientBoosting'],
    ['churnscope logistic', 'sklearn logistic (lbfgs)'],
    ['churnscope random_forest', 'sklearn random forest (300)'],
  ];
  const row = (data: string, model: string): (string | number)[] => quality.find((r) => r[0] === data && r[1] === model) as (string | number)[];
  printTable(
    'churnscope against each reference (same rows as above): AUC difference and fit-time ratio (churnscope ÷ reference; the boosting time includes its 5-fold early stopping: 6 fits)',
    ['data', 'churnscope vs reference', 'Δ AUC', 'fit ratio'],
    datasets.flatMap((d) => pairs.map(([a, b]) => {
      const ours = row(d.name, a);
      const theirs = row(d.name, b);
      return [d.name, `${a.replace('churnscope ', '')} vs ${b}`, (ours[2] as number) - (theirs[2] as number), (ours[4] as number) / (theirs[4] as number)];
    })),
  );
}
const speed = lines.filter((l) => l.speed !== undefined);
const pair = (a: number, b: number, digits: number): string => `${a.toFixed(digits)} / ${b.toFixed(digits)}`;
printTable(
  `Boosting fit time against XGBoost ${versions.xgboost} hist on Telco's training rows replicated to ${speedRows.toLocaleString('en')} (1% numeric jitter), ${speedData.x.features.length} features, no early stopping; wall and CPU seconds (all threads); churnscope's first fit in a process of its own (the workers' start and the code's compilation included) / its second; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  ['rounds × depth (learning rate)', 'threads', 'churnscope wall', 'CPU', 'XGBoost wall', 'CPU', 'wall ratio', 'CPU ratio'],
  speedSettings.flatMap((s, i) => speedThreads.map((threads, k) => {
    const { first, second } = speedOurs[i][k];
    const theirs = speed[i * speedThreads.length + k] as { wall: number; cpu: number };
    return [`${s.rounds} × ${s.depth} (${s.learning_rate})`, threads, pair(first.wall, second.wall, 3), pair(first.cpu, second.cpu, 3), theirs.wall, theirs.cpu,
      pair(first.wall / theirs.wall, second.wall / theirs.wall, 2), pair(first.cpu / theirs.cpu, second.cpu / theirs.cpu, 2)];
  })),
);
rmSync(dir, { recursive: true, force: true });
