import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { addDerivedFeatures } from '../../src/features/derived.js';
import { readCustomerTable } from '../../src/ingest/read-table.js';
import type { CustomerTable } from '../../src/ingest/table.js';
import type { OutColumn } from '../../src/io/table-writer.js';
import { trainTable } from '../../src/pipeline/train.js';
import { loadSavedModel, type LoadedModel } from '../../src/score/load-model.js';
import { actionFor, reasonSentence } from '../../src/score/reasons.js';
import { modelMatrix, retentionList } from '../../src/score/retention-list.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const config = parseConfig({
  source: 'data/ibm-telco-churn.csv', id: 'customerID', target: { column: 'Churn', churned: 'Yes' }, duration: 'tenure',
  roles: { tenure: 'tenure', revenue: 'MonthlyCharges', contract: 'Contract' }, exclude_from_survival: ['TotalCharges'],
  models: ['logistic', 'random_forest'], model_params: { random_forest: { trees: 40 } },
}, 'churnscope.json');

let table: CustomerTable;
const models: Record<string, LoadedModel> = {};
const get = (cols: OutColumn[], name: string): OutColumn['values'] => {
  const c = cols.find((x) => x.name === name);
  if (c === undefined) throw new Error(`no column ${name}`);
  return c.values;
};

beforeAll(async () => {
  table = addDerivedFeatures(await readCustomerTable(config), config.roles);
  await trainTable(config, table, join(tmp.dir, 'run'));
  for (const m of ['logistic', 'random_forest']) models[m] = await loadSavedModel(join(tmp.dir, 'run', 'models', `${m}.json`));
});

describe('the retention list', () => {
  it('values customers at 12 months of revenue and ranks by value at risk', () => {
    const cols = retentionList(models.logistic, table);
    const p = get(cols, 'churn_probability') as Float64Array;
    const value = get(cols, 'value') as Float64Array;
    const risk = get(cols, 'value_at_risk') as Float64Array;
    const ids = get(cols, 'id') as string[];
    const charges = table.columns.find((c) => c.name === 'MonthlyCharges')?.values as Float64Array;
    const row = table.ids.indexOf(ids[0]);
    expect(value[0]).toBeCloseTo(charges[row] * 12, 9);
    for (let i = 0; i < 100; i++) expect(risk[i]).toBeCloseTo(value[i] * p[i], 9);
    for (let i = 1; i < risk.length; i++) expect(risk[i]).toBeLessThanOrEqual(risk[i - 1]);
    expect(Array.from(get(cols, 'rank') as Int32Array).slice(0, 3)).toEqual([1, 2, 3]);
  });

  it('filters by tier and top N, and ranks by probability on request', () => {
    const cols = retentionList(models.logistic, table, { rankBy: 'probability', tier: 'high', top: 25 });
    const p = get(cols, 'churn_probability') as Float64Array;
    expect(p.length).toBe(25);
    expect(new Set(get(cols, 'risk_tier') as string[])).toEqual(new Set(['high']));
    for (let i = 1; i < p.length; i++) expect(p[i]).toBeLessThanOrEqual(p[i - 1]);
  });

  it('flags customers whose probability rose since the previous run', () => {
    const first = retentionList(models.logistic, table, { rankBy: 'probability', top: 3 });
    const ids = get(first, 'id') as string[];
    const p = get(first, 'churn_probability') as Float64Array;
    const previous = new Map([[ids[0], p[0] - 0.2], [ids[1], p[1] - 0.01]]);
    const cols = retentionList(models.logistic, table, { rankBy: 'probability', top: 3, previous });
    expect(Array.from(get(cols, 'early_warning') as Uint8Array).slice(0, 2)).toEqual([1, 0]);
    expect((get(cols, 'warning_signals') as string[])[0]).toBe('churn probability rose 20 points since the last run');
  });

  it('gives reasons faithful to the model: the logistic parts sum to the log-odds', () => {
    const { model } = models.logistic;
    const x = modelMatrix(models.logistic, table);
    const p = model.predictProba(x);
    for (const i of [0, 11, 2024]) {
      const e = model.explain?.(x, i);
      const logit = (e?.base ?? 0) + (e?.contributions ?? []).reduce((s, c) => s + c.contribution, 0);
      expect(1 / (1 + Math.exp(-logit))).toBeCloseTo(p[i], 12);
    }
    const cols = retentionList(models.logistic, table, { rankBy: 'probability', top: 50 });
    const c1 = get(cols, 'reason_1_contribution') as Float64Array;
    const c2 = get(cols, 'reason_2_contribution') as Float64Array;
    for (let i = 0; i < 50; i++) expect(c1[i]).toBeGreaterThanOrEqual(c2[i]);
    expect((get(cols, 'reason_1') as string[]).every((s) => s.length > 5)).toBe(true);
  });

  it('the forest reasons are Saabas parts that sum to prediction minus base rate', () => {
    const { model } = models.random_forest;
    const x = modelMatrix(models.random_forest, table);
    const p = model.predictProba(x);
    for (const i of [0, 5, 999, 7000]) {
      const e = model.explain?.(x, i);
      expect((e?.contributions ?? []).reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(p[i] - (e?.base ?? 0), 12);
    }
  });
});

describe('reason sentences and actions', () => {
  it('speak plainly', () => {
    expect(reasonSentence('out_calls_change_3m', -0.45)).toBe('outgoing calls fell 45% against the previous 3 months');
    expect(reasonSentence('complaints_3m', 3)).toBe('3 complaints in the last 3 months');
    expect(reasonSentence('unresolved_complaints', 1)).toBe('1 complaint still unresolved');
    expect(reasonSentence('months_to_contract_end', 1)).toBe('contract ends in 1 month');
    expect(reasonSentence('dropped_call_rate', 0.075)).toBe('7.5% of calls dropped');
    expect(reasonSentence('Contract=Month-to-month', 1, { contract: 'Contract' })).toBe('the contract type: Month-to-month');
    expect(reasonSentence('complaints_billing_6m', 2)).toBe('2 billing complaints in the last 6 months');
  });
  it('take the action of the longest matching prefix', () => {
    const actions = { complaints: 'call back', complaints_billing: 'account review' };
    expect(actionFor('complaints_billing_6m', actions)).toBe('account review');
    expect(actionFor('complaints_3m', actions)).toBe('call back');
    expect(actionFor('sms', actions)).toBe('personal retention call');
  });
});
