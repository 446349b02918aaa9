/**
 * A logistic model written by hand, and customers whose list entries are worked out by hand from
 * it: P(churn) = σ(−1 + 0.02·charges + 0.5·complaints_1m − 0.5·[plan = basic] + 1·[plan = premium]),
 * parts coef × (x − mean) with means 50, 0.2, 0.5, 0.3, a blank charge imputed at the median 40,
 * value 12 × charges (the revenue role), tiers high ≥ 0.5, medium ≥ 0.25.
 */
import { writeFileSync } from 'node:fs';
import { retentionSchema } from '../../src/config/schema.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type SavedModel } from '../../src/models/artifact.js';
import type { LogisticState } from '../../src/models/logistic.js';

const features = ['charges', 'complaints_1m', 'plan=basic', 'plan=premium'];

const state: LogisticState = {
  kind: 'logistic', params: { l2: 1, maxIter: 100, tol: 1e-8 }, features, intercept: -1, coef: [0.02, 0.5, -0.5, 1],
  se: [0, 0, 0, 0], se_intercept: 0, mean: [50, 0.2, 0.5, 0.3], iterations: 0, log_likelihood: 0,
  design: { references: [], aliased: [] }, null_log_likelihood: 0, concordance: 0.5, rows: 0,
};

export const HAND_MODEL: SavedModel = {
  format: MODEL_FORMAT,
  version: MODEL_FORMAT_VERSION,
  name: 'logistic',
  kind: 'logistic',
  features,
  encoder: {
    columns: [
      { kind: 'numeric', column: 'charges', median: 40 },
      { kind: 'numeric', column: 'complaints_1m', median: 0 },
      { kind: 'categorical', column: 'plan', levels: ['basic', 'premium'] },
    ],
    features,
    derived: [],
    roles: { revenue: 'charges' },
  },
  scoring: { id: 'customer', tiers: { high: 0.5, medium: 0.25 }, duration: null, retention: retentionSchema.parse({}), drift_limit: 0.25, missing_values: [] },
  model: state,
  metrics: {},
  drift_reference: { rows: 0, columns: [] },
};

/** Customers: f6 has no id (rejected, never listed); e5's charge is blank; d4's plan is unknown to the model. */
export const HAND_INPUT = `customer,charges,complaints_1m,plan,segment
a1,100,2,premium,consumer
b2,50,0,basic,consumer
c3,20,0,basic,business
d4,10,0,family,business
e5,,1,premium,consumer
,30,0,basic,consumer
g7,75,0,basic,consumer
`;

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export interface HandRow { id: string; p: number; tier: string; value: number; reasons: [string, string, number, string][] }

/** Each listed customer as worked out by hand: z, then the positive parts coef × (x − mean), largest first. */
export const HAND_ROWS: Record<string, HandRow> = {
  // z = −1 + 2 + 1 + 1; parts: charges 0.02·50, complaints 0.5·1.8, premium 1·0.7 (basic −0.5·−0.5 = 0.25 is fourth)
  a1: { id: 'a1', p: sigmoid(3), tier: 'high', value: 1200, reasons: [
    ['revenue per month (ARPU): 100', 'charges', 1, 'price review: a better-fitting plan'],
    ['2 complaints in the last month', 'complaints_1m', 0.9, 'call back and close the open complaint'],
    ['tariff plan: premium', 'plan=premium', 0.7, 'price review: a better-fitting plan'],
  ] },
  // z = −1 + 1 − 0.5; every part is 0 or negative: no reason
  b2: { id: 'b2', p: sigmoid(-0.5), tier: 'medium', value: 600, reasons: [] },
  // z = −1 + 0.4 − 0.5 = −1.1: P = 0.24974, just under the medium threshold
  c3: { id: 'c3', p: sigmoid(-1.1), tier: 'low', value: 240, reasons: [] },
  // z = −1 + 0.2 (no known plan); the one positive part: not basic, −0.5 · (0 − 0.5)
  d4: { id: 'd4', p: sigmoid(-0.8), tier: 'medium', value: 120, reasons: [['tariff plan: not basic', 'plan=basic', 0.25, 'price review: a better-fitting plan']] },
  // charges imputed at 40: z = −1 + 0.8 + 0.5 + 1; value 0 (no charge to value)
  e5: { id: 'e5', p: sigmoid(1.3), tier: 'high', value: 0, reasons: [
    ['tariff plan: premium', 'plan=premium', 0.7, 'price review: a better-fitting plan'],
    ['1 complaint in the last month', 'complaints_1m', 0.4, 'call back and close the open complaint'],
    ['tariff plan: not basic', 'plan=basic', 0.25, 'price review: a better-fitting plan'],
  ] },
  // z = −1 + 1.5 − 0.5 = 0: P = 0.5 exactly, at the high threshold
  g7: { id: 'g7', p: 0.5, tier: 'high', value: 900, reasons: [['revenue per month (ARPU): 75', 'charges', 0.5, 'price review: a better-fitting plan']] },
};

export function writeHandModel(dir: string): { model: string; input: string } {
  const model = `${dir}/hand-model.json`;
  const input = `${dir}/hand-input.csv`;
  writeFileSync(model, JSON.stringify(HAND_MODEL));
  writeFileSync(input, HAND_INPUT);
  return { model, input };
}
