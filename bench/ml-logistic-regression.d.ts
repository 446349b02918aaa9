// The package ships no types; this is the part the benchmark uses.
declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';
  export default class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    classifiers: { testScores(x: Matrix): number[] }[];
    train(x: Matrix, y: Matrix): void;
  }
}
