/**
 * CSV lists made safe to open in a spreadsheet (OWASP, "CSV injection"): a text cell starting
 * with =, +, -, @, a tab or a carriage return would be run as a formula by Excel or LibreOffice,
 * so it gets a leading apostrophe, which spreadsheets show as text and do not display. Numbers
 * are left alone (a negative contribution stays a number).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdent } from './duckdb.js';

/** SQL: the text cell with an apostrophe before a leading formula character. */
function safeCell(column: string): string {
  const c = `CAST(${sqlIdent(column)} AS VARCHAR)`;
  return `CASE WHEN regexp_matches(${c}, '^[=+\\-@\\t\\r]') THEN '''' || ${c} ELSE ${c} END`;
}

const NUMBER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*|BOOLEAN)$/;

/** `query` with each of its text columns (text, or words as ENUMs) made spreadsheet-safe, columns in the same order. */
export async function spreadsheetSafeQuery(con: DuckDBConnection, query: string): Promise<string> {
  const columns = (await con.runAndReadAll(`DESCRIBE ${query}`)).getRowsJS().map((r) => ({ name: String(r[0]), type: String(r[1]) }));
  const select = columns.map(({ name, type }) => (NUMBER.test(type) ? sqlIdent(name) : `${safeCell(name)} AS ${sqlIdent(name)}`));
  return `SELECT ${select.join(', ')} FROM (${query})`;
}
