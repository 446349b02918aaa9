/** Customer value: monthly revenue × value_months, from the configured column or the revenue role. */
import { describe, expect, it } from 'vitest';
import type { CustomerTable, RawColumn } from '../../src/ingest/table.js';
import { UsageError } from '../../src/errors.js';
import { customerValue, valueColumn } from '../../src/score/batch/value.js';
import { hasValue, resolveRankBy } from '../../src/score/list/ranking.js';
import { handLogistic } from '../helpers/hand-model.js';

const num = (name: string, values: number[]): RawColumn => ({ name, kind: 'numeric', values: Float64Array.from(values) });
const table = (...columns: RawColumn[]): CustomerTable => ({ source: 'hand.csv', rows: columns[0].values.length, ids: [], columns, warnings: [] });

describe('customer value', () => {
  it('is revenue × value_months; a blank or non-finite revenue is worth 0, not NaN', () => {
    const saved = handLogistic({ retention: { value_months: 6 } });
    const t = table(num('score', [0, 0, 0, 0]), num('revenue', [50, Number.NaN, 20.5, Number.POSITIVE_INFINITY]));
    expect(Array.from(customerValue(saved, t) ?? [])).toEqual([300, 0, 123, 0]);
  });

  it('reads the configured value column before the revenue role; none, or a text column, is no value', () => {
    const configured = handLogistic({ retention: { value_column: 'arpu' } }); // value_months 12 by default
    expect(valueColumn(configured)).toBe('arpu');
    expect(Array.from(customerValue(configured, table(num('arpu', [2]), num('revenue', [100]))) ?? [])).toEqual([24]);
    expect(valueColumn(handLogistic({ revenue: null }))).toBeNull();
    expect(customerValue(handLogistic({ revenue: null }), table(num('revenue', [100])))).toBeNull();
    expect(customerValue(handLogistic(), table(num('score', [1])))).toBeNull(); // the column is absent
    expect(customerValue(handLogistic(), table({ name: 'revenue', kind: 'text', values: ['100'] }))).toBeNull();
  });
});

describe('what the list ranks by', () => {
  it('value at risk when the model values customers (a revenue role or value_column), else probability; asked for without a value, refused', () => {
    const noValue = handLogistic({ revenue: null });
    const configured = handLogistic({ revenue: null, retention: { value_column: 'arpu' } });
    expect([hasValue(handLogistic()), hasValue(noValue), hasValue(configured)]).toEqual([true, false, true]);
    expect([resolveRankBy(handLogistic(), undefined), resolveRankBy(handLogistic(), 'probability'), resolveRankBy(configured, undefined)]).toEqual(['value_at_risk', 'probability', 'value_at_risk']);
    expect(resolveRankBy(noValue, undefined)).toBe('probability'); // the config's value_at_risk cannot be honoured
    expect(() => resolveRankBy(noValue, 'value_at_risk')).toThrow(new UsageError('ranking by value at risk needs a revenue role or retention.value_column in the model; use --rank-by probability', { key: 'retention.rank_by' }));
    try {
      resolveRankBy(noValue, 'value_at_risk');
    } catch (e) {
      expect((e as UsageError).context).toEqual({ key: 'retention.rank_by' });
    }
  });
});
