/**
 * Seeded train/test splits. Stratified so both sides keep the churn rate; out-of-time for panels.
 */
import { InputError } from '../errors.js';
import { Rng } from '../rng.js';

export interface Split {
  kind: 'stratified' | 'out_of_time' | 'kfold';
  train: Int32Array;
  test: Int32Array;
}

/** Stratified random split: each class is shuffled and cut at the same fraction. */
export function stratifiedSplit(y: Uint8Array, testFraction: number, seed: number): Split {
  const rng = new Rng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    for (let i = 0; i < y.length; i++) if (y[i] === cls) idx.push(i);
    rng.shuffle(idx);
    const nTest = Math.round(idx.length * testFraction);
    for (let k = 0; k < idx.length; k++) (k < nTest ? test : train).push(idx[k]);
  }
  train.sort((a, b) => a - b);
  test.sort((a, b) => a - b);
  return { kind: 'stratified', train: Int32Array.from(train), test: Int32Array.from(test) };
}

/** Stratified k folds: fold f is the test side of split f. */
export function stratifiedFolds(y: Uint8Array, k: number, seed: number): Split[] {
  const rng = new Rng(seed);
  const fold = new Int32Array(y.length);
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    for (let i = 0; i < y.length; i++) if (y[i] === cls) idx.push(i);
    rng.shuffle(idx);
    idx.forEach((row, k2) => { fold[row] = k2 % k; });
  }
  const splits: Split[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < y.length; i++) (fold[i] === f ? test : train).push(i);
    splits.push({ kind: 'kfold', train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return splits;
}

/** Out-of-time split: rows of periods before `testPeriod` train, rows of `testPeriod` test. */
export function outOfTimeSplit(period: Int32Array, testPeriod: number): Split {
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < period.length; i++) {
    if (period[i] < testPeriod) train.push(i);
    else if (period[i] === testPeriod) test.push(i);
  }
  return { kind: 'out_of_time', train: Int32Array.from(train), test: Int32Array.from(test) };
}

/**
 * Refuses a split that cannot be fitted or measured: both sides need churners and stayers (AUC,
 * lift and the champion choice mean nothing on one class). An empty test side is refused too,
 * unless `testWanted` is false (a config asking for no test).
 */
export function checkSplit(split: Split, y: Uint8Array, file: string, testWanted = true): void {
  const classes = (rows: Int32Array): { churned: number; stayed: number } => {
    let churned = 0;
    for (let k = 0; k < rows.length; k++) churned += y[rows[k]];
    return { churned, stayed: rows.length - churned };
  };
  const train = classes(split.train);
  if (train.churned === 0 || train.stayed === 0) {
    throw new InputError(`the training rows hold ${train.churned} churners and ${train.stayed} stayers: a model needs both`, { file, key: 'target' });
  }
  if (split.test.length === 0) {
    if (testWanted) throw new InputError(`the test split is empty: ${y.length} rows are too few to hold out a test (use more data, or a larger split.test_fraction)`, { file, key: 'split.test_fraction' });
    return;
  }
  const test = classes(split.test);
  if (test.churned === 0 || test.stayed === 0) {
    const where = split.kind === 'out_of_time' ? 'the test month' : 'the test split';
    throw new InputError(`${where} holds ${test.churned} churners and ${test.stayed} stayers among ${split.test.length} rows: its metrics need both (use more data${split.kind === 'out_of_time' ? ' or another test_month' : ', or a larger split.test_fraction'})`, { file, key: split.kind === 'out_of_time' ? 'test_month' : 'split.test_fraction' });
  }
}
