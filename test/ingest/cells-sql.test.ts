/** How a cell is read, as SQL over DuckDB, cell by cell: missing, a finite number, or not a number. */
import { describe, expect, it } from 'vitest';
import { columnKind, isNonFiniteNumber, notANumber, numberCell, textCell, unsupportedColumn } from '../../src/ingest/cells.js';
import { withDuckDB } from '../../src/io/duckdb.js';

const CELLS = ['', '  ', 'NA', ' NA ', '-', '3', ' 2.5 ', '-1e3', 'abc', 'inf', '-Infinity', '1e400', 'nan', null];
const MISSING = ['NA', 'nan'];

async function read(kind: 'text' | 'number', sql: (column: string) => string, cells: readonly (string | number | null)[]): Promise<unknown[]> {
  return withDuckDB(async (con) => {
    const type = kind === 'text' ? 'VARCHAR' : 'DOUBLE';
    const values = cells.map((c, i) => `(${i}, ${c === null ? 'NULL' : kind === 'text' ? `'${c}'` : `'${c}'::DOUBLE`})`).join(', ');
    await con.run(`CREATE TABLE t AS SELECT i, CAST(v AS ${type}) AS v FROM (VALUES ${values}) x(i, v)`);
    return (await con.runAndReadAll(`SELECT ${sql('v')} FROM t ORDER BY i`)).getRowsJS().map((r) => r[0]);
  });
}

describe('cells', () => {
  it('text cells: missing spellings and blanks are NULL, finite numbers are numbers, anything else is not a number', async () => {
    expect(await read('text', (c) => notANumber(c, 'text', MISSING), CELLS))
      .toEqual([false, false, false, false, true, false, false, false, true, true, true, true, false, false]);
    expect(await read('text', (c) => numberCell(c, 'text', MISSING), CELLS))
      .toEqual([null, null, null, null, null, 3, 2.5, -1000, null, Infinity, -Infinity, Infinity, null, null]);
    expect(await read('text', (c) => textCell(c, MISSING), ['', 'NA', 'Two year', null])).toEqual([null, null, 'Two year', null]);
  });

  it('typed numeric cells: NULL is missing, NaN and ±Infinity are not numbers', async () => {
    expect(await read('number', (c) => notANumber(c, 'number', MISSING), [1, 'NaN', 'Infinity', '-Infinity', null])).toEqual([false, true, true, true, false]);
    expect(await read('number', (c) => numberCell(c, 'number', MISSING), [1.5, null])).toEqual([1.5, null]);
  });

  it('names a non-finite number as such in messages', () => {
    expect(['inf', ' -Infinity ', '1e400', 'NaN', '-1e400'].map(isNonFiniteNumber)).toEqual([true, true, true, true, true]);
    expect(['3', 'abc', '', '1e300', 'infinite'].map(isNonFiniteNumber)).toEqual([false, false, false, false, false]);
  });

  it('reads each DuckDB type as a number, as text, or refuses it by name with what to do', () => {
    const types = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT', 'FLOAT', 'DOUBLE', 'DECIMAL(8,2)', 'BOOLEAN'];
    expect(types.map(columnKind)).toEqual(types.map(() => 'number'));
    expect(['VARCHAR', 'UUID', "ENUM('a', 'b')"].map(columnKind)).toEqual(['text', 'text', 'text']);
    expect(['DATE', 'TIMESTAMP', 'INTEGER[]', 'STRUCT(a INTEGER)', 'BLOB', 'XDOUBLE', 'DOUBLE[]'].map(columnKind)).toEqual(Array(7).fill('unsupported'));
    expect(unsupportedColumn('f.csv', 'since', 'DATE').describe()).toBe('input error (file f.csv, column "since"): column "since" holds DATE values, which churnscope does not read as a feature: turn it into a number (e.g. months since that date) or list it in "drop"');
    expect(unsupportedColumn('f.csv', 'tags', 'VARCHAR[]').message).toBe('column "tags" holds VARCHAR[] values, which churnscope does not read as a feature: convert it to numbers or text, or list it in "drop"');
  });
});
