/**
 * Opens an operator's tables (customers, monthly usage, complaints, optional call-detail records)
 * in one DuckDB connection as typed tables, validating them: every error names file, row and
 * column; where skipping is the right answer (usage of an unknown customer, a month missing from
 * a customer's usage) the rows are counted in warnings, never dropped silently.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '../../errors.js';
import { DEFAULT_MEMORY_LIMIT, sqlIdent, sqlString } from '../../io/duckdb.js';
import { withInputFiles, duckMessage } from '../../io/input-file.js';
import { openTable } from '../../io/open-table.js';

export const DEACTIVATION_REASONS = ['voluntary', 'port_out', 'non_payment', 'fraud'] as const;

export interface PanelFiles {
  customers: string;
  usage?: string;
  complaints?: string;
  cdr?: string;
}

export interface Panel {
  con: DuckDBConnection;
  files: PanelFiles;
  firstMonth: string; // YYYY-MM of the first usage month
  lastMonth: string;
  warnings: string[];
  close(): void;
}

const ROW = '__row';

/** Copies a table's file (read literally, see io/input-file) into `table`, with 1-based row numbers. */
async function loadRaw(con: DuckDBConnection, table: string, file: string, columns: readonly string[]): Promise<void> {
  await withInputFiles([{ path: file, what: `the ${table.replace('raw_', '')} table` }], async ([input]) => {
    try {
      await openTable(con, `${table}_file`, input, { text: true, rejects: true });
      await con.run(`CREATE TABLE ${table} AS SELECT row_number() OVER ()::INTEGER AS ${ROW}, * FROM ${table}_file`);
    } catch (e) {
      throw new InputError(`the file cannot be read: ${duckMessage(e, [input])}`, { file }, { cause: e });
    }
  });
  const rejects = (await con.runAndReadAll('SELECT line::INTEGER, column_name, error_message FROM reject_errors ORDER BY line LIMIT 1')).getRowsJS();
  if (rejects.length > 0) {
    throw new InputError(`the line cannot be parsed: ${String(rejects[0][2])}`, { file, row: Number(rejects[0][0]) - 1, column: String(rejects[0][1]) });
  }
  await con.run('DELETE FROM reject_errors');
  const present = new Set((await con.runAndReadAll(`DESCRIBE ${table}`)).getRowsJS().map((r) => String(r[0])));
  for (const c of columns) {
    if (!present.has(c)) throw new InputError(`the column "${c}" is missing; expected ${columns.join(', ')}`, { file, column: c });
  }
  const count = Number((await con.runAndReadAll(`SELECT count(*)::INTEGER FROM ${table}`)).getRowsJS()[0][0]);
  if (count === 0) throw new InputError('the file has a header but no data rows', { file });
}

/** Fails on the first value of `column` that does not cast to `type` (blank allowed when nullable). */
async function checkCast(con: DuckDBConnection, table: string, file: string, column: string, type: 'DATE' | 'DOUBLE' | 'TIMESTAMP', nullable: boolean): Promise<void> {
  const c = sqlIdent(column);
  const blank = `(${c} IS NULL OR trim(CAST(${c} AS VARCHAR)) = '')`;
  const bad = (await con.runAndReadAll(
    `SELECT ${ROW}, CAST(${c} AS VARCHAR) FROM ${table} WHERE ${nullable ? `NOT ${blank} AND ` : ''}(${blank} OR TRY_CAST(trim(CAST(${c} AS VARCHAR)) AS ${type}) IS NULL) ORDER BY ${ROW} LIMIT 1`,
  )).getRowsJS();
  if (bad.length > 0) {
    const value = bad[0][1] === null ? '' : String(bad[0][1]);
    const what = type === 'DOUBLE' ? 'a number' : type === 'DATE' ? 'a date (YYYY-MM-DD)' : 'a timestamp';
    throw new InputError(value === '' ? `the value is blank; expected ${what}` : `"${value}" is not ${what}`, { file, row: Number(bad[0][0]), column });
  }
}

const cast = (column: string, type: string): string => `TRY_CAST(NULLIF(trim(CAST(${sqlIdent(column)} AS VARCHAR)), '') AS ${type})`;

const USAGE_NUMBERS = ['out_calls', 'in_calls', 'out_minutes', 'in_minutes', 'distinct_called', 'sms', 'data_mb', 'revenue', 'dropped_calls'] as const;

export async function openPanel(files: PanelFiles): Promise<Panel> {
  // DuckDB holds the panel in memory up to a cap and spills the rest to a scratch folder.
  const scratch = mkdtempSync(join(tmpdir(), 'churnscope-panel-'));
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: DEFAULT_MEMORY_LIMIT, temp_directory: scratch });
  const con = await instance.connect();
  const close = (): void => {
    con.closeSync();
    instance.closeSync();
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    const warnings: string[] = [];
    // Customers.
    const cf = files.customers;
    await loadRaw(con, 'raw_customers', cf, ['customer_id', 'activation_date', 'segment', 'plan', 'contract_end_date', 'deactivation_date', 'deactivation_reason']);
    await checkCast(con, 'raw_customers', cf, 'activation_date', 'DATE', false);
    await checkCast(con, 'raw_customers', cf, 'contract_end_date', 'DATE', true);
    // Optional: the current contract's start, so that a training month reads the contract then in force.
    const hasStart = (await con.runAndReadAll(`SELECT count(*)::INTEGER FROM (DESCRIBE raw_customers) WHERE column_name = 'contract_start_date'`)).getRowsJS()[0][0] === 1;
    if (hasStart) await checkCast(con, 'raw_customers', cf, 'contract_start_date', 'DATE', true);
    await checkCast(con, 'raw_customers', cf, 'deactivation_date', 'DATE', true);
    const reasons = DEACTIVATION_REASONS.map(sqlString).join(', ');
    const badReason = (await con.runAndReadAll(
      `SELECT ${ROW}, deactivation_reason FROM raw_customers WHERE NULLIF(trim(deactivation_reason), '') IS NOT NULL AND lower(trim(deactivation_reason)) NOT IN (${reasons}) ORDER BY ${ROW} LIMIT 1`,
    )).getRowsJS();
    if (badReason.length > 0) {
      throw new InputError(`unknown deactivation_reason "${String(badReason[0][1])}"; expected one of ${DEACTIVATION_REASONS.join(', ')}`, { file: cf, row: Number(badReason[0][0]), column: 'deactivation_reason' });
    }
    const noReason = (await con.runAndReadAll(
      `SELECT ${ROW} FROM raw_customers WHERE NULLIF(trim(deactivation_date), '') IS NOT NULL AND NULLIF(trim(deactivation_reason), '') IS NULL ORDER BY ${ROW} LIMIT 1`,
    )).getRowsJS();
    if (noReason.length > 0) throw new InputError('a deactivated customer has no deactivation_reason', { file: cf, row: Number(noReason[0][0]), column: 'deactivation_reason' });
    const dupCustomer = (await con.runAndReadAll(
      `SELECT customer_id, list(${ROW} ORDER BY ${ROW}) FROM raw_customers GROUP BY 1 HAVING count(*) > 1 ORDER BY min(${ROW}) LIMIT 1`,
    )).getRowsJS();
    if (dupCustomer.length > 0) {
      const rows = (dupCustomer[0][1] as number[]).map(Number);
      throw new InputError(`duplicate customer_id "${String(dupCustomer[0][0])}" at rows ${rows.join(' and ')}`, { file: cf, row: rows[1], column: 'customer_id' });
    }
    await con.run(`CREATE TABLE customers AS SELECT CAST(customer_id AS VARCHAR) AS customer_id, ${cast('activation_date', 'DATE')} AS activation_date,
      CAST(segment AS VARCHAR) AS segment, CAST(plan AS VARCHAR) AS plan,
      ${hasStart ? cast('contract_start_date', 'DATE') : 'NULL::DATE'} AS contract_start_date, ${cast('contract_end_date', 'DATE')} AS contract_end_date,
      ${cast('deactivation_date', 'DATE')} AS deactivation_date, lower(NULLIF(trim(CAST(deactivation_reason AS VARCHAR)), '')) AS deactivation_reason
      FROM raw_customers`);
    await con.run('DROP TABLE raw_customers'); // checked and typed: the raw text would hold memory for nothing

    // Usage: from the monthly table, or aggregated from call-detail records.
    if (files.usage !== undefined) {
      const uf = files.usage;
      await loadRaw(con, 'raw_usage', uf, ['customer_id', 'month', ...USAGE_NUMBERS]);
      await checkCast(con, 'raw_usage', uf, 'month', 'DATE', false);
      for (const c of USAGE_NUMBERS) await checkCast(con, 'raw_usage', uf, c, 'DOUBLE', true);
      const dup = (await con.runAndReadAll(
        `SELECT customer_id, strftime(${cast('month', 'DATE')}, '%Y-%m'), list(${ROW} ORDER BY ${ROW}) FROM raw_usage GROUP BY 1, 2 HAVING count(*) > 1 ORDER BY min(${ROW}) LIMIT 1`,
      )).getRowsJS();
      if (dup.length > 0) {
        const rows = (dup[0][2] as number[]).map(Number);
        throw new InputError(`duplicate usage for customer "${String(dup[0][0])}" in month ${String(dup[0][1])} at rows ${rows.join(' and ')}`, { file: uf, row: rows[1], column: 'month' });
      }
      await con.run(`CREATE TABLE usage_all AS SELECT CAST(customer_id AS VARCHAR) AS customer_id, CAST(date_trunc('month', ${cast('month', 'DATE')}) AS DATE) AS month,
        ${USAGE_NUMBERS.map((c) => `coalesce(${cast(c, 'DOUBLE')}, 0) AS ${c}`).join(', ')} FROM raw_usage`);
      await con.run('DROP TABLE raw_usage');
    } else if (files.cdr !== undefined) {
      await loadCdr(con, files.cdr);
    } else {
      throw new InputError('the panel needs usage_monthly or call-detail records (cdr)', { file: cf, key: 'tables.usage' });
    }
    const unknown = Number((await con.runAndReadAll('SELECT count(*)::INTEGER FROM usage_all u ANTI JOIN customers c USING (customer_id)')).getRowsJS()[0][0]);
    if (unknown > 0) warnings.push(`${unknown} usage rows belong to customers not in ${cf}; they were skipped`);
    await con.run('CREATE TABLE usage_monthly AS SELECT u.* FROM usage_all u SEMI JOIN customers c USING (customer_id)');
    await con.run('DROP TABLE usage_all');
    const gaps = (await con.runAndReadAll(`SELECT count(*)::INTEGER, coalesce(sum(missing), 0)::INTEGER FROM (
        SELECT customer_id, (datediff('month', min(month), max(month)) + 1 - count(*)) AS missing FROM usage_monthly GROUP BY 1) WHERE missing > 0`)).getRowsJS()[0];
    if (Number(gaps[0]) > 0) warnings.push(`${Number(gaps[0])} customers have gaps in their monthly usage (${Number(gaps[1])} missing months, read as no usage)`);

    // Complaints.
    if (files.complaints !== undefined) {
      const pf = files.complaints;
      await loadRaw(con, 'raw_complaints', pf, ['customer_id', 'opened_at', 'category', 'resolved_at']);
      await checkCast(con, 'raw_complaints', pf, 'opened_at', 'DATE', false);
      await checkCast(con, 'raw_complaints', pf, 'resolved_at', 'DATE', true);
      await con.run(`CREATE TABLE complaints AS SELECT CAST(customer_id AS VARCHAR) AS customer_id, ${cast('opened_at', 'DATE')} AS opened_at,
        lower(CAST(category AS VARCHAR)) AS category, ${cast('resolved_at', 'DATE')} AS resolved_at FROM raw_complaints`);
      await con.run('DROP TABLE raw_complaints');
      const orphans = Number((await con.runAndReadAll('SELECT count(*)::INTEGER FROM complaints c ANTI JOIN customers USING (customer_id)')).getRowsJS()[0][0]);
      if (orphans > 0) warnings.push(`${orphans} complaints belong to customers not in ${cf}; they were skipped`);
    } else {
      await con.run('CREATE TABLE complaints (customer_id VARCHAR, opened_at DATE, category VARCHAR, resolved_at DATE)');
    }
    const span = (await con.runAndReadAll("SELECT strftime(min(month), '%Y-%m'), strftime(max(month), '%Y-%m') FROM usage_monthly")).getRowsJS()[0];
    return { con, files, firstMonth: String(span[0]), lastMonth: String(span[1]), warnings, close };
  } catch (e) {
    close();
    throw e;
  }
}

/** Monthly usage from call-detail records: calls, minutes and distinct numbers, both ways. */
async function loadCdr(con: DuckDBConnection, file: string): Promise<void> {
  await loadRaw(con, 'raw_cdr', file, ['caller', 'callee', 'started_at', 'seconds']);
  await checkCast(con, 'raw_cdr', file, 'started_at', 'TIMESTAMP', false);
  await checkCast(con, 'raw_cdr', file, 'seconds', 'DOUBLE', false);
  await con.run(`CREATE TABLE cdr AS SELECT CAST(caller AS VARCHAR) AS caller, CAST(callee AS VARCHAR) AS callee,
    CAST(date_trunc('month', ${cast('started_at', 'TIMESTAMP')}) AS DATE) AS month, ${cast('seconds', 'DOUBLE')} AS seconds FROM raw_cdr`);
  await con.run('DROP TABLE raw_cdr');
  await con.run(`CREATE TABLE usage_all AS
    WITH outgoing AS (SELECT caller AS customer_id, month, count(*) AS out_calls, sum(seconds) / 60 AS out_minutes, count(DISTINCT callee) AS distinct_called FROM cdr GROUP BY 1, 2),
         incoming AS (SELECT callee AS customer_id, month, count(*) AS in_calls, sum(seconds) / 60 AS in_minutes FROM cdr GROUP BY 1, 2)
    SELECT customer_id, month,
      coalesce(o.out_calls, 0)::DOUBLE AS out_calls, coalesce(i.in_calls, 0)::DOUBLE AS in_calls,
      coalesce(o.out_minutes, 0)::DOUBLE AS out_minutes, coalesce(i.in_minutes, 0)::DOUBLE AS in_minutes,
      coalesce(o.distinct_called, 0)::DOUBLE AS distinct_called, 0::DOUBLE AS sms, 0::DOUBLE AS data_mb, 0::DOUBLE AS revenue, 0::DOUBLE AS dropped_calls
    FROM outgoing o FULL OUTER JOIN incoming i USING (customer_id, month)`);
  await con.run('DROP TABLE cdr');
}
