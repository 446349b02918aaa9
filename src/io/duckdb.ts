/**
 * One embedded DuckDB connection for a piece of work, closed afterwards.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** DuckDB's memory for a large job (list ranking, merging, an operator panel): past it DuckDB spills to disk, which keeps the process under 2 GB. */
export const DEFAULT_MEMORY_LIMIT = '1GB';

/** Settings for a large job: DuckDB's memory limit (it spills past it) and where it spills. */
export interface DuckDBSettings {
  memory_limit?: string;
  temp_directory?: string;
}

export async function withDuckDB<T>(work: (con: DuckDBConnection, instance: DuckDBInstance) => Promise<T>, settings: DuckDBSettings = {}): Promise<T> {
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(settings)) if (v !== undefined) config[k] = v;
  const instance = await DuckDBInstance.create(':memory:', config);
  const con = await instance.connect();
  try {
    return await work(con, instance);
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

/** A SQL double literal parsed by DuckDB's double parser, exactly this double (a bare 29.85 would be a DECIMAL). */
export const sqlDouble = (x: number): string => `CAST('${String(x)}' AS DOUBLE)`;

/** A path or string as a SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** A column name as a SQL identifier. */
export function sqlIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}
