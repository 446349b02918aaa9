/** The report's Kaplan–Meier groups: over the spans the survival models are fitted on, natural order, no band of the time axis. */
import { describe, expect, it } from 'vitest';
import type { TableConfig } from '../../src/config/schema.js';
import type { CustomerTable } from '../../src/ingest/table.js';
import { kaplanMeierGroups } from '../../src/pipeline/run-artifacts.js';

describe('Kaplan–Meier groups', () => {
  const table: CustomerTable = {
    source: 'hand', rows: 6, ids: ['a', 'b', 'c', 'd', 'e', 'f'], warnings: [],
    columns: [
      { name: 'months', kind: 'numeric', values: Float64Array.from([12, 12, 12, 6, 6, 24]) },
      { name: 'tickets', kind: 'numeric', values: Float64Array.from([0, 0, 5, 1, Number.NaN, 2]) },
    ],
    target: Uint8Array.from([1, 1, 0, 1, 0, 0]),
    duration: Float64Array.from([1, 2, 2, 3, 4, 5]),
  };
  const config = { roles: { contract: 'months', complaints: 'tickets' } } as unknown as TableConfig;
  // Delayed entry: rows a, b enter at 0, c at 1 (at risk on (1, 2]).
  const spans = { exit: Float64Array.from([1, 2, 2, 3, 4, 5]), entry: Float64Array.from([0, 0, 1, 0, 0, 0]), event: table.target ?? new Uint8Array(0) };
  const groups = kaplanMeierGroups(table, config, spans);

  it('groups by contract and complaints, levels in natural order, never by a band of the duration', () => {
    expect(Object.keys(groups)).toEqual(['contract', 'complaints']);
    expect(Object.keys(groups.contract)).toEqual(['6', '12', '24']);
    expect(Object.keys(groups.complaints)).toEqual(['0', '1', '2+']); // the missing count is left out
  });

  it('enters each row at its span start: 12-month contracts S(1) = 1/2 (a of a, b), S(2) = 1/4 (b of b, c)', () => {
    const c = groups.contract['12'];
    expect(c.times).toEqual([1, 2]);
    expect(c.survival).toEqual([0.5, 0.25]);
    expect(c.median?.median).toBe(1); // the first time S ≤ 1/2
    expect(c.lower?.[0]).toBeLessThan(0.5);
    expect(c.upper?.[0]).toBeGreaterThan(0.5);
  });
});
