/**
 * Logistic fit time beside scikit-learn's lbfgs on the same 80,000 rows (IBM Telco's training rows
 * replicated, every encoded column), in one run: the matrix goes to a Python process through a
 * temporary binary file, both fits are timed on their own (best of 3), and the ratios printed: of
 * wall-clock time, and of CPU time (which other work on the machine inflates far less; NumPy's BLAS
 * threads count in scikit-learn's).
 *   npm run bench:logistic        (needs Debian's python3-sklearn; skips it when absent)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { selectFeatures, takeTraining, type TrainingData } from '../src/data/matrix.js';
import { auc } from '../src/evaluate/metrics.js';
import { addDerivedFeatures } from '../src/features/derived.js';
import { readCustomerTable } from '../src/ingest/read-table.js';
import { DEFAULT_LOGISTIC_PARAMS, fitLogistic } from '../src/models/logistic.js';
import { prepareTraining } from '../src/pipeline/train.js';
import { Rng } from '../src/rng.js';
import { printTable, seconds } from './table.js';

const ROWS = 80_000;
const REPEATS = 3;
const config = loadConfig('data/ibm-telco-churn.config.json');
const table = addDerivedFeatures(await readCustomerTable(config), config.roles);
const { train, test } = prepareTraining(config, table);
const big: TrainingData = takeTraining(train, Int32Array.from({ length: ROWS }, (_, i) => i % train.x.rows));
const p = big.x.features.length;

let ours = Infinity;
let oursCpu = Infinity;
let model = fitLogistic(big, DEFAULT_LOGISTIC_PARAMS, new Rng(1));
for (let r = 0; r < REPEATS; r++) {
  const t = performance.now();
  const cpu = process.cpuUsage().user;
  model = fitLogistic(big, DEFAULT_LOGISTIC_PARAMS, new Rng(1));
  ours = Math.min(ours, seconds(t));
  oursCpu = Math.min(oursCpu, (process.cpuUsage().user - cpu) / 1e6);
}
const oursAuc = auc(test.y, model.predictProba(selectFeatures(test.x, model.features)));

// Row-major float64 matrices and labels for numpy.
const dir = mkdtempSync(join(tmpdir(), 'churnscope-bench-'));
const rowMajor = (x: TrainingData['x']): Float64Array => {
  const out = new Float64Array(x.rows * p);
  for (let j = 0; j < p; j++) for (let i = 0; i < x.rows; i++) out[i * p + j] = x.columns[j][i];
  return out;
};
writeFileSync(join(dir, 'x.bin'), rowMajor(big.x));
writeFileSync(join(dir, 'y.bin'), big.y);
writeFileSync(join(dir, 'xt.bin'), rowMajor(test.x));
writeFileSync(join(dir, 'yt.bin'), test.y);
const python = `
import sys, time, numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import roc_auc_score
import sklearn
d, p = sys.argv[1], int(sys.argv[2])
X = np.fromfile(d + '/x.bin').reshape(-1, p); y = np.fromfile(d + '/y.bin', dtype=np.uint8)
Xt = np.fromfile(d + '/xt.bin').reshape(-1, p); yt = np.fromfile(d + '/yt.bin', dtype=np.uint8)
best = cpu = float('inf')
for _ in range(${REPEATS}):
    m = make_pipeline(StandardScaler(), LogisticRegression(solver='lbfgs', max_iter=1000))
    c = time.process_time(); t = time.perf_counter(); m.fit(X, y)
    best = min(best, time.perf_counter() - t); cpu = min(cpu, time.process_time() - c)
print(best, cpu, roc_auc_score(yt, m.predict_proba(Xt)[:, 1]), m[-1].n_iter_[0], sklearn.__version__)
`;
const run = spawnSync('/usr/bin/python3', ['-c', python, dir, String(p)], { encoding: 'utf8' });
rmSync(dir, { recursive: true, force: true });
const rows: (string | number)[][] = [[`churnscope Newton from a sample's fit, ${model.state.iterations} passes on every row`, ours, oursCpu, oursAuc, Number.NaN, Number.NaN]];
if (run.status === 0) {
  const [t, cpu, a, iters, version] = run.stdout.trim().split(' ');
  rows.push([`scikit-learn ${version} lbfgs (StandardScaler + LogisticRegression), ${iters} iterations`, Number(t), Number(cpu), Number(a), Number.NaN, Number.NaN]);
  rows[0][4] = ours / Number(t);
  rows[0][5] = oursCpu / Number(cpu);
} else {
  process.stdout.write(`scikit-learn not run: ${run.stderr.trim().split('\n').pop() ?? 'python3 failed'}\n`);
}
printTable(
  `Logistic fit on ${ROWS.toLocaleString('en')} rows × ${p} encoded columns (IBM Telco training rows replicated), best of ${REPEATS}; test AUC on Telco's 1,409 test rows`,
  ['fit', 'seconds', 'CPU seconds', 'test AUC', 'time ÷ scikit-learn', 'CPU ÷ scikit-learn'],
  rows,
);
