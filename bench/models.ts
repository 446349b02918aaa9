/**
 * Model benchmark: fit seconds, predict rows/second and test AUC per model on IBM Telco and on
 * Telco replicated to 100k rows, beside ml-random-forest and ml-logistic-regression.
 *   npm run bench
 */
import { cpus } from 'node:os';
import { Matrix } from 'ml-matrix';
import LogisticRegression from 'ml-logistic-regression';
import { RandomForestClassifier } from 'ml-random-forest';
import { loadConfig } from '../src/config/load.js';
import { selectFeatures, takeTraining, type FeatureMatrix, type TrainingData } from '../src/data/matrix.js';
import { auc } from '../src/evaluate/metrics.js';
import { addDerivedFeatures } from '../src/features/derived.js';
import { readCustomerTable } from '../src/ingest/read-table.js';
import { DEFAULT_COX_PARAMS, fitCox } from '../src/models/cox.js';
import { DEFAULT_FOREST_PARAMS, fitForest } from '../src/models/forest/forest.js';
import { DEFAULT_LOGISTIC_PARAMS, fitLogistic } from '../src/models/logistic.js';
import type { ChurnModel } from '../src/models/model.js';
import { atWindowStart } from '../src/labels/survival.js';
import { prepareTraining } from '../src/pipeline/train.js';
import { Rng } from '../src/rng.js';
import { printTable, seconds } from './table.js';

const config = loadConfig('data/ibm-telco-churn.config.json');
const table = addDerivedFeatures(await readCustomerTable(config), config.roles);
const { train, test } = prepareTraining(config, table);

function replicate(data: TrainingData, rows: number): TrainingData {
  return takeTraining(data, Int32Array.from({ length: rows }, (_, i) => i % data.x.rows));
}
const big = replicate(train, 100_000);
// Tenure is the Cox model's time axis (the matrix carries it; the model reads it as the window start).
const coxView = (x: FeatureMatrix): FeatureMatrix => selectFeatures(x, x.features.filter((f) => f !== 'TotalCharges' && !f.startsWith('tenure_band=')));
const rowsOf = (x: FeatureMatrix): number[][] => Array.from({ length: x.rows }, (_, i) => x.columns.map((c) => c[i]));

interface Ours { name: string; fit: (d: TrainingData) => Promise<ChurnModel>; view: (d: TrainingData) => FeatureMatrix }
const ours: Ours[] = [
  { name: 'churnscope logistic (IRLS)', fit: async (d) => fitLogistic(d, DEFAULT_LOGISTIC_PARAMS, new Rng(1)), view: (d) => d.x },
  { name: 'churnscope forest, 300 trees', fit: (d) => fitForest(d, DEFAULT_FOREST_PARAMS, new Rng(1)), view: (d) => d.x },
  // A labelled row is scored at the start of its label's window, as the list would have scored it.
  { name: 'churnscope Cox', fit: async (d) => fitCox({ ...d, x: coxView(d.x) }, DEFAULT_COX_PARAMS, new Rng(1)), view: (d) => coxView(d.survival === undefined ? d.x : atWindowStart(d.x, d.survival)) },
];

const rows: (string | number)[][] = [];
for (const m of ours) {
  let t = performance.now();
  const model = await m.fit(train);
  const fitSmall = seconds(t);
  t = performance.now();
  const p = model.predictProba(m.view(test));
  const predictSmall = test.x.rows / seconds(t);
  t = performance.now();
  const bigModel = await m.fit(big);
  const fitBig = seconds(t);
  t = performance.now();
  bigModel.predictProba(m.view(big));
  const predictBig = big.x.rows / seconds(t);
  rows.push([m.name, auc(test.y, p), fitSmall, predictSmall, fitBig, predictBig]);
}

printTable(
  `churnscope models on IBM Telco (${train.x.rows} train rows, ${train.x.features.length} features) and Telco replicated to 100k rows; ${cpus().length} cores, Node ${process.version}`,
  ['model', 'test AUC', 'fit s (Telco)', 'predict rows/s', 'fit s (100k)', 'predict rows/s (100k)'],
  rows,
);
rows.length = 0;

// ml-random-forest: 10 trees show its cost; at 100k rows it grows with the square of the rows.
{
  const X = rowsOf(train.x);
  const y = Array.from(train.y);
  // noOOB: with 10 trees some rows are never out of bag and its OOB step throws.
  const rf = new RandomForestClassifier({ nEstimators: 10, seed: 42, maxFeatures: 0.3, noOOB: true });
  let t = performance.now();
  rf.train(X, y);
  const fit = seconds(t);
  const Xt = rowsOf(test.x);
  t = performance.now();
  const p = Float64Array.from(rf.predictProbability(Xt, 1) as number[]);
  const predict = Xt.length / seconds(t);
  rows.push(['ml-random-forest 2.1.0, 10 trees', auc(test.y, p), fit, predict, Number.NaN, Number.NaN]);
}
{
  const X = new Matrix(rowsOf(train.x));
  const y = Matrix.columnVector(Array.from(train.y));
  const lr = new LogisticRegression({ numSteps: 1000, learningRate: 5e-3 });
  let t = performance.now();
  lr.train(X, y);
  const fit = seconds(t);
  const Xt = new Matrix(rowsOf(test.x));
  t = performance.now();
  // Class 1's one-vs-all classifier scores "not class 1" in this library: 1 − score is P(churn).
  const scores = lr.classifiers[1].testScores(Xt) as number[];
  const predict = Xt.rows / seconds(t);
  rows.push(['ml-logistic-regression 2.0.0', auc(test.y, Float64Array.from(scores, (s) => 1 - s)), fit, predict, Number.NaN, Number.NaN]);
}

printTable(
  'The libraries first chosen, on the same Telco split',
  ['model', 'test AUC', 'fit s (Telco)', 'predict rows/s', 'fit s (100k)', 'predict rows/s (100k)'],
  rows,
);
process.stdout.write('– : not run (ml-random-forest grows with the square of the rows; ml-logistic-regression at 100k adds nothing)\n');
