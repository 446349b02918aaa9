/**
 * Panel features on a hand-made operator whose dates sit exactly on every boundary: who is active
 * at T, contract ends, the usage observation window (first month in, the month before out, the
 * month after T out), the prior-3-month means, and the complaint windows of 1, 3 and 6 months.
 * Reference month T = 2025-06 (T starts 2025-06-01, ends before 2025-07-01).
 */
import { describe, expect, it } from 'vitest';
import { PANEL_ROLES } from '../../src/config/panel-schema.js';
import { addDerivedFeatures } from '../../src/features/derived.js';
import { PANEL_CATALOGUE } from '../../src/features/panel/families.js';
import { writePanel, snapshotOf, valueOf, type HandComplaint, type HandCustomer, type HandUsage } from '../helpers/panel.js';

const MONTHS = Array.from({ length: 12 }, (_, k) => `2025-${String(k + 1).padStart(2, '0')}`);
/** Month m (1..12) of a customer: values that tell every month apart. */
const usageOf = (id: string): HandUsage[] => MONTHS.map((month, k) => {
  const m = k + 1;
  return { id, month, out_calls: m, in_calls: 10, out_minutes: 10 * m, in_minutes: 0, distinct_called: m, data_mb: m * m, revenue: 100 - m, dropped_calls: 1 };
});

const customers: HandCustomer[] = [
  { id: 'stay', activation: '2024-01-15', contractEnd: '2025-12-15' },
  { id: 'contract_ends_at_T', activation: '2024-01-15', contractEnd: '2025-06-01' },
  { id: 'contract_ended', activation: '2024-01-15', contractEnd: '2025-05-31' },
  { id: 'new_last_day', activation: '2025-06-30' },
  { id: 'new_next_month', activation: '2025-07-01' },
  { id: 'left_last_day', activation: '2024-01-15', deactivation: '2025-06-30', reason: 'voluntary' },
  { id: 'left_at_end', activation: '2024-01-15', deactivation: '2025-07-01', reason: 'voluntary' },
  { id: 'old_complaint', activation: '2024-01-15' },
  { id: 'ancient_complaint', activation: '2024-01-15' },
];

const complaints: HandComplaint[] = [
  { id: 'stay', opened: '2025-06-01', category: 'billing' }, // first day of T: in the 1-month window
  { id: 'stay', opened: '2025-05-31', category: 'coverage', resolved: '2025-07-01' }, // resolved only after T
  { id: 'stay', opened: '2025-04-01', category: 'service', resolved: '2025-06-30' }, // first day of the 3 months
  { id: 'stay', opened: '2025-03-31', category: 'price' },
  { id: 'stay', opened: '2025-01-01', category: 'billing', resolved: '2025-02-01' }, // first day of the 6 months
  { id: 'stay', opened: '2024-12-31', category: 'coverage', resolved: '2025-01-10' },
  { id: 'stay', opened: '2024-07-01', category: 'service' }, // open, but before the 6 months read: not read
  { id: 'stay', opened: '2024-06-30', category: 'price' }, // before them: not read
  { id: 'stay', opened: '2025-07-01', category: 'billing' }, // after T: not read
  { id: 'old_complaint', opened: '2024-12-31', category: 'billing' },
  { id: 'ancient_complaint', opened: '2024-06-30', category: 'billing' },
];

const files = writePanel(customers, customers.flatMap((c) => usageOf(c.id)), complaints);

describe('who is active at T', () => {
  it('activated by the last day of T, and not deactivated before T ends', async () => {
    const { table, counts } = await snapshotOf(files, '2025-06', { window: 3 });
    expect(table.ids).toEqual(['ancient_complaint', 'contract_ended', 'contract_ends_at_T', 'left_at_end', 'new_last_day', 'old_complaint', 'stay']);
    expect(counts).toMatchObject({ month: '2025-06', active: 7, labelled: 7, churned: 0 });
    expect(Array.from(table.period ?? [])).toEqual(new Array(7).fill(202506));
    expect(table.target).toBeUndefined();
  });
});

describe('account features', () => {
  it('tenure in months, and the contract end counted from the first day of T', async () => {
    const { table } = await snapshotOf(files, '2025-06', { window: 3 });
    const v = (id: string, f: string): unknown => valueOf(table, id, f);
    expect([v('stay', 'tenure_months'), v('new_last_day', 'tenure_months')]).toEqual([17, 0]);
    expect([v('stay', 'months_to_contract_end'), v('stay', 'has_contract')]).toEqual([6, 1]);
    expect([v('contract_ends_at_T', 'months_to_contract_end'), v('contract_ends_at_T', 'has_contract')]).toEqual([0, 1]);
    expect([v('contract_ended', 'months_to_contract_end'), v('contract_ended', 'has_contract')]).toEqual([Number.NaN, 0]);
    expect([v('old_complaint', 'months_to_contract_end'), v('old_complaint', 'has_contract')]).toEqual([Number.NaN, 0]);
    expect([v('stay', 'segment'), v('stay', 'plan')]).toEqual(['consumer', 'basic']);
  });
});

describe('the contract in force at T', () => {
  it('steps the current contract back a term at a time to the one running at T; without a start date, the current end', async () => {
    const contracts = writePanel([
      { id: 'renewed_12', activation: '2023-09-01', contractStart: '2025-09-01', contractEnd: '2026-09-01' }, // at T: the one ending 2025-09-01
      { id: 'renewed_24', activation: '2022-01-15', contractStart: '2026-01-15', contractEnd: '2028-01-15' }, // at T: the one ending 2026-01-15
      { id: 'current', activation: '2024-03-01', contractStart: '2025-03-01', contractEnd: '2026-03-01' }, // T inside it
      { id: 'starts_at_T', activation: '2024-06-01', contractStart: '2025-06-01', contractEnd: '2026-06-01' }, // at T the last one ends
      { id: 'no_start', activation: '2023-09-01', contractEnd: '2026-09-01' },
    ], ['renewed_12', 'renewed_24', 'current', 'starts_at_T', 'no_start'].flatMap(usageOf));
    const { table } = await snapshotOf(contracts, '2025-06', { window: 3 });
    const v = (id: string): unknown[] => [valueOf(table, id, 'months_to_contract_end'), valueOf(table, id, 'has_contract')];
    expect(['renewed_12', 'renewed_24', 'current', 'starts_at_T', 'no_start'].map(v)).toEqual([[3, 1], [7, 1], [9, 1], [0, 1], [15, 1]]);
  });
});

describe('usage over the observation window', () => {
  it('reads months T−2..T for a 3-month window, the last month and the prior-month means', async () => {
    // Months 4, 5, 6: out_calls 4, 5, 6 of 10 in; minutes 40, 50, 60; data m²; revenue 96, 95, 94.
    const { table } = await snapshotOf(files, '2025-06', { window: 3 });
    const v = (f: string): number => valueOf(table, 'stay', f) as number;
    expect([v('out_calls'), v('in_calls'), v('minutes'), v('revenue'), v('distinct_called')]).toEqual([6, 10, 60, 94, 6]);
    expect(v('months_observed')).toBe(3);
    expect(v('data_mb_avg')).toBeCloseTo((16 + 25 + 36) / 3, 12);
    // call_ratio is the catalogue's derivation from out_calls and in_calls, as for a customer table.
    expect(table.columns.some((c) => c.name === 'call_ratio')).toBe(false);
    expect(valueOf(addDerivedFeatures(table, PANEL_ROLES), 'stay', 'call_ratio')).toBeCloseTo(0.6, 12);
    expect(v('call_ratio_change')).toBeCloseTo(0.6 / (15 / 30) - 1, 12);
    // The prior months present in the window: months 4 and 5 (month 3 is outside it).
    expect(v('out_calls_change_3m')).toBeCloseTo(6 / 4.5 - 1, 12);
    expect(v('in_calls_change_3m')).toBeCloseTo(0, 12);
    expect(v('traffic_change_3m')).toBeCloseTo(60 / 45 - 1, 12);
    expect(v('revenue_change_3m')).toBeCloseTo(94 / 95.5 - 1, 12);
    expect(v('distinct_called_change_3m')).toBeCloseTo(6 / 4.5 - 1, 12);
    // Slopes per month over the window, over the window's mean.
    expect(v('traffic_slope')).toBeCloseTo(10 / 50, 12);
    expect(v('revenue_trend')).toBeCloseTo(-1 / 95, 12);
    expect(v('distinct_called_trend')).toBeCloseTo(1 / 5, 12);
    expect(v('dropped_call_rate')).toBeCloseTo(3 / 45, 12);
  });

  it('a 6-month window reads T−5..T, and the prior-3 means stop at T−3', async () => {
    const { table } = await snapshotOf(files, '2025-06', { window: 6 });
    const v = (f: string): number => valueOf(table, 'stay', f) as number;
    expect(v('months_observed')).toBe(6);
    expect(v('data_mb_avg')).toBeCloseTo(91 / 6, 12);
    expect(v('out_calls_change_3m')).toBeCloseTo(6 / 4 - 1, 12); // months 3, 4, 5
    expect(v('traffic_slope')).toBeCloseTo(10 / 35, 12);
    expect(v('call_ratio_change')).toBeCloseTo(0.6 / (21 / 60) - 1, 12);
  });

  it('a customer new to the data has only the months it has, and no prior mean', async () => {
    const { table } = await snapshotOf(files, '2025-01', { window: 3 });
    const v = (f: string): number => valueOf(table, 'stay', f) as number;
    expect(v('months_observed')).toBe(1);
    expect(v('out_calls')).toBe(1);
    expect(v('out_calls_change_3m')).toBeNaN();
    expect(v('traffic_slope')).toBeNaN();
  });
});

describe('complaint windows', () => {
  it('counts 1, 3 and 6 months back from the end of T, each from its first day, and 6 months at most', async () => {
    const { table } = await snapshotOf(files, '2025-06', { window: 3 });
    const v = (id: string, f: string): unknown => valueOf(table, id, f);
    expect([v('stay', 'complaints_1m'), v('stay', 'complaints_3m'), v('stay', 'complaints_6m')]).toEqual([1, 3, 5]);
    expect(['billing', 'coverage', 'service', 'price'].map((c) => v('stay', `complaints_${c}_6m`))).toEqual([2, 1, 1, 1]);
    // Open at the end of T, of those opened in the 6 months: 06-01, 05-31 (resolved 07-01) and 03-31.
    expect(v('stay', 'unresolved_complaints')).toBe(3);
    expect(v('stay', 'months_since_complaint')).toBe(0);
    // Outside the 6 months read (the day before them, or long before), and no complaint at all: zero
    // counts, "6 months" since the last: a month's features read no further back than its look-back.
    for (const id of ['old_complaint', 'ancient_complaint', 'new_last_day']) {
      expect([v(id, 'complaints_6m'), v(id, 'complaints_billing_6m'), v(id, 'unresolved_complaints'), v(id, 'months_since_complaint')]).toEqual([0, 0, 0, 6]);
    }
  });

  it('every feature the snapshot builds is in the panel catalogue', async () => {
    const { table } = await snapshotOf(files, '2025-06', { window: 3 });
    const names = new Set(PANEL_CATALOGUE.map((e) => e.name));
    expect(table.columns.map((c) => c.name).filter((n) => !names.has(n))).toEqual([]);
    expect(table.columns.map((c) => [c.name, c.kind]).filter(([, k]) => k === 'text')).toEqual([['segment', 'text'], ['plan', 'text']]);
  });
});
