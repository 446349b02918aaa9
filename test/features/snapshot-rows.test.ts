/**
 * A snapshot's rows and refusals on a small hand-made panel (2025-01 .. 2025-06): the rows an
 * outcome window excludes are dropped from every column alike, the label's working columns stay
 * out of the features, a blank segment stays missing, rows past DuckDB's first chunk land in
 * their place, and each refusal names the month (and the file for a month outside the data).
 */
import { describe, expect, it } from 'vitest';
import { writePanel, snapshotOf, type HandCustomer, type HandUsage } from '../helpers/panel.js';

const MONTHS = ['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06'];
const LABELS = { gap: 0, horizon: 2, label: 'churn' as const, topBand: 0.2 };

// T = 2025-03, outcome window April and May. Ids sort a, b, c: the excluded row comes first, so
// the kept rows are not the first rows.
const customers: HandCustomer[] = [
  { id: 'a_fraud', activation: '2024-06-15', deactivation: '2025-04-20', reason: 'fraud', segment: 'consumer' },
  { id: 'b_leaves', activation: '2024-01-15', deactivation: '2025-05-10', reason: 'voluntary', segment: 'key_account' },
  { id: 'c_stays', activation: '2023-03-15', segment: '' },
];
const calls: Record<string, number> = { a_fraud: 7, b_leaves: 5, c_stays: 3 };
const usage: HandUsage[] = customers.flatMap((c) => MONTHS.map((month) => ({ id: c.id, month, out_calls: calls[c.id], in_calls: 2 })));
const files = writePanel(customers, usage);

const column = (values: ArrayLike<unknown>): unknown[] => Array.from(values);

describe('a labelled snapshot', () => {
  it('drops the excluded rows from every column alike and keeps the label’s columns out of the features', async () => {
    const { table, counts } = await snapshotOf(files, '2025-03', { window: 3, labels: LABELS });
    expect(counts).toEqual({ month: '2025-03', active: 3, labelled: 2, churned: 1, excluded_involuntary: 1, excluded_left_in_gap: 0, excluded_other: 0 });
    expect(table.ids).toEqual(['b_leaves', 'c_stays']);
    expect(column(table.target ?? [])).toEqual([1, 0]);
    const get = (name: string): unknown[] => column(table.columns.find((c) => c.name === name)?.values ?? []);
    // Tenure at 2025-03-01: 14 and 24 months; the months' outgoing calls 5 and 3; a blank segment is missing, not "null".
    expect(get('tenure_months')).toEqual([14, 24]);
    expect(get('out_calls')).toEqual([5, 3]);
    expect(get('segment')).toEqual(['key_account', null]);
    expect(get('plan')).toEqual(['basic', 'basic']);
    // The same features as the unlabelled snapshot: the label, its exclusion reason and the duration are not features.
    const unlabelled = await snapshotOf(files, '2025-03', { window: 3 });
    expect(table.columns.map((c) => c.name)).toEqual(unlabelled.table.columns.map((c) => c.name));
    expect(unlabelled.table.ids).toEqual(['a_fraud', 'b_leaves', 'c_stays']);
    expect(unlabelled.table.columns.find((c) => c.name === 'segment')?.values).toEqual(['consumer', 'key_account', null]);
    expect(table.source).toBe(files.usage);
    expect(table.warnings).toEqual([]);
  });

  it('is refused when every active customer is excluded from the outcome window', async () => {
    const gone = writePanel([{ id: 'only', activation: '2024-01-15', deactivation: '2025-04-10', reason: 'fraud' }], MONTHS.map((month) => ({ id: 'only', month })));
    await expect(snapshotOf(gone, '2025-03', { window: 3, labels: LABELS })).rejects.toMatchObject({
      name: 'InputError', message: 'no customer can be labelled at 2025-03: the outcome window is empty', context: { key: 'month' },
    });
  });
});

describe('the reference month refused', () => {
  it('not a month, before or after the data, or an outcome window past its end: each names the month (and the data’s file)', async () => {
    await expect(snapshotOf(files, 'March', { window: 3 })).rejects.toMatchObject({ message: 'the reference month "March" is not a month (YYYY-MM)', context: { key: 'month' } });
    for (const month of ['2024-12', '2025-07']) {
      await expect(snapshotOf(files, month, { window: 3 })).rejects.toMatchObject({
        message: `the reference month ${month} is outside the data, which runs from 2025-01 to 2025-06`, context: { file: files.usage, key: 'month' },
      });
    }
    await expect(snapshotOf(files, '2025-05', { window: 3, labels: LABELS })).rejects.toMatchObject({
      message: "the outcome window of 2025-05 (2025-06 to 2025-07) ends after the data's last month 2025-06: pick an earlier reference month",
      context: { key: 'month' },
    });
  });
});

describe('a snapshot larger than one DuckDB chunk (2,048 rows)', () => {
  it('puts every row of the second chunk in its place', async () => {
    const ids = Array.from({ length: 2100 }, (_, i) => `c${String(i).padStart(4, '0')}`);
    const many = writePanel(ids.map((id) => ({ id, activation: '2024-01-15' })), ids.map((id, i) => ({ id, month: '2025-01', out_calls: i })));
    const { table } = await snapshotOf(many, '2025-01', { window: 1 });
    expect(table.ids).toEqual(ids);
    expect(column(table.columns.find((c) => c.name === 'out_calls')?.values ?? [])).toEqual(ids.map((_, i) => i));
  });
});
