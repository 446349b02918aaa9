/**
 * How a cell is read, the same in training and in scoring: one set of missing-value spellings
 * (the config's `missing_values`, recorded in the model file), one rule for numbers (a number
 * after trimming, else the cell is text in a numeric column: refused at training, the row
 * rejected at scoring), and one rule for column types (numbers and booleans read as numbers,
 * text as text, anything else refused by name).
 */
import { InputError } from '../errors.js';
import { sqlIdent, sqlString } from '../io/duckdb.js';

/** pandas-like spellings of a missing value (compared after trimming); a blank cell is missing whatever the list says. */
export const DEFAULT_MISSING_VALUES: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'null', 'NULL', '?'];

export type ColumnKind = 'number' | 'text' | 'unsupported';

/** How a column of this DuckDB type is read: Parquet's DECIMAL and BOOLEAN as numbers (true = 1); DATE, TIMESTAMP, lists... refused. */
export function columnKind(duckType: string): ColumnKind {
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*|BOOLEAN)$/.test(duckType)) return 'number';
  if (/^(VARCHAR|UUID|ENUM.*)$/.test(duckType)) return 'text';
  return 'unsupported';
}

/** The error for a column of a type churnscope does not read, naming it and what to do. */
export function unsupportedColumn(file: string, column: string, duckType: string): InputError {
  const hint = /DATE|TIME/.test(duckType) ? 'turn it into a number (e.g. months since that date) or' : 'convert it to numbers or text, or';
  return new InputError(`column "${column}" holds ${duckType} values, which churnscope does not read as a feature: ${hint} list it in "drop"`, { file, column });
}

/** SQL: the cell as trimmed text (NULL stays NULL). */
const trimmed = (column: string): string => `trim(CAST(${sqlIdent(column)} AS VARCHAR))`;

/** SQL: true when the cell is missing: NULL, blank (always), or one of the spellings. */
function isMissing(column: string, missing: readonly string[]): string {
  const spellings = ['', ...missing.filter((m) => m.trim() !== '')].map(sqlString).join(', ');
  return `(${sqlIdent(column)} IS NULL OR ${trimmed(column)} IN (${spellings}))`;
}

/** SQL: the cell as a DOUBLE, NULL when missing or not a number. A typed numeric column is cast as it is. */
export function numberCell(column: string, kind: ColumnKind, missing: readonly string[]): string {
  if (kind === 'number') return `CAST(${sqlIdent(column)} AS DOUBLE)`;
  return `CASE WHEN ${isMissing(column, missing)} THEN NULL ELSE TRY_CAST(${trimmed(column)} AS DOUBLE) END`;
}

/**
 * SQL: true when a cell is neither missing nor a finite number. `inf`, `1e400` and a Parquet
 * column's NaN or Infinity count as not a number: read as one, a revenue of `inf` became a value
 * of 0 and a feature an imputed blank, with nothing said.
 */
export function notANumber(column: string, kind: ColumnKind, missing: readonly string[]): string {
  if (kind === 'number') return `NOT coalesce(isfinite(CAST(${sqlIdent(column)} AS DOUBLE)), true)`;
  return `(NOT ${isMissing(column, missing)} AND NOT coalesce(isfinite(TRY_CAST(${trimmed(column)} AS DOUBLE)), false))`;
}

/** A cell's text that a number parser reads as infinite or NaN (`inf`, `-Infinity`, `1e400`, `nan`). */
export function isNonFiniteNumber(cell: string): boolean {
  const t = cell.trim();
  return /^[+-]?(inf(inity)?|nan)$/i.test(t) || Number(t) === Infinity || Number(t) === -Infinity;
}

/** SQL: the cell as text, NULL when missing. */
export function textCell(column: string, missing: readonly string[]): string {
  return `CASE WHEN ${isMissing(column, missing)} THEN NULL ELSE CAST(${sqlIdent(column)} AS VARCHAR) END`;
}
