import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { DEFAULT_ACTIONS } from '../../src/config/schema.js';
import { actionFor, DEFAULT_ACTION } from '../../src/score/batch/reasons.js';

const config = (file: string, extra: Record<string, unknown> = {}) => parseConfig({ ...JSON.parse(readFileSync(file, 'utf8')), ...extra }, file);

describe('suggested actions key on roles, not on one table\'s column names', () => {
  it('Telco: Contract and MonthlyCharges take the contract and revenue actions through their roles', () => {
    const c = config('data/ibm-telco-churn.config.json');
    expect(actionFor('Contract=Two year', DEFAULT_ACTIONS, c)).toBe(DEFAULT_ACTIONS.contract);
    expect(actionFor('MonthlyCharges', DEFAULT_ACTIONS, c)).toBe(DEFAULT_ACTIONS.revenue);
    expect(actionFor('tenure_band=0-6', DEFAULT_ACTIONS, c)).toBe(DEFAULT_ACTIONS.tenure);
    expect(actionFor('PaymentMethod=Electronic check', DEFAULT_ACTIONS, c)).toBe(DEFAULT_ACTION);
  });

  it('Iranian: every column mapped to a role gets its role\'s action', () => {
    const c = config('data/iranian-churn.config.json');
    expect(Object.fromEntries(['Call  Failure', 'Complains', 'Customer Value', 'Seconds of Use', 'Frequency of use', 'Distinct Called Numbers', 'Subscription  Length', 'complaints_per_tenure_month', 'revenue_per_minute', 'Tariff Plan']
      .map((f) => [f, actionFor(f, DEFAULT_ACTIONS, c)]))).toEqual({
      'Call  Failure': 'open a network ticket for the customer’s area',
      Complains: 'call back and close the open complaint',
      'Customer Value': 'price review: a better-fitting plan',
      'Seconds of Use': 'check service quality and offer a usage bundle',
      'Frequency of use': 'usage offer: bundle of minutes to frequent contacts',
      'Distinct Called Numbers': 'family and friends offer',
      'Subscription  Length': 'tenure offer: welcome call if new, loyalty reward if long-standing',
      complaints_per_tenure_month: 'call back and close the open complaint',
      revenue_per_minute: 'price review: a plan that fits how little the customer uses',
      'Tariff Plan': DEFAULT_ACTION,
    });
  });

  it('a column summed into a role takes that role\'s action; a configured entry overrides a default', () => {
    const c = config('data/iranian-churn.config.json', { roles: { minutes: ['Total day minutes', 'Total eve minutes'], complaints: 'Customer service calls' } });
    expect(actionFor('Total eve minutes', DEFAULT_ACTIONS, c)).toBe(DEFAULT_ACTIONS.minutes);
    expect(actionFor('total_minutes', DEFAULT_ACTIONS, c)).toBe(DEFAULT_ACTIONS.minutes);
    expect(actionFor('Customer service calls', { ...DEFAULT_ACTIONS, complaints: 'send a care technician' }, c)).toBe('send a care technician');
  });

  it('without a role mapping, by the longest prefix of the feature name alone', () => {
    const actions = { complaints: 'call back', complaints_billing: 'account review', revenue: 'offer a discount' };
    expect([actionFor('complaints_billing_6m', actions), actionFor('complaints_3m', actions), actionFor('MonthlyCharges', actions)]).toEqual(['account review', 'call back', DEFAULT_ACTION]);
  });
});
