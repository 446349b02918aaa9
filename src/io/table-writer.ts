/**
 * Writes a columnar result (the scored list, shard lists) as CSV, Parquet or Arrow IPC, chosen by
 * the file's extension, atomically. Numbers are written in their shortest round-trip form so the
 * same scores give byte-identical files.
 */
import { writeFile, rm, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { makeFolder, tempPathFor } from './atomic.js';
import { sqlIdent, sqlString, withDuckDB } from './duckdb.js';
import { withInputFiles } from './input-file.js';
import { formatOf, type TableFormat } from './table-format.js';

export type OutColumn =
  | { name: string; type: 'int'; values: Int32Array }
  | { name: string; type: 'double'; values: Float64Array }
  | { name: string; type: 'bool'; values: Uint8Array }
  | { name: string; type: 'text'; values: readonly (string | null)[] };

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function formatNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : '';
}

function toCsv(columns: readonly OutColumn[]): string {
  const rows = columns.length > 0 ? columns[0].values.length : 0;
  const lines: string[] = [columns.map((c) => csvCell(c.name)).join(',')];
  for (let i = 0; i < rows; i++) {
    const cells = new Array<string>(columns.length);
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j];
      if (c.type === 'text') {
        const v = c.values[i];
        cells[j] = v === null ? '' : csvCell(v);
      } else if (c.type === 'bool') {
        cells[j] = c.values[i] === 1 ? 'true' : 'false';
      } else {
        cells[j] = formatNumber(c.values[i]);
      }
    }
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

const duckType = { int: 'INTEGER', double: 'DOUBLE', bool: 'BOOLEAN', text: 'VARCHAR' } as const;

/** Writes `columns` to `target` (format by extension) through a temporary file and a rename. */
export async function writeTable(target: string, columns: readonly OutColumn[], format: TableFormat = formatOf(target)): Promise<void> {
  await makeFolder(dirname(target));
  const tmp = tempPathFor(target);
  try {
    await writeTableFile(tmp, columns, format);
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Writes `columns` straight to `file` (a temporary path the caller renames). */
export async function writeTableFile(file: string, columns: readonly OutColumn[], format: TableFormat): Promise<void> {
  if (format === 'csv') {
    await writeFile(file, toCsv(columns));
    return;
  }
  if (format === 'arrow') {
    const arrays: Record<string, Int32Array | Float64Array | boolean[] | string[]> = {};
    for (const c of columns) {
      if (c.type === 'bool') arrays[c.name] = Array.from(c.values, (v) => v === 1);
      else if (c.type === 'text') arrays[c.name] = c.values.map((v) => v ?? '');
      else arrays[c.name] = c.values;
    }
    await writeFile(file, tableToIPC(tableFromArrays(arrays), 'file'));
    return;
  }
  const csv = `${file}.csv`;
  await writeFile(csv, toCsv(columns));
  const types = columns.map((c) => `${sqlString(c.name)}: '${duckType[c.type]}'`).join(', ');
  const select = columns.map((c) => sqlIdent(c.name)).join(', ');
  try {
    // The temporary name holds the output's name, which may hold pattern characters: read it literally.
    await withInputFiles([{ path: csv, what: 'the temporary table' }], ([input]) => withDuckDB(async (con) => {
      await con.run('SET threads = 1'); // one writer thread keeps row groups, and so bytes, stable
      await con.run(`COPY (SELECT ${select} FROM read_csv(${sqlString(input.duck)}, header = true, columns = {${types}})) TO ${sqlString(file)} (FORMAT parquet)`);
    }));
  } finally {
    await rm(csv, { force: true });
  }
}
