import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ChurnscopeError } from '../../src/errors.js';
import { encode, fitEncoder } from '../../src/data/encoder.js';
import { readCustomerTable } from '../../src/ingest/read-table.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const HEADER = 'id,tenure,plan,charges,churn';
const GOOD = [HEADER, 'a,1,basic,10,yes', 'b,2,basic,,no', 'c,3,plus,30,no', 'd,4,plus,40,yes'].join('\n');

function config(source: string, extra: Record<string, unknown> = {}): ReturnType<typeof parseConfig> {
  return parseConfig({ source, id: 'id', target: { column: 'churn', churned: 'Yes' }, duration: 'tenure', roles: { tenure: 'tenure', revenue: 'charges' }, ...extra }, `${tmp.dir}/config.json`);
}

async function errorOf(text: string | null, extra: Record<string, unknown> = {}): Promise<string> {
  const file = text === null ? `${tmp.dir}/missing.csv` : tmp.write(`f${Math.random().toString(36).slice(2)}.csv`, text);
  try {
    await readCustomerTable(config(file, extra));
  } catch (e) {
    if (e instanceof ChurnscopeError) return e.describe().replace(file, 'FILE');
    throw e;
  }
  return 'no error';
}

describe('customer table: bad input gets one clear error naming file, row and column', () => {
  it('reads a good file with types, blanks and the target', async () => {
    const t = await readCustomerTable(config(tmp.write('good.csv', GOOD)));
    expect(t.rows).toBe(4);
    expect(t.ids).toEqual(['a', 'b', 'c', 'd']);
    expect(Array.from(t.target ?? [])).toEqual([1, 0, 0, 1]);
    const charges = t.columns.find((c) => c.name === 'charges');
    expect(charges?.kind).toBe('numeric');
    expect(Array.from(charges?.values as Float64Array)).toEqual([10, Number.NaN, 30, 40]);
    // NaN is imputed with the training median, recorded in the encoder.
    const enc = fitEncoder(t, { maxLevels: 20, roles: {} });
    expect(enc.columns.find((c) => c.column === 'charges')).toEqual({ kind: 'numeric', column: 'charges', median: 30 });
    expect(encode(enc, t).columns[enc.features.indexOf('charges')][1]).toBe(30);
    expect(enc.features).toContain('plan=basic');
  });

  it('missing file', async () => {
    expect(await errorOf(null)).toBe('input error (file FILE): the file does not exist: check the path');
  });
  it('empty file', async () => {
    expect(await errorOf('')).toBe('input error (file FILE): the file is empty (0 bytes): expected a header line and data rows');
  });
  it('header only', async () => {
    expect(await errorOf(`${HEADER}\n`)).toBe('input error (file FILE): the file has a header but no data rows');
  });
  it('a missing configured column', async () => {
    expect(await errorOf(GOOD, { roles: { complaints: 'tickets' } })).toBe(
      'input error (file FILE, column "tickets", key "roles.complaints"): the configured column "tickets" (roles.complaints) is not in the file; it has: id, tenure, plan, charges, churn',
    );
  });
  it('a target with a third value', async () => {
    expect(await errorOf(`${GOOD}\ne,5,plus,50,maybe`)).toBe(
      'input error (file FILE, row 5, column "churn"): the target has a third value "maybe": expected only "Yes" (churned) and "no" (stayed)',
    );
  });
  it('a non-numeric value in a numeric role', async () => {
    expect(await errorOf(`${GOOD}\ne,5,plus,fifty,no`)).toBe('input error (file FILE, row 5, column "charges"): "fifty" is not a number, and this column must be numeric (a missing value is written as one of missing_values: empty, NA, N/A, NaN, null, NULL, ?)');
  });
  it('duplicate ids', async () => {
    expect(await errorOf(`${GOOD}\nb,5,plus,50,no`)).toBe('input error (file FILE, row 5, column "id"): duplicate id "b" at rows 2 and 5: each customer must appear once');
  });
  it('a truncated last line', async () => {
    expect(await errorOf(`${GOOD}\ne,5,pl`)).toBe(
      'input error (file FILE, row 5, column "charges"): the line has fewer fields than the header (Expected Number of Columns: 5 Found: 3): the file looks truncated or a row is cut short',
    );
  });
  it('an all-constant column is dropped with a warning, not an error', async () => {
    const text = ['id,tenure,plan,charges,churn,region', 'a,1,basic,10,yes,north', 'b,2,basic,20,no,north', 'c,3,plus,30,no,north'].join('\n');
    const t = await readCustomerTable(config(tmp.write('constant.csv', text)));
    expect(t.columns.map((c) => c.name)).not.toContain('region');
    expect(t.warnings[0]).toMatch(/^column "region" has a single value in every row and was dropped/);
  });
  it('a config key of the wrong type names the key', () => {
    expect(() => parseConfig({ source: 'x.csv', target: { column: 'c', churned: 'y' }, tiers: { high: 'high', medium: 0.2 } }, 'cfg.json')).toThrow(
      expect.objectContaining({ context: { file: 'cfg.json', key: 'tiers.high' } }),
    );
    expect(() => parseConfig({ source: 'x.csv', target: { column: 'c', churned: 'y' }, roles: { arpu: 'x' } }, 'cfg.json')).toThrow(
      expect.objectContaining({ context: { file: 'cfg.json', key: 'roles.arpu' } }),
    );
  });
});

describe('the shipped datasets', () => {
  it('Telco: 7,043 customers, 26.5% churn, TotalCharges numeric with 11 blanks', async () => {
    const t = await readCustomerTable(parseConfig({ source: 'data/ibm-telco-churn.csv', id: 'customerID', target: { column: 'Churn', churned: 'Yes' } }, 'churnscope.json'));
    expect(t.rows).toBe(7043);
    const rate = (t.target ?? new Uint8Array()).reduce((a, b) => a + b, 0) / t.rows;
    expect(rate).toBeCloseTo(0.2654, 4);
    const total = t.columns.find((c) => c.name === 'TotalCharges');
    expect(total?.kind).toBe('numeric');
    expect(Array.from(total?.values as Float64Array).filter(Number.isNaN).length).toBe(11);
  });
});
