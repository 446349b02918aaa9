/**
 * Reads a customer table (CSV, Parquet or Arrow) through DuckDB into typed columns, checking it against
 * the config: every problem a user can cause becomes an InputError naming file, row and column.
 * CSV is read as text first so that a bad value is reported where it stands, not coerced.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableConfig } from '../config/schema.js';
import { ConfigError, InputError } from '../errors.js';
import { sqlIdent, sqlString, withDuckDB } from '../io/duckdb.js';
import { withInputFiles, type InputFile, duckMessage } from '../io/input-file.js';
import { openTable } from '../io/open-table.js';
import { formatOf } from '../io/table-format.js';
import { columnKind, DEFAULT_MISSING_VALUES, isNonFiniteNumber, notANumber, numberCell, textCell, unsupportedColumn, type ColumnKind } from './cells.js';
import type { CustomerTable, RawColumn } from './table.js';

const ROW = '__churnscope_row';

/** Roles whose columns must be numeric. */
const TEXT_ROLES = new Set(['contract']);

/** Loads the file into table `raw` (with a 1-based row number), text for CSV, typed for Parquet and Arrow. */
async function loadRaw(con: DuckDBConnection, input: InputFile): Promise<void> {
  const file = input.path;
  const format = formatOf(file);
  try {
    await openTable(con, 'raw_file', input, { text: true, rejects: true });
    await con.run(`CREATE TABLE raw AS SELECT row_number() OVER ()::INTEGER AS ${ROW}, * FROM raw_file`);
  } catch (e) {
    const why = format === 'csv' ? 'the file cannot be read as CSV' : format === 'parquet' ? 'the Parquet file cannot be read (corrupt or not Parquet)' : 'the Arrow file cannot be read (corrupt or not Arrow IPC)';
    throw new InputError(`${why}: ${duckMessage(e, [input])}`, { file }, { cause: e });
  }
  if (format !== 'csv') return;
  const rejects = (await con.runAndReadAll(
    'SELECT line::INTEGER, column_name, error_type, error_message FROM reject_errors ORDER BY line LIMIT 1',
  )).getRowsJS();
  if (rejects.length > 0) {
    const [line, column, type, message] = rejects[0] as [number, string, string, string];
    const what = String(type) === 'MISSING COLUMNS'
      ? `the line has fewer fields than the header (${String(message)}): the file looks truncated or a row is cut short`
      : `the line cannot be parsed (${String(type)}: ${String(message)})`;
    throw new InputError(what, { file, row: Number(line) - 1, column: String(column) });
  }
}

interface ColumnInfo { name: string; type: string }

async function describe(con: DuckDBConnection): Promise<ColumnInfo[]> {
  const rows = (await con.runAndReadAll('DESCRIBE raw')).getRowsJS();
  return rows.map((r) => ({ name: String(r[0]), type: String(r[1]) })).filter((c) => c.name !== ROW);
}

/** The first cell of a column that is neither missing nor a finite number, with its row, or null when all parse. */
async function firstNonNumeric(con: DuckDBConnection, column: string, kind: ColumnKind, missing: readonly string[]): Promise<{ row: number; value: string } | null> {
  const rows = (await con.runAndReadAll(
    `SELECT ${ROW}, CAST(${sqlIdent(column)} AS VARCHAR) FROM raw WHERE ${notANumber(column, kind, missing)} ORDER BY ${ROW} LIMIT 1`,
  )).getRowsJS();
  return rows.length === 0 ? null : { row: Number(rows[0][0]), value: String(rows[0][1]) };
}

async function numericValues(con: DuckDBConnection, column: string, kind: ColumnKind, missing: readonly string[], rows: number): Promise<Float64Array> {
  const reader = await con.runAndReadAll(`SELECT ${numberCell(column, kind, missing)} FROM raw ORDER BY ${ROW}`);
  const values = reader.getColumnsJS()[0];
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = values[i];
    out[i] = typeof v === 'number' ? v : Number.NaN;
  }
  return out;
}

async function textValues(con: DuckDBConnection, column: string, missing: readonly string[]): Promise<(string | null)[]> {
  const values = (await con.runAndReadAll(`SELECT ${textCell(column, missing)} FROM raw ORDER BY ${ROW}`)).getColumnsJS()[0];
  return values.map((v) => (v === null || v === undefined ? null : String(v)));
}

interface ReadSpec {
  file: string;
  id: string | null;
  target?: { column: string; churned: string };
  duration?: string;
  roles: Record<string, string>;
  /** Columns to add as the sum of others (a role over several columns), see config/roles.ts. */
  sums?: Record<string, string[]>;
  drop: string[];
  /** Spellings of a missing value (the config's missing_values). */
  missing?: readonly string[];
}

/** Reads and validates a customer table for training. */
async function readTable(spec: ReadSpec): Promise<CustomerTable> {
  const { file } = spec;
  return withInputFiles([{ path: file, what: 'the file' }], ([input]) => withDuckDB(async (con) => {
    await loadRaw(con, input);
    const missing = spec.missing ?? DEFAULT_MISSING_VALUES;
    const raw = await describe(con);
    await addSums(con, spec.sums ?? {}, new Map(raw.map((c) => [c.name, c.type])), missing, file);
    const columns = await describe(con);
    const names = new Set(columns.map((c) => c.name));
    const rows = Number((await con.runAndReadAll('SELECT count(*)::INTEGER FROM raw')).getRowsJS()[0][0]);
    if (rows === 0) throw new InputError('the file has a header but no data rows', { file });

    const need = (column: string, key: string): void => {
      if (!names.has(column)) {
        throw new InputError(`the configured column "${column}" (${key}) is not in the file; it has: ${[...names].join(', ')}`, { file, column, key });
      }
    };
    if (spec.id !== null) need(spec.id, 'id');
    if (spec.target !== undefined) need(spec.target.column, 'target.column');
    if (spec.duration !== undefined) need(spec.duration, 'duration');
    for (const [role, column] of Object.entries(spec.roles)) need(column, `roles.${role}`);
    for (const column of spec.drop) need(column, 'drop');

    const warnings: string[] = [];
    // Ids: present, unique.
    let ids: string[];
    if (spec.id !== null) {
      const c = sqlIdent(spec.id);
      const blank = (await con.runAndReadAll(`SELECT ${ROW} FROM raw WHERE ${c} IS NULL OR trim(CAST(${c} AS VARCHAR)) = '' ORDER BY ${ROW} LIMIT 1`)).getRowsJS();
      if (blank.length > 0) throw new InputError('the id is blank', { file, row: Number(blank[0][0]), column: spec.id });
      const dup = (await con.runAndReadAll(
        `SELECT CAST(${c} AS VARCHAR) AS id, list(${ROW} ORDER BY ${ROW}) FROM raw GROUP BY 1 HAVING count(*) > 1 ORDER BY min(${ROW}) LIMIT 1`,
      )).getRowsJS();
      if (dup.length > 0) {
        const at = (dup[0][1] as number[]).map(Number);
        throw new InputError(`duplicate id "${String(dup[0][0])}" at rows ${at.join(' and ')}: each customer must appear once`, { file, row: at[1], column: spec.id });
      }
      ids = (await textValues(con, spec.id, [])).map((v) => v ?? '');
    } else {
      ids = Array.from({ length: rows }, (_, i) => String(i + 1));
    }

    // Target: exactly two values, one of which is the configured `churned` value.
    let target: Uint8Array | undefined;
    if (spec.target !== undefined) {
      const col = spec.target.column;
      const c = sqlIdent(col);
      const blank = (await con.runAndReadAll(`SELECT ${ROW} FROM raw WHERE ${c} IS NULL OR trim(CAST(${c} AS VARCHAR)) = '' ORDER BY ${ROW} LIMIT 1`)).getRowsJS();
      if (blank.length > 0) throw new InputError('the target is blank', { file, row: Number(blank[0][0]), column: col });
      const levels = (await con.runAndReadAll(
        `SELECT lower(trim(CAST(${c} AS VARCHAR))) AS v, min(${ROW}) AS first FROM raw GROUP BY 1 ORDER BY first`,
      )).getRowsJS().map((r) => ({ value: String(r[0]), row: Number(r[1]) }));
      const churned = spec.target.churned.trim().toLowerCase();
      if (!levels.some((l) => l.value === churned)) {
        throw new InputError(`no row has the churned value "${spec.target.churned}"; the column holds ${levels.map((l) => `"${l.value}"`).join(', ')}`, { file, column: col, key: 'target.churned' });
      }
      if (levels.length > 2) {
        const other = levels.find((l) => l.value !== churned);
        const third = levels.filter((l) => l.value !== churned)[1];
        throw new InputError(
          `the target has a third value "${third.value}": expected only "${spec.target.churned}" (churned) and "${other?.value ?? ''}" (stayed)`,
          { file, row: third.row, column: col },
        );
      }
      const flags = (await con.runAndReadAll(`SELECT (lower(trim(CAST(${c} AS VARCHAR))) = ${sqlString(churned)})::INTEGER FROM raw ORDER BY ${ROW}`)).getColumnsJS()[0];
      target = Uint8Array.from(flags, (v) => Number(v));
    }

    const numericRoleColumns = new Set(Object.entries(spec.roles).filter(([role]) => !TEXT_ROLES.has(role)).map(([, c]) => c));
    const mustBeNumeric = (name: string): boolean => numericRoleColumns.has(name) || name === spec.duration;

    const typeOf = new Map(columns.map((c) => [c.name, c.type]));
    const kindOf = (name: string): ColumnKind => {
      const type = typeOf.get(name) ?? 'VARCHAR';
      const kind = columnKind(type);
      if (kind === 'unsupported') throw unsupportedColumn(file, name, type);
      return kind;
    };
    const readNumeric = async (name: string): Promise<Float64Array> => {
      const kind = kindOf(name);
      const bad = await firstNonNumeric(con, name, kind, missing);
      if (bad !== null) throw notANumberError(bad, file, name, missing, 'this column must be numeric');
      return numericValues(con, name, kind, missing, rows);
    };

    let duration: Float64Array | undefined;
    if (spec.duration !== undefined) {
      duration = await readNumeric(spec.duration);
      checkDurations(duration, file, spec.duration);
    }

    const skip = new Set<string>([...(spec.id !== null ? [spec.id] : []), ...(spec.target !== undefined ? [spec.target.column] : []), ...spec.drop]);
    const out: RawColumn[] = [];
    for (const { name } of columns) {
      if (skip.has(name)) continue;
      let column: RawColumn;
      const kind = kindOf(name);
      if (mustBeNumeric(name) || kind === 'number' || (await firstNonNumeric(con, name, kind, missing)) === null) {
        column = { name, kind: 'numeric', values: await readNumeric(name) };
      } else {
        column = { name, kind: 'text', values: await textValues(con, name, missing) };
      }
      if (isConstant(column)) {
        warnings.push(`column "${name}" has a single value in every row and was dropped (file ${file})`);
        continue;
      }
      out.push(column);
    }
    return { source: file, rows, ids, columns: out, target, duration, warnings };
  }));
}

/**
 * Adds each summed role column to `raw`: the parts must be in the file and numeric (a blank part
 * leaves the sum missing, imputed like any missing number).
 */
async function addSums(con: DuckDBConnection, sums: Record<string, string[]>, types: ReadonlyMap<string, string>, missing: readonly string[], file: string): Promise<void> {
  const kind = (part: string): ColumnKind => {
    const k = columnKind(types.get(part) ?? 'VARCHAR');
    if (k === 'unsupported') throw unsupportedColumn(file, part, types.get(part) ?? '');
    return k;
  };
  for (const [name, parts] of Object.entries(sums)) {
    if (types.has(name)) throw new ConfigError(`the file already has a column "${name}", the name churnscope gives the sum of ${parts.join(', ')}: rename that column`, { file, key: 'roles' });
    for (const part of parts) {
      if (!types.has(part)) throw new InputError(`the configured column "${part}" (roles, summed into ${name}) is not in the file; it has: ${[...types.keys()].join(', ')}`, { file, column: part, key: 'roles' });
      const bad = await firstNonNumeric(con, part, kind(part), missing);
      if (bad !== null) throw notANumberError(bad, file, part, missing, `this column is summed into ${name}`);
    }
    const sum = parts.map((p) => numberCell(p, kind(p), missing)).join(' + ');
    await con.run(`CREATE OR REPLACE TABLE raw AS SELECT *, (${sum})::DOUBLE AS ${sqlIdent(name)} FROM raw`);
  }
}

function notANumberError(bad: { row: number; value: string }, file: string, column: string, missing: readonly string[], why: string): InputError {
  const what = isNonFiniteNumber(bad.value) ? 'is not a finite number' : 'is not a number';
  return new InputError(`"${bad.value}" ${what}, and ${why} (a missing value is written as one of missing_values: ${missing.map((m) => (m === '' ? 'empty' : m)).join(', ')})`, { file, row: bad.row, column });
}

/** Survival needs a finite, non-negative time on network for every customer. */
function checkDurations(duration: Float64Array, file: string, column: string): void {
  for (let i = 0; i < duration.length; i++) {
    const v = duration[i];
    if (Number.isNaN(v)) {
      // Said with the way out: a table with a few missing tenures still trains without the Cox model.
      const missing = duration.reduce((n, d) => n + (Number.isNaN(d) ? 1 : 0), 0);
      throw new InputError(`the duration is missing (${missing.toLocaleString('en')} row${missing === 1 ? '' : 's'} without one, the first here); survival needs a finite time on network of 0 or more for every customer: fill them in, or leave "duration" out of the config to train without the Cox model (the column stays a feature, missing cells at its median)`, { file, row: i + 1, column, key: 'duration' });
    }
    const problem = !Number.isFinite(v) ? `the duration is infinite (${v})` : v < 0 ? `the duration is negative (${v})` : null;
    if (problem !== null) throw new InputError(`${problem}; survival needs a finite time on network of 0 or more for every customer`, { file, row: i + 1, column });
  }
}

function isConstant(column: RawColumn): boolean {
  const v = column.values;
  if (v.length === 0) return true;
  if (column.kind === 'numeric') {
    const values = column.values;
    const first = values[0];
    for (let i = 1; i < values.length; i++) if (!Object.is(values[i], first)) return false;
    return true;
  }
  const values = column.values;
  return values.every((x) => x === values[0]);
}

export async function readCustomerTable(config: TableConfig): Promise<CustomerTable> {
  if (config.duration !== undefined && config.duration === config.target.column) {
    throw new ConfigError('the duration column cannot be the target column', { key: 'duration' });
  }
  return readTable({
    file: config.source,
    id: config.id ?? null,
    target: config.target,
    duration: config.duration,
    roles: config.roles,
    sums: config.role_sums,
    drop: config.drop,
    missing: config.missing_values,
  });
}
