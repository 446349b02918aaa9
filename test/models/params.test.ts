import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { makeMatrix } from '../../src/data/matrix.js';
import { ChurnscopeError } from '../../src/errors.js';
import type { ForestModel } from '../../src/models/forest/forest.js';
import type { LogisticState } from '../../src/models/logistic.js';
import { modelParamsTable } from '../../src/models/param-table.js';
import { fitModel } from '../../src/models/registry.js';
import { treeDepth } from '../../src/models/trees/tree-shap.js';
import { Rng } from '../../src/rng.js';

const telco = JSON.parse(readFileSync('data/ibm-telco-churn.config.json', 'utf8')) as Record<string, unknown>;

function configMessage(modelParams: unknown): string {
  try {
    parseConfig({ ...telco, model_params: modelParams }, 'c.json');
    return 'no error';
  } catch (e) {
    return e instanceof ChurnscopeError ? e.describe() : String(e);
  }
}

describe('model parameters in the config', () => {
  it('refuses an unknown key, a wrong type, a value out of range and an unknown model, naming the model, the key and what is allowed', () => {
    expect(configMessage({ random_forest: { maxDepth: 8 } })).toBe('config error (file c.json, key "model_params.random_forest.maxDepth"): unknown parameter "maxDepth" for random_forest; allowed: trees, max_depth, min_samples_leaf, max_features, bins, workers');
    expect(configMessage({ random_forest: { trees: 'many' } })).toBe('config error (file c.json, key "model_params.random_forest.trees"): Invalid input: expected number, received string');
    expect(configMessage({ logistic: { l2: -1 } })).toBe('config error (file c.json, key "model_params.logistic.l2"): Too small: expected number to be >=0');
    expect(configMessage({ random_forest: { bins: 256 } })).toBe('config error (file c.json, key "model_params.random_forest.bins"): Too big: expected number to be <=255');
    expect(configMessage({ logistic: { max_iter: 0 } })).toBe('config error (file c.json, key "model_params.logistic.max_iter"): Too small: expected number to be >=1');
    expect(configMessage({ cox: { ties: 'exact' } })).toBe('config error (file c.json, key "model_params.cox.ties"): Invalid option: expected one of "efron"|"breslow"');
    expect(configMessage({ sequence: { positive_weight: -1 } })).toMatch(/^config error \(file c\.json, key "model_params\.sequence\.positive_weight"\): /);
    expect(configMessage({ xgboost: {} })).toBe('config error (file c.json, key "model_params.xgboost"): unknown model "xgboost" in model_params; the models are: logistic, random_forest, gradient_boosting, cox, sequence');
    expect(configMessage({ random_forest: { max_depth: 8 }, gradient_boosting: { max_depth: 4 } })).toBe('no error');
  });

  it('hands snake_case values to the models: max_depth 2 grows forest trees two levels deep, max_iter caps the Cox fit', async () => {
    const rng = new Rng(1);
    const n = 300;
    const a = Float64Array.from({ length: n }, () => rng.next());
    const b = Float64Array.from({ length: n }, () => rng.next());
    const y = Uint8Array.from(a, (v, i) => (v + b[i] + 0.3 * rng.next() > 1.1 ? 1 : 0));
    const x = makeMatrix(['a', 'b'], [a, b]);
    const forest = (await fitModel('random_forest', { x, y }, { max_depth: 2, trees: 5, workers: 1 }, new Rng(2))) as ForestModel;
    expect(forest.state.params).toMatchObject({ maxDepth: 2, trees: 5, minSamplesLeaf: 3 });
    expect(Math.max(...forest.state.trees.map(treeDepth))).toBe(2);
    const message = await fitModel('logistic', { x, y }, { max_iter: 1 }, new Rng(3)).then(() => 'converged', (e: Error) => e.message);
    expect(message).toBe('the logistic fit did not converge in 1 iterations; raise max_iter or l2');
    expect(((await fitModel('logistic', { x, y }, { l2: 5 }, new Rng(3))).toJSON() as LogisticState).params).toEqual({ l2: 5, maxIter: 100, tol: 1e-8 });
  });

  it('are documented in the README by the table their schemas write (npm run schema)', () => {
    expect(readFileSync('README.md', 'utf8')).toContain(modelParamsTable());
    expect(modelParamsTable()).toContain('| random_forest | `max_depth` | `12` | whole number ≥ 1, ≤ 64 | deepest split level |');
  });
});
