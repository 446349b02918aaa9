/**
 * One embedded DuckDB connection for a piece of work, closed afterwards.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export async function withDuckDB<T>(work: (con: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    return await work(con);
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

/** A path or string as a SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** A column name as a SQL identifier. */
export function sqlIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}
