/**
 * A list's rows of named cells, read by DuckDB: a Parquet list in full precision (numbers as
 * JavaScript writes them), a CSV list as the text of its cells; a missing value as "".
 */
import { withDuckDB } from '../../src/io/duckdb.js';

export function readListRows(file: string): Promise<Record<string, string>[]> {
  const path = `'${file.replaceAll("'", "''")}'`;
  const from = file.endsWith('.parquet') ? `read_parquet(${path})` : `read_csv(${path}, header = true, all_varchar = true)`;
  return withDuckDB(async (con) => {
    const rows = (await con.runAndReadAll(`SELECT * FROM ${from}`)).getRowObjectsJS();
    return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? '' : String(v)])));
  });
}
