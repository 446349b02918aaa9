/**
 * The numbers of a CSV list at the precision people read: money in cents, probabilities and
 * contributions to 6 significant digits (a double written whole, 0.9074105828339315, says
 * nothing more to anyone and makes the file about a quarter longer). Parquet and Arrow lists keep full
 * precision, and so do shard lists in any format: merge ranks on their numbers, and rounded keys
 * would tie where the unsharded ranking does not.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdent } from '../../io/duckdb.js';

const MONEY = new Set(['value', 'value_at_risk']);
const SIGNIFICANT = /^(churn_probability|p_churn_\d+m|reason_\d+_contribution)$/;

/** A list column that holds a number (DOUBLE), whatever a CSV reader guessed for it. */
export function isListNumber(column: string): boolean {
  return MONEY.has(column) || SIGNIFICANT.test(column);
}

/** SQL: a DOUBLE to 6 significant digits, still a DOUBLE (its shortest form is those digits). */
function significant6(column: string): string {
  return `CAST(format('{:.6g}', ${sqlIdent(column)}) AS DOUBLE)`;
}

/** SQL: an amount in cents, written with both decimals. */
export function cents(column: string): string {
  return `CAST(round(${sqlIdent(column)}, 2) AS DECIMAL(38, 2))`;
}

/** `query` with the list's numbers rounded as a CSV list carries them, columns in the same order. */
export async function csvPrecisionQuery(con: DuckDBConnection, query: string): Promise<string> {
  const columns = (await con.runAndReadAll(`DESCRIBE ${query}`)).getRowsJS().map((r) => ({ name: String(r[0]), type: String(r[1]) }));
  const select = columns.map(({ name, type }) => {
    if (type !== 'DOUBLE') return sqlIdent(name);
    if (MONEY.has(name)) return `${cents(name)} AS ${sqlIdent(name)}`;
    if (SIGNIFICANT.test(name)) return `${significant6(name)} AS ${sqlIdent(name)}`;
    return sqlIdent(name);
  });
  return `SELECT ${select.join(', ')} FROM (${query})`;
}
