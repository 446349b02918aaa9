/**
 * Churn and value-downgrade labels on a hand-made panel whose deactivations sit exactly on every
 * boundary of the gap and the outcome window. T = 2025-06, gap 1, horizon 2: the window runs from
 * 2025-08-01 up to (not including) 2025-10-01; July is the gap.
 */
import { describe, expect, it } from 'vitest';
import { labelQuery } from '../../src/labels/windows.js';
import { snapshotOf, valueOf, writePanel, type HandCustomer, type HandUsage } from '../helpers/panel.js';

const LABELS = { gap: 1, horizon: 2, label: 'churn' as const, topBand: 0.2 };
const MONTHS = Array.from({ length: 12 }, (_, k) => `2025-${String(k + 1).padStart(2, '0')}`);
const flat = (id: string): HandUsage[] => MONTHS.map((month) => ({ id, month, out_calls: 1, in_calls: 1, revenue: 10 }));

const customers: HandCustomer[] = [
  { id: 'stay', activation: '2024-01-15' },
  { id: 'gap_first_day', activation: '2024-01-15', deactivation: '2025-07-01', reason: 'voluntary' },
  { id: 'gap_last_day', activation: '2024-01-15', deactivation: '2025-07-31', reason: 'voluntary' },
  { id: 'window_first_day', activation: '2024-01-15', deactivation: '2025-08-01', reason: 'voluntary' },
  { id: 'window_last_day', activation: '2024-01-15', deactivation: '2025-09-30', reason: 'port_out' },
  { id: 'after_window', activation: '2024-01-15', deactivation: '2025-10-01', reason: 'voluntary' },
  { id: 'unpaid_first_day', activation: '2024-01-15', deactivation: '2025-08-01', reason: 'non_payment' },
  { id: 'fraud_last_day', activation: '2024-01-15', deactivation: '2025-09-30', reason: 'fraud' },
  { id: 'fraud_after', activation: '2024-01-15', deactivation: '2025-10-01', reason: 'fraud' },
];
const files = writePanel(customers, customers.flatMap((c) => flat(c.id)));

describe('churn labels at the window boundaries', () => {
  it('voluntary churn from the window’s first day to its last; the gap and involuntary churn excluded and counted', async () => {
    const { table, counts } = await snapshotOf(files, '2025-06', { window: 3, labels: LABELS });
    const label = Object.fromEntries(table.ids.map((id, i) => [id, table.target?.[i]]));
    expect(label).toEqual({ after_window: 0, fraud_after: 0, stay: 0, window_first_day: 1, window_last_day: 1 });
    expect(counts).toEqual({ month: '2025-06', active: 9, labelled: 5, churned: 2, excluded_involuntary: 2, excluded_left_in_gap: 2, excluded_other: 0 });
    expect(table.rows).toBe(5);
    expect(table.columns.every((c) => c.values.length === 5)).toBe(true);
  });

  it('survival duration: months to a churn in the window, else censored at the window’s end', async () => {
    const { table } = await snapshotOf(files, '2025-06', { window: 3, labels: LABELS });
    const d = (id: string): unknown => valueOf(table, id, 'duration');
    expect([d('window_first_day'), d('window_last_day'), d('after_window'), d('stay'), d('fraud_after')]).toEqual([19, 20, 21, 21, 21]);
  });

  it('without a gap the window starts the month after T', async () => {
    const { table, counts } = await snapshotOf(files, '2025-06', { window: 3, labels: { ...LABELS, gap: 0, horizon: 1 } });
    const label = Object.fromEntries(table.ids.map((id, i) => [id, table.target?.[i]]));
    // Window: July only.
    expect(label).toMatchObject({ gap_first_day: 1, gap_last_day: 1, window_first_day: 0, stay: 0 });
    expect(counts).toMatchObject({ churned: 2, excluded_left_in_gap: 0, excluded_involuntary: 0 });
  });

  it('takes the outcome window up to the data’s last month, and not past it', async () => {
    // Data: 2025-01 .. 2025-12. T = 2025-09: window 2025-11 .. 2025-12, the last month.
    await expect(snapshotOf(files, '2025-09', { window: 3, labels: LABELS })).resolves.toMatchObject({ counts: { active: 3 } }); // stay, and the two who leave on 10-01
    await expect(snapshotOf(files, '2025-10', { window: 3, labels: LABELS })).rejects.toThrow("the outcome window of 2025-10 (2025-12 to 2026-01) ends after the data's last month 2025-12: pick an earlier reference month");
    // Scoring has no window: any month of the data, from the first to the last.
    await expect(snapshotOf(files, '2025-12', { window: 3 })).resolves.toMatchObject({ counts: { month: '2025-12' } });
    await expect(snapshotOf(files, '2025-01', { window: 3 })).resolves.toMatchObject({ counts: { month: '2025-01' } });
    await expect(snapshotOf(files, '2026-01', { window: 3 })).rejects.toThrow('the reference month 2026-01 is outside the data, which runs from 2025-01 to 2025-12');
    await expect(snapshotOf(files, 'June', { window: 3 })).rejects.toThrow('the reference month "June" is not a month (YYYY-MM)');
  });
});

describe('value-downgrade labels', () => {
  // Revenue at T of 10, 25, 25, 40 and 40: the top half starts at the median, 25 (inclusive).
  const usage = (id: string, atT: number, window: Record<string, number>): HandUsage[] => [
    { id, month: '2025-06', revenue: atT },
    ...Object.entries(window).map(([month, revenue]) => ({ id, month, revenue })),
  ];
  const people: HandCustomer[] = [
    { id: 'downgraded', activation: '2024-01-15' },
    { id: 'touches_band', activation: '2024-01-15' },
    { id: 'missing_month', activation: '2024-01-15' },
    { id: 'low_value', activation: '2024-01-15' },
    { id: 'churned_top', activation: '2024-01-15', deactivation: '2025-08-15', reason: 'voluntary' },
  ];
  const downgradeFiles = writePanel(people, [
    ...usage('downgraded', 40, { '2025-07': 40, '2025-08': 20, '2025-09': 24.99 }),
    ...usage('touches_band', 25, { '2025-08': 24, '2025-09': 25 }),
    ...usage('missing_month', 25, { '2025-08': 10 }),
    ...usage('low_value', 10, { '2025-08': 1, '2025-09': 1 }),
    ...usage('churned_top', 40, { '2025-08': 1, '2025-09': 1 }),
  ]);

  it('labels a top-band customer below the band in every window month, still a customer', async () => {
    const { table, counts } = await snapshotOf(downgradeFiles, '2025-06', { window: 1, labels: { ...LABELS, label: 'value_downgrade', topBand: 0.5 } });
    const label = Object.fromEntries(table.ids.map((id, i) => [id, table.target?.[i]]));
    expect(label).toEqual({ downgraded: 1, missing_month: 0, touches_band: 0 });
    expect(counts).toMatchObject({ active: 5, labelled: 3, churned: 1, excluded_other: 2, excluded_involuntary: 0 });
  });

  it('is the SQL the snapshot runs: the window bounds are the dates given', () => {
    const sql = labelQuery('2025-06-01', '2025-07-01', { start: '2025-08-01', end: '2025-10-01' }, LABELS);
    expect(sql).toContain("deactivation_date >= DATE '2025-08-01' AND deactivation_date < DATE '2025-10-01'");
    expect(sql).toContain("WHEN deactivation_date IS NOT NULL AND deactivation_date < DATE '2025-08-01' THEN 'left_in_gap'");
  });
});
