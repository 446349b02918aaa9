/** A config's model_params are checked against the model file's own parameter schemas before any fit. */
import { describe, expect, it } from 'vitest';
import { checkModelParams } from '../../src/models/state-schemas.js';

const refusal = (f: () => void): string => {
  try {
    f();
    return 'accepted';
  } catch (e) {
    return `${(e as Error).message} @ ${String((e as { context?: { key?: string } }).context?.key)}`;
  }
};

describe('model_params in a config', () => {
  it('accepts any subset of a kind\'s parameters with values in range', () => {
    expect(refusal(() => checkModelParams('random_forest', { trees: 20, maxFeatures: 'sqrt' }))).toBe('accepted');
    expect(refusal(() => checkModelParams('cox', {}))).toBe('accepted');
    expect(refusal(() => checkModelParams('blend', { anything: 1 }))).toBe('accepted');
  });

  it('refuses a wrong type, a value out of range and an unknown key, naming the key', () => {
    expect(refusal(() => checkModelParams('random_forest', { trees: 'many' }))).toMatch(/^Invalid input: expected number, received string \(parameters of random_forest: trees, maxDepth, minSamplesLeaf, maxFeatures, bins, workers\) @ model_params\.random_forest\.trees$/);
    expect(refusal(() => checkModelParams('logistic', { l2: -1 }))).toMatch(/@ model_params\.logistic\.l2$/);
    expect(refusal(() => checkModelParams('random_forest', { bins: 256 }))).toMatch(/@ model_params\.random_forest\.bins$/);
    expect(refusal(() => checkModelParams('gradient_boosting', { rounds: 0 }))).toMatch(/@ model_params\.gradient_boosting\.rounds$/);
    expect(refusal(() => checkModelParams('sequence', { ig_steps: 512 }))).toMatch(/@ model_params\.sequence\.ig_steps$/); // beyond the most nodes integrated gradients take
    expect(refusal(() => checkModelParams('logistic', { C: 1 }))).toBe('unknown parameter "C" for logistic; allowed: l2, maxIter, tol @ model_params.logistic.C');
  });
});
