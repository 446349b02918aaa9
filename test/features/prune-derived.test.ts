/**
 * Pruning derived features on hand-made columns: the correlation over the rows where both columns
 * are finite (worked by hand), the collinearity limit exactly at 0.9999, constants read through
 * missing values and float noise, and two derived features that move together (one goes, the
 * other stays: its partner is gone).
 */
import { describe, expect, it } from 'vitest';
import { correlation, pruneDerived } from '../../src/features/prune-derived.js';
import type { CustomerTable, RawColumn } from '../../src/ingest/table.js';

const num = (name: string, values: number[]): RawColumn => ({ name, kind: 'numeric', values: Float64Array.from(values) });
const text = (name: string, values: (string | null)[]): RawColumn => ({ name, kind: 'text', values });
const tableOf = (...columns: RawColumn[]): CustomerTable => ({ source: 't.csv', rows: columns[0].values.length, ids: [], columns, warnings: ['earlier'] });
const dropped = (name: string, why: string): string => `derived feature "${name}" ${why} and was dropped: ${why.startsWith('is') ? 'it cannot tell customers apart' : 'it adds nothing the model does not have'}`;

describe('correlation', () => {
  it('is Pearson’s r over the rows where both values are finite', () => {
    // Rows 1-3 count: a = 1, 2, 3 and b = 2, 4, 7; deviations (−1, 0, 1) and (−7/3, −1/3, 8/3):
    // r = 5 / sqrt(2 · 114/9) = 15 / sqrt(228). Row 4 has no a, row 5 an infinite b.
    expect(correlation(Float64Array.from([1, 2, 3, Number.NaN, 10]), Float64Array.from([2, 4, 7, 5, Number.POSITIVE_INFINITY]))).toBeCloseTo(15 / Math.sqrt(228), 14);
  });

  it('is NaN under three such rows, however well two rows line up', () => {
    expect(correlation(Float64Array.from([1, 2, Number.NaN]), Float64Array.from([3, 5, 8]))).toBeNaN();
  });

  it('is exactly 0.9999 for two columns whose deviations have squares 10000 and product 9999', () => {
    expect(correlation(Float64Array.from([-55, -54, 29, 37, 43]), Float64Array.from([-54, -55, 29, 37, 43]))).toBe(0.9999);
  });
});

describe('pruning derived features', () => {
  it('drops a derived feature exactly at |r| = 0.9999', () => {
    const pruned = pruneDerived(tableOf(num('a', [-55, -54, 29, 37, 43]), num('b', [-54, -55, 29, 37, 43])), ['b']);
    expect(pruned.columns.map((c) => c.name)).toEqual(['a']);
    expect(pruned.warnings).toEqual(['earlier', dropped('b', 'moves with "a" (correlation 0.9999)')]);
  });

  it('of two derived features that move together drops the first and keeps the second; a name the table lacks is passed over', () => {
    const x = num('x', [1, 2, 3, 4, 5]);
    const d1 = num('d1', [1, 4, 2, 8, 5]); // r with x: 0.7
    const d2 = num('d2', [3, 12, 6, 24, 15]); // 3 × d1
    const pruned = pruneDerived(tableOf(x, d1, d2), ['absent', 'd1', 'd2']);
    expect(pruned.columns).toEqual([x, d2]);
    expect(pruned.warnings).toEqual(['earlier', dropped('d1', 'moves with "d2" (correlation 1.0000)')]);
  });

  it('keeps a derived feature that neither is constant nor moves with another column', () => {
    const x = num('x', [1, 2, 3, 4, 5]);
    const d = num('d', [1, 4, 2, 8, 5]);
    const band = text('band', ['0-6', '7-12', null, '0-6', '49+']);
    const pruned = pruneDerived(tableOf(x, d, band), ['d', 'band']);
    expect(pruned.columns).toEqual([x, d, band]);
    expect(pruned.warnings).toEqual(['earlier']);
  });

  it('reads a constant through missing values and float noise, and names a column with no value at all', () => {
    const pruned = pruneDerived(tableOf(
      num('x', [1, 2, 3, 4]),
      num('rate', [2, Number.NaN, 2, Number.POSITIVE_INFINITY]),
      num('tariff', [0.1 + 0.2, 0.3, 0.3, Number.NaN]), // 0.30000000000000004 is 0.3 to 9 decimals
      text('band', ['7-12', null, '7-12', '7-12']),
      num('empty', [Number.NaN, Number.NaN, Number.NaN, Number.NaN]),
    ), ['rate', 'tariff', 'band', 'empty']);
    expect(pruned.columns.map((c) => c.name)).toEqual(['x']);
    expect(pruned.warnings).toEqual([
      'earlier',
      dropped('rate', 'is 2 for every customer'),
      dropped('tariff', 'is 0.3 for every customer'),
      dropped('band', 'is 7-12 for every customer'),
      dropped('empty', 'is (missing) for every customer'),
    ]);
  });
});
