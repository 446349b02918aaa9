/**
 * Opens table files (already opened literally, see input-file) in DuckDB by their format (see
 * table-format): CSV and Parquet through DuckDB's own readers as a view, Arrow IPC (which this
 * DuckDB cannot read) appended into a table batch by batch. Every reader of a user's table or of
 * one of our lists goes through here.
 */
import { createReadStream } from 'node:fs';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { RecordBatchReader, Type, type Field, type Vector } from 'apache-arrow';
import { sqlIdent, sqlString } from './duckdb.js';
import { duckReader, type InputFile } from './input-file.js';
import { formatOf } from './table-format.js';

interface OpenOptions {
  /** CSV cells as text (no type sniffing: Yes/No would turn into booleans that never match levels learnt in training). */
  text?: boolean;
  /** CSV: keep unparseable lines in DuckDB's reject_errors table instead of failing. */
  rejects?: boolean;
  /** CSV: these columns as text, whatever they look like (ids: 007 stays 007). */
  textColumns?: readonly string[];
  /** CSV: a quoted empty cell ("") is an empty text, not a missing one (our lists write "no warning signals" so). */
  quotedEmpty?: boolean;
  /** Arrow: load only these columns (all when absent). */
  columns?: readonly string[];
}

function csvOptions(options: OpenOptions): string {
  const settings = ['header = true'];
  if (options.text === true) settings.push('all_varchar = true');
  else if (options.textColumns !== undefined) settings.push(`types = {${options.textColumns.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(', ')}}`);
  if (options.rejects === true) settings.push('store_rejects = true');
  if (options.quotedEmpty === true) settings.push('allow_quoted_nulls = false');
  return settings.join(', ');
}

/** DuckDB's type for an Arrow column, as the lists write them (words as dictionaries become text). */
function duckdbType(field: Field): string {
  switch (field.type.typeId) {
    case Type.Int: return field.type.bitWidth === 64 ? 'BIGINT' : 'INTEGER';
    case Type.Float: return 'DOUBLE';
    case Type.Bool: return 'BOOLEAN';
    default: return 'VARCHAR';
  }
}

function appendValue(appender: DuckDBAppender, type: string, value: unknown): void {
  if (value === null || value === undefined) appender.appendNull();
  else if (type === 'INTEGER') appender.appendInteger(Number(value));
  else if (type === 'BIGINT') appender.appendBigInt(BigInt(value as number | bigint));
  else if (type === 'DOUBLE') appender.appendDouble(Number(value));
  else if (type === 'BOOLEAN') appender.appendBoolean(Boolean(value));
  else appender.appendVarchar(String(value));
}

/** Appends an Arrow IPC file (file or stream form) into the new table `name`, batch by batch. */
async function loadArrow(con: DuckDBConnection, name: string, file: InputFile, columns: readonly string[] | undefined): Promise<void> {
  const reader = await RecordBatchReader.from(createReadStream(file.duck));
  await reader.open();
  const fields = reader.schema.fields.filter((f) => columns === undefined || columns.includes(f.name));
  const types = fields.map(duckdbType);
  await con.run(`CREATE TABLE ${sqlIdent(name)} (${fields.map((f, j) => `${sqlIdent(f.name)} ${types[j]}`).join(', ')})`);
  const appender = await con.createAppender(name);
  for await (const batch of reader) {
    const vectors = fields.map((f) => batch.getChild(f.name) as Vector);
    for (let i = 0; i < batch.numRows; i++) {
      for (let j = 0; j < fields.length; j++) appendValue(appender, types[j], vectors[j].get(i));
      appender.endRow();
    }
  }
  appender.closeSync();
}

/**
 * Creates `name` over `files`: a view for CSV and Parquet, a table for Arrow. Several files are
 * joined by column name (shard lists); they may be of different formats.
 */
export async function openTable(con: DuckDBConnection, name: string, files: InputFile | readonly InputFile[], options: OpenOptions = {}): Promise<void> {
  const all: readonly InputFile[] = 'duck' in files ? [files] : files;
  const formats = all.map((f) => formatOf(f.path));
  if (formats[0] !== 'arrow' && formats.every((f) => f === formats[0])) {
    await con.run(`CREATE VIEW ${sqlIdent(name)} AS SELECT * FROM ${duckReader(all, csvOptions(options))}`);
    return;
  }
  const parts: string[] = [];
  for (let k = 0; k < all.length; k++) {
    const part = all.length === 1 ? name : `${name}__${k}`;
    if (formats[k] === 'arrow') await loadArrow(con, part, all[k], options.columns);
    else await con.run(`CREATE VIEW ${sqlIdent(part)} AS SELECT * FROM ${duckReader([all[k]], csvOptions(options))}`);
    parts.push(part);
  }
  if (all.length > 1) await con.run(`CREATE VIEW ${sqlIdent(name)} AS ${parts.map((p) => `SELECT * FROM ${sqlIdent(p)}`).join(' UNION ALL BY NAME ')}`);
}
