import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { copyTable, rowGroups } from '../../src/io/copy-table.js';
import { sqlString, withDuckDB } from '../../src/io/duckdb.js';

const ints = async (con: DuckDBConnection, sql: string): Promise<number[]> => (await con.runAndReadAll(sql)).getRowsJS().map((r) => Number(r[0]));
const fileGroups = (con: DuckDBConnection, file: string): Promise<number[]> =>
  ints(con, `SELECT row_group_num_rows::BIGINT::DOUBLE FROM parquet_metadata(${sqlString(file)}) GROUP BY row_group_id, row_group_num_rows ORDER BY row_group_id`);

describe('copyTable', () => {
  it('writes Parquet with the table\'s own row groups, so reruns give the same bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'copy-table-'));
    await withDuckDB(async (con) => {
      // A parallel sort into a table, as the batch job ranks: several row groups, all but the last of one size.
      await con.run(`CREATE TABLE ranked AS SELECT i, hash(i) % 1000 AS h, 'level ' || (i % 97) AS s FROM range(600000) r(i) ORDER BY h DESC, i`);
      const groups = await rowGroups(con, 'ranked');
      expect(groups.length).toBeGreaterThan(3);
      const files = [join(dir, 'a.parquet'), join(dir, 'b.parquet')];
      for (const f of files) expect(await copyTable(con, 'ranked', 'SELECT (rowid + 1)::INTEGER AS rank, * FROM ranked', f, 'parquet')).toBe(600_000);
      expect(await fileGroups(con, files[0])).toEqual(groups); // no batch cut or joined
      expect(readFileSync(files[0]).equals(readFileSync(files[1]))).toBe(true);
      const order = await ints(con, `SELECT count(*)::INTEGER FROM read_parquet(${sqlString(files[0])}) f POSITIONAL JOIN ranked t WHERE f.i <> t.i OR f.rank <> t.rowid + 1`);
      expect(order).toEqual([0]);
    });
  });

  it('writes a table of uneven row groups on one thread, and gives the threads back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'copy-table-'));
    await withDuckDB(async (con) => {
      await con.run('SET threads = 2');
      await con.run(`CREATE TABLE t AS SELECT i FROM range(100000) r(i) ORDER BY hash(i)`);
      await con.run(`INSERT INTO t SELECT i FROM range(100000, 400000) r(i) ORDER BY hash(i)`);
      const groups = await rowGroups(con, 't');
      expect(new Set(groups.slice(0, -1)).size).toBeGreaterThan(1);
      const files = [join(dir, 'a.parquet'), join(dir, 'b.parquet')];
      for (const f of files) expect(await copyTable(con, 't', 'SELECT i FROM t', f, 'parquet')).toBe(400_000);
      expect(readFileSync(files[0]).equals(readFileSync(files[1]))).toBe(true);
      expect(await ints(con, `SELECT current_setting('threads')::INTEGER`)).toEqual([2]);
      expect(await ints(con, `SELECT count(*)::INTEGER FROM read_parquet(${sqlString(files[0])}) f POSITIONAL JOIN t WHERE f.i <> t.i`)).toEqual([0]);
    });
  });
});
