/**
 * A table's columns as `churnscope init` sees them: read through DuckDB from the header and a
 * sample of rows, each column summarised (numbers or text, distinct values, missing cells and the
 * tokens that mark them, range, the few values of a column that has few).
 */
import { InputError } from '../../errors.js';
import { sqlIdent, sqlString, withDuckDB } from '../../io/duckdb.js';
import { duckMessage, withInputFiles } from '../../io/input-file.js';
import { openTable } from '../../io/open-table.js';

/** Cell texts that mean "no value" in exported tables (R, Excel, pandas, SQL dumps). */
const MISSING_TOKENS = ['NA', 'N/A', 'n/a', 'na', 'NaN', 'nan', 'NULL', 'null', 'None', '#N/A', '?', '-'] as const;

export interface ColumnProfile {
  name: string;
  /** Every present value parses as a number. */
  numeric: boolean;
  /** Every present value is a whole number. */
  integer: boolean;
  present: number;
  missing: number;
  /** Missing-value tokens found in the column (blank cells not included). */
  missingTokens: string[];
  distinct: number;
  min: number | null;
  max: number | null;
  /** The values with their counts, most frequent first, when the column has at most 12. */
  levels: { value: string; count: number }[] | null;
}

export interface TableProfile {
  file: string;
  rows: number; // rows profiled (the sample)
  sampled: boolean; // the file has more rows than the sample
  columns: ColumnProfile[];
}

const LEVELS_SHOWN = 12;

/** Profiles the first `sample` rows of a CSV, Parquet or Arrow file, read literally (see io/input-file). */
export async function profileTable(file: string, sample = 100_000): Promise<TableProfile> {
  return withInputFiles([{ path: file, what: 'the table' }], ([input]) => withDuckDB(async (con) => {
    try {
      await openTable(con, 't_file', input, { text: true });
      await con.run(`CREATE TABLE t AS SELECT * FROM t_file LIMIT ${sample + 1}`);
    } catch (e) {
      throw new InputError(`the file cannot be read as a table: ${duckMessage(e, [input])}`, { file }, { cause: e });
    }
    const names = (await con.runAndReadAll('DESCRIBE t')).getRowsJS().map((r) => String(r[0]));
    const total = Number((await con.runAndReadAll('SELECT count(*)::INTEGER FROM t')).getRowsJS()[0][0]);
    if (total === 0) throw new InputError('the file has a header but no data rows', { file });
    const rows = Math.min(total, sample);
    const tokens = `[${MISSING_TOKENS.map(sqlString).join(', ')}]`;
    // One row per column: the cell as trimmed text, NULL when blank or a missing-value token.
    const cells = names.map((n) => `SELECT ${sqlString(n)} AS col, trim(CAST(${sqlIdent(n)} AS VARCHAR)) AS raw FROM (SELECT * FROM t LIMIT ${rows})`).join(' UNION ALL ');
    const stats = (await con.runAndReadAll(`
      WITH c AS (SELECT col, raw, CASE WHEN raw IS NULL OR raw = '' OR list_contains(${tokens}, raw) THEN NULL ELSE raw END AS v FROM (${cells})),
      n AS (SELECT col, v, TRY_CAST(v AS DOUBLE) AS x FROM c)
      SELECT col, count(v)::INTEGER, count(DISTINCT v)::INTEGER, count(x)::INTEGER, bool_and(x = floor(x)),
        min(x)::DOUBLE, max(x)::DOUBLE
      FROM n GROUP BY col`)).getRowsJS();
    const found = (await con.runAndReadAll(`
      SELECT col, list(DISTINCT raw ORDER BY raw) FROM (${cells}) WHERE list_contains(${tokens}, raw) GROUP BY col`)).getRowsJS();
    const tokensOf = new Map(found.map((r) => [String(r[0]), (r[1] as unknown[]).map(String)]));
    const byName = new Map(stats.map((r) => [String(r[0]), r]));
    const columns: ColumnProfile[] = [];
    for (const name of names) {
      const r = byName.get(name) ?? [name, 0, 0, 0, null, null, null];
      const present = Number(r[1]);
      const distinct = Number(r[2]);
      const numeric = present > 0 && Number(r[3]) === present;
      let levels: ColumnProfile['levels'] = null;
      if (distinct <= LEVELS_SHOWN) {
        levels = (await con.runAndReadAll(`
          SELECT v, count(*)::INTEGER FROM (SELECT trim(CAST(${sqlIdent(name)} AS VARCHAR)) AS v FROM (SELECT * FROM t LIMIT ${rows}))
          WHERE v IS NOT NULL AND v <> '' AND NOT list_contains(${tokens}, v) GROUP BY v ORDER BY 2 DESC, 1`)).getRowsJS()
          .map((l) => ({ value: String(l[0]), count: Number(l[1]) }));
      }
      columns.push({
        name,
        numeric,
        integer: numeric && r[4] === true,
        present,
        missing: rows - present,
        missingTokens: tokensOf.get(name) ?? [],
        distinct,
        min: numeric ? Number(r[5]) : null,
        max: numeric ? Number(r[6]) : null,
        levels,
      });
    }
    return { file, rows, sampled: total > sample, columns };
  }));
}
