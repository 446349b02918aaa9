import { describe, expect, it } from 'vitest';
import { makeMatrix, selectFeatures } from '../../src/data/matrix.js';
import { DEFAULT_COX_PARAMS, fitCox } from '../../src/models/cox.js';
import { DEFAULT_LOGISTIC_PARAMS, fitLogistic } from '../../src/models/logistic.js';
import { tableSurvival } from '../../src/labels/survival.js';
import { Rng } from '../../src/rng.js';

// Twelve customers: a plan with two levels (one becomes the reference and is dropped), usage, tenure.
const planA = Float64Array.from([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
const x = makeMatrix(['plan=a', 'plan=b', 'usage', 'tenure'], [
  planA, planA.map((v) => 1 - v),
  Float64Array.from([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]),
  Float64Array.from([2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5]),
]);
const y = Uint8Array.from([1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1]);

describe('linear models score the matrix they were fitted on by name', () => {
  it('logistic: the training matrix (with the reference level) scores as its own columns do', () => {
    const model = fitLogistic({ x, y }, DEFAULT_LOGISTIC_PARAMS, new Rng(1));
    expect(model.features.length).toBe(3); // one plan level is the reference
    const own = model.predictProba(selectFeatures(x, model.features));
    expect(Array.from(model.predictProba(x))).toEqual(Array.from(own));
    expect(Array.from(model.explainBatch(x).contributions)).toEqual(Array.from(model.explainBatch(selectFeatures(x, model.features)).contributions));
    expect(() => model.predictProba(selectFeatures(x, ['usage']))).toThrow('feature "');
    // Its own columns reordered: the last one left in its place, then none.
    const own3 = selectFeatures(x, model.features);
    for (const order of [[1, 0, 2], [2, 0, 1]]) {
      const shuffled = selectFeatures(own3, order.map((j) => model.features[j]));
      expect(Array.from(model.predictProba(shuffled))).toEqual(Array.from(own));
    }
  });

  it('Cox: the same, for probabilities, survival and parts', () => {
    const model = fitCox({ x, y, survival: tableSurvival(x.columns[3], 'tenure', 1, 'months', 'window_start') }, DEFAULT_COX_PARAMS, new Rng(1));
    const own = selectFeatures(x, model.features);
    expect(model.features).not.toEqual(x.features);
    expect(Array.from(model.predictProba(x))).toEqual(Array.from(model.predictProba(own)));
    expect(model.survival(x, [3]).map((c) => Array.from(c))).toEqual(model.survival(own, [3]).map((c) => Array.from(c)));
  });
});
