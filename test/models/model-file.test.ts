/**
 * A model file is checked by one schema before anything is scored: a hand-corrupted file is
 * "model file X is corrupt: <key>: <what>", never a TypeError, never a list of blank probabilities.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { addDerivedFeatures } from '../../src/features/derived.js';
import { readCustomerTable } from '../../src/ingest/read-table.js';
import { savedModelSchema } from '../../src/models/artifact.js';
import { MODEL_STATE_SCHEMAS } from '../../src/models/state-schemas.js';
import { trainTable } from '../../src/pipeline/train.js';
import { loadSavedModel } from '../../src/models/load-model.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const TELCO = resolve('data/ibm-telco-churn.csv');
type Json = Record<string, unknown> & { model: Record<string, unknown>; features: string[] };
const saved = (kind: string): Json => JSON.parse(readFileSync(join(tmp.dir, 'run', 'models', `${kind}.json`), 'utf8')) as Json;

beforeAll(async () => {
  const config = parseConfig({
    source: TELCO, id: 'customerID', target: { column: 'Churn', churned: 'Yes' }, duration: 'tenure', exclude_from_survival: ['TotalCharges'],
    roles: { tenure: 'tenure', revenue: 'MonthlyCharges', contract: 'Contract' }, models: ['logistic', 'random_forest', 'cox'], model_params: { random_forest: { trees: 10 } },
  }, 'churnscope.json');
  await trainTable(config, addDerivedFeatures(await readCustomerTable(config), config.roles), join(tmp.dir, 'run'));
});

async function corruptMessage(name: string, model: unknown): Promise<string> {
  const file = tmp.write(`${name}.json`, JSON.stringify(model));
  try {
    await loadSavedModel(file);
  } catch (e) {
    return (e as Error).message.replace(file, 'FILE');
  }
  return 'loaded';
}

describe('a model file is validated on load', () => {
  it('accepts what training wrote, for every kind', () => {
    for (const kind of ['logistic', 'random_forest', 'cox']) expect(savedModelSchema.safeParse(saved(kind)).success).toBe(true);
  });

  it('names what is wrong in a hand-corrupted file', async () => {
    const lr = saved('logistic');
    const rf = saved('random_forest');
    const cases: [string, unknown, string][] = [
      ['cut', { ...lr, features: lr.features.slice(0, 3) }, `features: the file lists 3 features but its model was fitted on ${lr.features.length}`],
      ['swapped', { ...lr, kind: 'random_forest', model: { ...lr.model, kind: 'random_forest' } }, 'model.params.trees: Invalid input: expected number, received undefined'],
      ['kind-only', { ...lr, kind: 'random_forest' }, 'kind: the file says kind "random_forest" but its model section is a logistic model'],
      ['encoder', { ...lr, encoder: {} }, 'encoder.columns: Invalid input: expected array, received undefined'],
      ['strings', { ...lr, model: { ...lr.model, coef: (lr.model.coef as number[]).map(String) } }, 'model.coef[0]: Invalid input: expected number, received string'],
      ['null-coef', { ...lr, model: { ...lr.model, coef: (lr.model.coef as number[]).map((c, j) => (j === 2 ? null : c)) } }, 'model.coef[2]: Invalid input: expected number, received null'],
      ['short-coef', { ...lr, model: { ...lr.model, coef: (lr.model.coef as number[]).slice(1) } }, `model.coef: has ${lr.features.length - 1} entries for ${lr.features.length} features`],
      ['many-trees', { ...rf, model: { ...rf.model, params: { ...(rf.model.params as object), trees: 'many' } } }, 'model.params.trees: Invalid input: expected number, received string'],
      ['no-trees', { ...rf, model: { ...rf.model, trees: [] } }, 'model.trees: Too small: expected array to have >=1 items'],
      ['bad-child', { ...rf, model: { ...rf.model, trees: [{ ...(rf.model.trees as Record<string, number[]>[])[0], left: [99999, ...(rf.model.trees as Record<string, number[]>[])[0].left.slice(1)] }] } }, 'model.trees[0].left[0]: node 0 points to node 99999, outside its tree'],
      ['unknown-kind', { ...lr, kind: 'magic', model: { ...lr.model, kind: 'magic' } }, `kind: expected a model kind this churnscope reads (${Object.keys(MODEL_STATE_SCHEMAS).join(', ')})`],
      ['no-scoring', { ...lr, scoring: null }, 'scoring: Invalid input: expected object, received null'],
    ];
    for (const [name, model, what] of cases) expect(await corruptMessage(name, model)).toBe(`model file FILE is corrupt: ${what}`);
  });

  it('the CLI says so in one line and writes no list', async () => {
    const lr = saved('logistic');
    const file = tmp.write('strings-cli.json', JSON.stringify({ ...lr, model: { ...lr.model, coef: (lr.model.coef as number[]).map(String) } }));
    const out = join(tmp.dir, 'never.csv');
    const { code, stderr } = await runCli('score', '--model', file, '--input', TELCO, '--out', out);
    expect(code).toBe(1);
    expect(stderr).toBe(`churnscope: model error (file ${file}): model file ${file} is corrupt: model.coef[0]: Invalid input: expected number, received string Retrain it, or restore the file churnscope wrote.\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('a truncated file is corrupt too', async () => {
    const text = readFileSync(join(tmp.dir, 'run', 'models', 'cox.json'), 'utf8');
    const file = tmp.write('cut.json', text.slice(0, text.length >> 1));
    writeFileSync(file, text.slice(0, text.length >> 1));
    await expect(loadSavedModel(file)).rejects.toThrow(`model file ${file} is corrupt: it is not valid JSON (truncated, or not a churnscope model)`);
  });
});
