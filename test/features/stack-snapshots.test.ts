/**
 * Reference months stacked into one training table, on three hand-made snapshots: customers a and
 * b at 2025-05, b and c at 2025-06, a, c and d at 2025-07. Rows keep their month's order, ids carry
 * the month, a customer keeps one group across months (numbered in order of first appearance),
 * columns of both kinds are concatenated with their missing values, labels and durations follow.
 */
import { describe, expect, it } from 'vitest';
import { stackSnapshots, type Snapshot } from '../../src/features/panel/snapshot.js';

interface HandRow { id: string; tenure: number; plan: string | null; label: number; duration: number }

function snapshot(month: string, rows: HandRow[], labelled: boolean, warnings: string[] = []): Snapshot {
  const period = Number(month.replace('-', ''));
  return {
    table: {
      source: `panel/usage.csv`,
      rows: rows.length,
      ids: rows.map((r) => r.id),
      columns: [
        { name: 'tenure_months', kind: 'numeric', values: Float64Array.from(rows, (r) => r.tenure) },
        { name: 'plan', kind: 'text', values: rows.map((r) => r.plan) },
      ],
      target: labelled ? Uint8Array.from(rows, (r) => r.label) : undefined,
      duration: labelled ? Float64Array.from(rows, (r) => r.duration) : undefined,
      period: new Int32Array(rows.length).fill(period),
      warnings,
    },
    counts: { month, active: rows.length, labelled: rows.length, churned: 0, excluded_involuntary: 0, excluded_left_in_gap: 0, excluded_other: 0 },
  };
}

const MAY: HandRow[] = [
  { id: 'a', tenure: 3, plan: 'basic', label: 0, duration: 9 },
  { id: 'b', tenure: Number.NaN, plan: null, label: 1, duration: 2.5 },
];
const JUNE: HandRow[] = [
  { id: 'b', tenure: 11, plan: 'premium', label: 1, duration: 1.5 },
  { id: 'c', tenure: 0, plan: 'basic', label: 0, duration: 7 },
];
const JULY: HandRow[] = [
  { id: 'a', tenure: 5, plan: null, label: 1, duration: 0.5 },
  { id: 'c', tenure: 1, plan: 'basic', label: 0, duration: 6 },
  { id: 'd', tenure: 40, plan: 'premium', label: 0, duration: 6 },
];

describe('stacking snapshots', () => {
  it('concatenates the months in order: ids with their month, one group per customer, every column, label and duration', () => {
    const stacked = stackSnapshots([
      snapshot('2025-05', MAY, true, ['may: one']),
      snapshot('2025-06', JUNE, true),
      snapshot('2025-07', JULY, true, ['july: one', 'july: two']),
    ]);
    expect(stacked.source).toBe('panel/usage.csv');
    expect(stacked.rows).toBe(7);
    expect(stacked.ids).toEqual(['a@2025-05', 'b@2025-05', 'b@2025-06', 'c@2025-06', 'a@2025-07', 'c@2025-07', 'd@2025-07']);
    expect(Array.from(stacked.period ?? [])).toEqual([202505, 202505, 202506, 202506, 202507, 202507, 202507]);
    // a = 0, b = 1, c = 2 (first seen in June), d = 3.
    expect(Array.from(stacked.groups ?? [])).toEqual([0, 1, 1, 2, 0, 2, 3]);
    expect(stacked.columns.map((c) => [c.name, c.kind])).toEqual([['tenure_months', 'numeric'], ['plan', 'text']]);
    const tenure = stacked.columns[0].values;
    expect(tenure).toBeInstanceOf(Float64Array);
    expect(Array.from(tenure as ArrayLike<unknown>)).toEqual([3, Number.NaN, 11, 0, 5, 1, 40]);
    expect(stacked.columns[1].values).toEqual(['basic', null, 'premium', 'basic', null, 'basic', 'premium']);
    expect(Array.from(stacked.target ?? [])).toEqual([0, 1, 1, 0, 1, 0, 0]);
    expect(stacked.duration).toBeInstanceOf(Float64Array);
    expect(Array.from(stacked.duration ?? [])).toEqual([9, 2.5, 1.5, 7, 0.5, 6, 6]);
    expect(stacked.warnings).toEqual(['may: one', 'july: one', 'july: two']);
  });

  it('unlabelled months (scoring) stack without label or duration; one month is itself with month-stamped ids', () => {
    const stacked = stackSnapshots([snapshot('2025-06', JUNE, false), snapshot('2025-07', JULY, false)]);
    expect(stacked.target).toBeUndefined();
    expect(stacked.duration).toBeUndefined();
    expect(Array.from(stacked.groups ?? [])).toEqual([0, 1, 2, 1, 3]);
    const one = stackSnapshots([snapshot('2025-07', JULY, true)]);
    expect(one.ids).toEqual(['a@2025-07', 'c@2025-07', 'd@2025-07']);
    expect(Array.from(one.groups ?? [])).toEqual([0, 1, 2]);
    expect(Array.from(one.duration ?? [])).toEqual([0.5, 6, 6]);
    expect(one.warnings).toEqual([]);
  });
});
