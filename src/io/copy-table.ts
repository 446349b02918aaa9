/**
 * Writes a table to CSV or Parquet with the same bytes on every run. DuckDB's parallel Parquet
 * writer takes the table's row groups as batches and, when they are not the row group size it was
 * asked for, cuts and joins them where threads happen to meet: a 10M-customer list came out with
 * different row group boundaries run to run. So the row group size asked for is the table's own
 * (every batch is then written whole, in order), and when the table's row groups differ in size,
 * one thread writes.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from './duckdb.js';

/** Rows in each of a table's row groups, in order (its first column's segments end where the group does). */
export async function rowGroups(con: DuckDBConnection, table: string): Promise<number[]> {
  const sql = `SELECT max("start" + count)::BIGINT::DOUBLE FROM pragma_storage_info(${sqlString(table)}) WHERE column_path = '[0]' GROUP BY row_group_id ORDER BY row_group_id`;
  return (await con.runAndReadAll(sql)).getRowsJS().map((r) => Number(r[0]));
}

/** `select`: a query over `table` alone, in the table's row order. Returns the rows written. */
export async function copyTable(con: DuckDBConnection, table: string, select: string, file: string, format: 'csv' | 'parquet'): Promise<number> {
  const copy = async (options: string): Promise<number> => Number((await con.runAndReadAll(`COPY (${select}) TO ${sqlString(file)} (${options})`)).getRowsJS()[0]?.[0] ?? 0);
  if (format === 'csv') return copy('FORMAT csv, HEADER true'); // rows in order: the bytes follow
  const groups = await rowGroups(con, table);
  const size = groups[0] ?? 0;
  if (groups.slice(0, -1).every((g) => g === size) && size > 0) return copy(`FORMAT parquet, ROW_GROUP_SIZE ${size}`);
  const threads = String((await con.runAndReadAll(`SELECT current_setting('threads')`)).getRowsJS()[0][0]);
  await con.run('SET threads = 1');
  try {
    return await copy('FORMAT parquet, ROW_GROUP_SIZE 122880');
  } finally {
    await con.run(`SET threads = ${Number(threads)}`);
  }
}
