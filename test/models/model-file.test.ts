/** Reading a saved model: each way a file can be wrong gets its own message; older versions migrate. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cholesky, choleskyInverse, choleskySolve, standardization } from '../../src/models/linalg.js';
import { loadSavedModel } from '../../src/models/load-model.js';
import { isModelKind, modelFromState } from '../../src/models/registry.js';
import type { ModelState } from '../../src/models/model.js';
import { handCox, handLogistic } from '../helpers/hand-model.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const file = (name: string, value: unknown): string => tmp.write(name, typeof value === 'string' ? value : JSON.stringify(value));
const refusal = async (path: string): Promise<string> => loadSavedModel(path).then(() => 'loaded', (e: Error) => e.message.replace(tmp.dir, 'DIR'));

describe('reading a model file', () => {
  it('loads a current file and scores with it', async () => {
    const loaded = await loadSavedModel(file('ok.json', handLogistic()));
    expect([loaded.saved.version, loaded.model.kind, loaded.model.features]).toEqual([3, 'logistic', ['score']]);
    expect(loaded.model.predictProba({ rows: 1, features: ['score'], columns: [Float64Array.from([0])] })[0]).toBe(0.5);
    expect(loaded.text).toBe(JSON.stringify(handLogistic()));
  });

  it('names what is wrong: missing, a folder, not JSON, not ours, a version it cannot read, a missing part', async () => {
    mkdirSync(join(tmp.dir, 'folder'));
    expect(await refusal(join(tmp.dir, 'none.json'))).toBe('the model file does not exist: check the path');
    expect(await refusal(join(tmp.dir, 'folder'))).toBe('the model is a folder, not a file: name the model file, e.g. run/models/champion.json');
    expect(await refusal(file('cut.json', '{"format": "churnscope-mo'))).toBe('model file DIR/cut.json is corrupt: it is not valid JSON (truncated, or not a churnscope model)');
    expect(await refusal(file('other.json', { format: 'onnx' }))).toBe('not a churnscope model file (format is "onnx", expected "churnscope-model")');
    expect(await refusal(file('array.json', [1, 2]))).toBe('not a churnscope model file (format is undefined, expected "churnscope-model")');
    expect(await refusal(file('v99.json', { ...handLogistic(), version: 99 }))).toBe('model format version 99 is not supported by this churnscope (reads version 3)');
    expect(await refusal(file('v-text.json', { ...handLogistic(), version: '3' }))).toBe('model format version 3 is not supported by this churnscope (reads version 3)');
    const { model, ...noState } = handLogistic();
    expect(model.kind).toBe('logistic');
    expect(await refusal(file('no-state.json', noState))).toMatch(/^model file DIR\/no-state\.json is corrupt: model: /);
  });

  it('migrates a version 1 or 2 logistic file, and refuses an old Cox file', async () => {
    const current = handLogistic();
    const { drift_limit: _limit, ...scoring1 } = current.scoring;
    const v1 = await loadSavedModel(file('v1.json', { ...current, version: 1, scoring: { ...scoring1, horizon_months: 12 }, drift_reference: undefined }));
    expect([v1.saved.version, v1.saved.scoring.drift_limit, v1.saved.drift_reference]).toEqual([3, 0.25, null]);
    expect('horizon_months' in v1.saved.scoring).toBe(false);
    const v2 = await loadSavedModel(file('v2.json', { ...current, version: 2, scoring: { ...current.scoring, drift_limit: 0.4, horizon_months: 6 } }));
    expect([v2.saved.version, v2.saved.scoring.drift_limit, v2.saved.drift_reference]).toEqual([3, 0.4, current.drift_reference]);
    expect(await refusal(file('cox-v2.json', { ...handCox([1], [0.1], 2), version: 2 }))).toBe('a Cox model of format version 2 scored a different probability and cannot be read by this churnscope');
    expect((await loadSavedModel(file('cox-v3.json', handCox([1], [0.1], 2)))).model.kind).toBe('cox');
  });

  it('knows its model kinds', () => {
    expect([isModelKind('logistic'), isModelKind('random_forest'), isModelKind('cox'), isModelKind('tree')]).toEqual([true, true, true, false]);
    expect(() => modelFromState({ kind: 'tree', params: {} } as unknown as ModelState)).toThrow('unknown model kind "tree"');
  });
});

describe('the small linear algebra of the Newton steps', () => {
  const a = Float64Array.from([4, 2, 2, 3]); // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]]

  it('factors, solves and inverts a positive-definite matrix, and says when one is not', () => {
    const l = cholesky(a, 2);
    expect(Array.from(l ?? [])).toEqual([2, 0, 1, Math.SQRT2]);
    const x = choleskySolve(l as Float64Array, 2, Float64Array.from([8, 7])); // 4x + 2y = 8, 2x + 3y = 7 -> (1.25, 1.5)
    expect(x[0]).toBeCloseTo(1.25, 14);
    expect(x[1]).toBeCloseTo(1.5, 14);
    const inv = choleskyInverse(l as Float64Array, 2); // 1/8 · [[3, −2], [−2, 4]]
    [3 / 8, -2 / 8, -2 / 8, 4 / 8].forEach((v, k) => expect(inv[k]).toBeCloseTo(v, 14));
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeNull(); // indefinite
    expect(cholesky(Float64Array.from([1, 1, 1, 1]), 2)).toBeNull(); // singular
    expect(cholesky(Float64Array.from([Number.NaN]), 1)).toBeNull();
    const three = Float64Array.from([4, 2, 0, 2, 5, 3, 0, 3, 6]);
    const l3 = cholesky(three, 3) as Float64Array;
    const back = Array.from({ length: 9 }, (_, k) => { const [i, j] = [Math.floor(k / 3), k % 3]; let s = 0; for (let m = 0; m < 3; m++) s += l3[i * 3 + m] * l3[j * 3 + m]; return s; });
    back.forEach((v, k) => expect(v).toBeCloseTo(three[k], 12));
    expect([l3[1], l3[2], l3[5]]).toEqual([0, 0, 0]); // lower triangular
  });

  it('standardizes with the population standard deviation, a constant column by 1', () => {
    const { mean, sd } = standardization([Float64Array.from([1, 2, 3, 4]), Float64Array.from([5, 5, 5, 5])]);
    expect(Array.from(mean)).toEqual([2.5, 5]);
    expect(sd[0]).toBeCloseTo(Math.sqrt(1.25), 14);
    expect(sd[1]).toBe(1);
  });
});
