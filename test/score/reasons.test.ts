import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FeatureMatrix } from '../../src/data/matrix.js';
import { loadSavedModel, type LoadedModel } from '../../src/models/load-model.js';
import { scoreToArrow } from '../../src/score/score-to-arrow.js';
import { actionFor, reasonSentence } from '../../src/score/batch/reasons.js';
import { readModelMatrix } from '../helpers/model-input.js';
import { trainTelcoLogistic } from '../helpers/telco-model.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const INPUT = resolve('data/ibm-telco-churn.csv');
const models: Record<string, { loaded: LoadedModel; x: FeatureMatrix }> = {};

beforeAll(async () => {
  await trainTelcoLogistic(INPUT, join(tmp.dir, 'run'), ['logistic', 'random_forest']);
  for (const m of ['logistic', 'random_forest']) {
    const loaded = await loadSavedModel(join(tmp.dir, 'run', 'models', `${m}.json`));
    models[m] = { loaded, x: await readModelMatrix(loaded, INPUT) };
  }
});

describe('reasons on Telco', () => {
  it('are faithful to the model: the logistic parts sum to the log-odds', async () => {
    const { loaded: { model }, x } = models.logistic;
    const p = model.predictProba(x);
    for (const i of [0, 11, 2024]) {
      const e = model.explain?.(x, i);
      const logit = (e?.base ?? 0) + (e?.contributions ?? []).reduce((s, c) => s + c.contribution, 0);
      expect(1 / (1 + Math.exp(-logit))).toBeCloseTo(p[i], 12);
    }
    const { list } = await scoreToArrow({ model: join(tmp.dir, 'run', 'models', 'logistic.json'), input: INPUT, rankBy: 'probability', top: 50 });
    expect(list.numRows).toBe(50);
    const column = (name: string): unknown[] => list.getChild(name)?.toArray() ?? [];
    const [c1, c2, c3] = [1, 2, 3].map((k) => column(`reason_${k}_contribution`).map(Number));
    for (let i = 0; i < 50; i++) {
      expect(c1[i]).toBeGreaterThanOrEqual(c2[i]);
      expect(c2[i]).toBeGreaterThanOrEqual(c3[i]);
    }
    expect(column('reason_1').every((s) => String(s).length > 5)).toBe(true);
  });

  it('of the forest are TreeSHAP parts that sum to prediction minus the expected value', () => {
    const { loaded: { model }, x } = models.random_forest;
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
    // The panel's features read the same wherever the sentence is made (a scoring thread loads no panel module).
    expect(reasonSentence('plan=premium', 1)).toBe('tariff plan: premium');
  });
  it('take the action of the longest matching prefix', () => {
    const actions = { complaints: 'call back', complaints_billing: 'account review' };
    expect(actionFor('complaints_billing_6m', actions)).toBe('account review');
    expect(actionFor('complaints_3m', actions)).toBe('call back');
    expect(actionFor('sms', actions)).toBe('personal retention call');
  });
});
