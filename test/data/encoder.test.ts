/**
 * Data preparation on the branches Telco never takes: an even count of values for the median,
 * more text levels than max_levels, blank and non-numeric cells, the derived call_ratio.
 */
import { describe, expect, it } from 'vitest';
import { encode, encoderRawColumns, fitEncoder } from '../../src/data/encoder.js';
import { InputError } from '../../src/errors.js';
import { addDerivedFeatures, derivableFeatures, derivedInputs } from '../../src/features/derived.js';
import { tenureBandOf } from '../../src/features/catalogue.js';
import type { CustomerTable, RawColumn } from '../../src/ingest/table.js';

const num = (name: string, values: number[]): RawColumn => ({ name, kind: 'numeric', values: Float64Array.from(values) });
const text = (name: string, values: (string | null)[]): RawColumn => ({ name, kind: 'text', values });
const table = (...columns: RawColumn[]): CustomerTable => ({ source: 'hand.csv', rows: columns[0].values.length, ids: [], columns, warnings: [] });
const NO_ROLES = { maxLevels: 20, roles: {} };

describe('the encoder', () => {
  it('imputes missing numbers with the median, the mean of the two middle values for an even count', () => {
    const { NaN: missing, POSITIVE_INFINITY: inf } = Number;
    const t = table(
      num('even', [4, missing, 1, 3, 2]), // finite 1, 2, 3, 4 -> 2.5
      num('odd', [5, 1, inf, 3, -inf]), // finite 1, 3, 5 -> 3
      num('empty', [missing, missing, missing, missing, missing]),
    );
    const state = fitEncoder(t, NO_ROLES);
    expect(state.columns).toEqual([
      { kind: 'numeric', column: 'even', median: 2.5 },
      { kind: 'numeric', column: 'odd', median: 3 },
      { kind: 'numeric', column: 'empty', median: 0 },
    ]);
    const x = encode(state, t);
    expect(Array.from(x.columns[0])).toEqual([4, 2.5, 1, 3, 2]);
    expect(Array.from(x.columns[1])).toEqual([5, 1, 3, 3, 3]); // ±Infinity imputed too
    expect(x.features).toEqual(['even', 'odd', 'empty']);
  });

  it('keeps the max_levels most frequent levels (ties by name), the rest encode as all zeros', () => {
    // c×3, a×2, b×2, d×1, and one missing: with max_levels 2, c and (a before b) are kept.
    const plan = text('plan', ['c', 'a', 'b', 'c', 'd', null, 'b', 'a', 'c']);
    const t = table(plan);
    const state = fitEncoder(t, { maxLevels: 2, roles: {} });
    expect(state.columns).toEqual([{ kind: 'categorical', column: 'plan', levels: ['a', 'c'] }]);
    expect(state.features).toEqual(['plan=a', 'plan=c']);
    const x = encode(state, t);
    expect(Array.from(x.columns[0])).toEqual([0, 1, 0, 0, 0, 0, 0, 1, 0]);
    expect(Array.from(x.columns[1])).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(fitEncoder(t, { maxLevels: 3, roles: {} }).features).toEqual(['plan=a', 'plan=b', 'plan=c']);
    expect(fitEncoder(t, { maxLevels: 4, roles: {} }).features).toEqual(['plan=a', 'plan=b', 'plan=c', 'plan=d']);
    // The name breaks a count tie whichever comes first in the data.
    expect(fitEncoder(table(text('p', ['y', 'x', 'y', 'x', 'z'])), { maxLevels: 1, roles: {} }).features).toEqual(['p=x']);
  });

  it('reads text cells of a numeric column as numbers, blanks and words as missing', () => {
    const state = fitEncoder(table(num('revenue', [10, 20, 30, 40])), NO_ROLES); // median 25
    const scoring = table(text('revenue', ['12.5', '', '  ', 'n/a', null, '-3']));
    expect(Array.from(encode(state, scoring).columns[0])).toEqual([12.5, 25, 25, 25, 25, -3]);
  });

  it('encodes a text column from the batch job’s level codes (0: any other value)', () => {
    const t = table(text('plan', ['basic', 'plus', 'basic']), num('n', [1, 2, 3]));
    const state = fitEncoder(t, NO_ROLES);
    const codes = new Map([['plan', Int32Array.from([2, 0, 1])]]);
    const x = encode(state, { ...t, columns: [t.columns[1]] }, codes);
    expect(x.features).toEqual(['plan=basic', 'plan=plus', 'n']);
    expect(x.columns.map((c) => Array.from(c))).toEqual([[0, 0, 1], [1, 0, 0], [1, 2, 3]]);
    expect(encoderRawColumns(state)).toEqual(['plan', 'n']);
  });

  it('warns only when max_levels cuts levels; a missing cell is the blank level', () => {
    const warnings: string[] = [];
    const plan = text('plan', ['a', '', 'b', 'a', null]); // a×2, "" and b once, one missing
    const state = fitEncoder(table(plan), { maxLevels: 3, roles: {}, warnings }); // exactly 3 levels: none cut
    expect(warnings).toEqual([]);
    expect(state.features).toEqual(['plan=', 'plan=a', 'plan=b']);
    // Scoring reads a missing cell as "", as the drift reference and the batch job's codes do.
    expect(encode(state, table(text('plan', [null, 'b', 'z']))).columns.map((c) => Array.from(c))).toEqual([[1, 0, 0], [0, 0, 0], [0, 1, 0]]);
  });

  it('keeps in the state only what the model file needs: derived features the table holds, role sums and a tenure unit other than months', () => {
    const t = table(num('oc', [1, 2]), num('ic', [1, 1]));
    const roles = { out_calls: 'oc', in_calls: 'ic' };
    const plain = fitEncoder(t, { maxLevels: 20, roles, role_sums: {}, tenure_unit: 'months' });
    expect(plain.derived).toEqual([]); // call_ratio is derivable but was not added to this table
    expect(Object.keys(plain).sort()).toEqual(['columns', 'derived', 'features', 'roles']);
    expect(Object.keys(fitEncoder(t, { maxLevels: 20, roles })).sort()).toEqual(['columns', 'derived', 'features', 'roles']);
    const kept = fitEncoder(t, { maxLevels: 20, roles, role_sums: { minutes: ['om', 'im'] }, tenure_unit: 'days' });
    expect([kept.role_sums, kept.tenure_unit]).toEqual([{ minutes: ['om', 'im'] }, 'days']);
  });

  it('names the missing column and file', () => {
    const state = fitEncoder(table(num('tenure', [1])), NO_ROLES);
    const missing = (): unknown => encode(state, table(num('other', [1])));
    expect(missing).toThrow(InputError);
    expect(missing).toThrow('the model needs column "tenure", which the input lacks');
    try {
      missing();
    } catch (e) {
      expect((e as InputError).context).toMatchObject({ file: 'hand.csv', column: 'tenure' });
    }
  });
});

describe('derived features', () => {
  const roles = { out_calls: 'oc', in_calls: 'ic', tenure: 'ten', complaints: 'comp', revenue: 'rev', minutes: 'min', out_minutes: 'om', in_minutes: 'im', minutes_change: 'mc' };

  it('derives call_ratio = out_calls / in_calls, missing where in_calls is 0, then imputed by the median', () => {
    const t = table(num('oc', [10, 5, 3, Number.NaN, 8]), num('ic', [5, 0, 2, 1, 2]));
    const derived = addDerivedFeatures(t, { out_calls: 'oc', in_calls: 'ic' });
    const ratio = derived.columns.find((c) => c.name === 'call_ratio');
    expect(ratio?.kind).toBe('numeric');
    expect(Array.from(ratio?.values as Float64Array)).toEqual([2, Number.NaN, 1.5, Number.NaN, 4]);
    const state = fitEncoder(derived, { maxLevels: 20, roles: { out_calls: 'oc', in_calls: 'ic' } });
    expect(state.derived).toEqual(['call_ratio']);
    expect(state.columns.find((c) => c.column === 'call_ratio')).toEqual({ kind: 'numeric', column: 'call_ratio', median: 2 });
    expect(Array.from(encode(state, derived).columns[2])).toEqual([2, 2, 1.5, 2, 4]);
  });

  it('derives every catalogued feature from its roles', () => {
    const t = table(
      num('oc', [4]), num('ic', [2]), num('ten', [0]), num('comp', [3]), num('rev', [50]),
      num('min', [200]), num('om', [30]), num('im', [10]), num('mc', [-0.25]),
    );
    const d = addDerivedFeatures(t, roles);
    const get = (name: string): unknown => {
      const c = d.columns.find((x) => x.name === name);
      return c === undefined ? undefined : c.kind === 'numeric' ? c.values[0] : c.values[0];
    };
    expect(d.columns.map((c) => c.name).slice(9)).toEqual(['call_ratio', 'minutes_ratio', 'traffic_change', 'tenure_band', 'complaints_per_tenure_month', 'revenue_per_minute']);
    expect([get('call_ratio'), get('minutes_ratio'), get('traffic_change'), get('tenure_band'), get('complaints_per_tenure_month'), get('revenue_per_minute')])
      .toEqual([2, 3, -0.25, '0-6', 3, 0.25]);
    // complaints per tenure month divide by at least one month.
    const later = addDerivedFeatures({ ...t, columns: t.columns.map((c) => (c.name === 'ten' ? num('ten', [4]) : c)) }, roles);
    expect(later.columns.find((c) => c.name === 'complaints_per_tenure_month')?.values[0]).toBe(0.75);
    // A feature already present is kept as given, not derived again.
    const given = addDerivedFeatures(table(num('oc', [4]), num('ic', [2]), num('call_ratio', [9])), roles);
    expect(given.columns.filter((c) => c.name === 'call_ratio').map((c) => c.values[0])).toEqual([9]);
    // A role mapped to a text column derives missing values.
    const texty = addDerivedFeatures(table(text('oc', ['4']), num('ic', [2])), { out_calls: 'oc', in_calls: 'ic' });
    expect(texty.columns.find((c) => c.name === 'call_ratio')?.values[0]).toBeNaN();
  });

  it('lists what the roles allow and what they read', () => {
    expect(derivableFeatures({ out_calls: 'oc' })).toEqual([]);
    expect(derivableFeatures({ out_calls: 'oc', in_calls: 'ic', tenure: 't' })).toEqual(['call_ratio', 'tenure_band']);
    expect(derivedInputs(roles, ['call_ratio', 'complaints_per_tenure_month']).sort()).toEqual(['comp', 'ic', 'oc', 'ten']);
    expect(derivedInputs({ tenure: 't' }, ['complaints_per_tenure_month'])).toEqual(['t']);
  });

  it('puts tenure in bands at their exact edges', () => {
    const bands = [0, 6, 6.5, 7, 12, 12.5, 13, 24, 25, 48, 48.5, 49, 120].map(tenureBandOf);
    expect(bands).toEqual(['0-6', '0-6', '7-12', '7-12', '7-12', '13-24', '13-24', '13-24', '25-48', '25-48', '49+', '49+', '49+']);
    expect(tenureBandOf(Number.NaN)).toBeNull();
  });
});
