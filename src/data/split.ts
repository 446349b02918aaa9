/**
 * Seeded train/test splits. Stratified so both sides keep the churn rate; out-of-time for panels.
 */
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
