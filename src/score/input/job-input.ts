/**
 * The batch job's input: the file opened as a DuckDB view, checked for the model's columns, and
 * copied once into a table of exactly what scoring reads — the id, the segment, numbers as
 * DOUBLE, text as codes of the levels the encoder knows — so that no string crosses into
 * JavaScript and the ids can be joined back by row after scoring.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '../../errors.js';
import { derivedInputs } from '../../features/derived.js';
import { columnKind, notANumber, numberCell, unsupportedColumn, type ColumnKind } from '../../ingest/cells.js';
import { sqlIdent, sqlString } from '../../io/duckdb.js';
import { duckMessage, type InputFile } from '../../io/input-file.js';
import { openTable } from '../../io/open-table.js';
import { formatOf } from '../../io/table-format.js';
import type { LoadedModel } from '../../models/load-model.js';
import type { InputLayout } from '../batch/coded-scorer.js';
import { valueColumn } from '../batch/value.js';
import type { Rejections, Shard } from '../manifest.js';


const FORMAT_NAMES = { csv: 'CSV', parquet: 'Parquet', arrow: 'Arrow IPC' } as const;

/** The input's columns: name -> DuckDB type (VARCHAR for every CSV column; DOUBLE for a summed role). */
export type InputColumns = ReadonlyMap<string, string>;

/**
 * Opens the input (a literal file, see io/input-file) as the view `src`, CSV as text (the sniffer
 * would turn Yes/No into booleans, which then never match the levels learnt in training), with the
 * model's summed role columns added (see config/roles.ts, parts read as training reads cells);
 * returns its columns and types.
 */
export async function openInput(con: DuckDBConnection, input: InputFile, sums: Record<string, string[]> = {}, missing: readonly string[] = []): Promise<InputColumns> {
  let file: Map<string, string>;
  try {
    await openTable(con, 'file', input, { text: true });
    file = new Map((await con.runAndReadAll('DESCRIBE file')).getRowsJS().map((r) => [String(r[0]), String(r[1])]));
  } catch (e) {
    throw new InputError(`the file cannot be read (corrupt, truncated or not ${FORMAT_NAMES[formatOf(input.path)]}): ${duckMessage(e, [input])}`, { file: input.path }, { cause: e });
  }
  const added = Object.entries(sums).map(([name, parts]) => {
    for (const part of parts) {
      if (!file.has(part)) throw new InputError(`the model needs column "${part}" (summed into ${name}), which the input lacks; it has: ${[...file.keys()].join(', ')}`, { file: input.path, column: part, key: 'model feature' });
      if (columnKind(file.get(part) ?? '') === 'unsupported') throw unsupportedColumn(input.path, part, file.get(part) ?? '');
    }
    return `(${parts.map((p) => numberCell(p, columnKind(file.get(p) ?? ''), missing)).join(' + ')}) AS ${sqlIdent(name)}`;
  });
  await con.run(`CREATE VIEW src AS SELECT *${added.map((a) => `, ${a}`).join('')} FROM file`);
  return new Map([...file, ...Object.keys(sums).map((name): [string, string] => [name, 'DOUBLE'])]);
}

/** The raw columns the model reads: numbers (with the value column, when present) and text with its levels. */
export function inputLayout(loaded: LoadedModel, present: InputColumns, file: string): InputLayout {
  const { saved } = loaded;
  const derived = new Set(saved.encoder.derived);
  const numeric = new Set<string>();
  const text = new Map<string, string[]>();
  for (const enc of saved.encoder.columns) {
    if (derived.has(enc.column)) continue;
    if (enc.kind === 'numeric') numeric.add(enc.column);
    else text.set(enc.column, enc.levels);
  }
  for (const c of derivedInputs(saved.encoder.roles, saved.encoder.derived)) if (!text.has(c)) numeric.add(c);
  if (saved.scoring.duration !== null) numeric.add(saved.scoring.duration);
  const needed = [...numeric, ...text.keys(), ...(saved.scoring.id === null ? [] : [saved.scoring.id])];
  for (const c of needed) {
    if (!present.has(c)) throw new InputError(`the model needs column "${c}", which the input lacks; it has: ${[...present.keys()].join(', ')}`, { file, column: c, key: 'model feature' });
    const type = present.get(c) ?? 'VARCHAR';
    if (columnKind(type) === 'unsupported') throw unsupportedColumn(file, c, type);
  }
  const value = valueColumn(saved);
  if (value !== null && present.has(value) && !text.has(value)) numeric.add(value);
  return { numeric: [...numeric], text: [...text].map(([name, levels]) => ({ name, levels })) };
}

/**
 * The condition on rows of `input` (aliased `prefix`) that are listed: they have an id (a blank one
 * is loaded as NULL) and no text in a numeric column.
 */
export function listable(prefix = ''): string {
  return `${prefix}__id IS NOT NULL AND NOT ${prefix}__bad`;
}

/** A cell that made its row rejected: text where the model reads a number. */
interface InputTable {
  read: number; // rows of the input (of this shard)
  rejected: number; // rows without an id or with text in a numeric column
  rejections: Rejections;
  rows: number; // rows to score
  hasSegment: boolean;
}

const EXAMPLES = 5;

/**
 * Creates the table `input` (__id, __bad, __segment, n0.., t0..): numbers read as training read
 * them (missing spellings NULL, imputed by the encoder; a row with text in a numeric column is
 * flagged __bad, rejected and counted), text as 1-based level codes (0: another value).
 */
export async function loadInputTable(con: DuckDBConnection, loaded: LoadedModel, layout: InputLayout, present: InputColumns, file: string, shard: Shard | undefined): Promise<InputTable> {
  const idColumn = loaded.saved.scoring.id;
  const missing = loaded.saved.scoring.missing_values;
  const segmentColumn = loaded.saved.scoring.retention.segment_column;
  const hasSegment = present.has(segmentColumn);
  const kind = (c: string): ColumnKind => columnKind(present.get(c) ?? 'VARCHAR');
  // The cells checked for a finite number: each number the model reads, or the parts of a summed role.
  const sums = loaded.saved.encoder.role_sums ?? {};
  const checked = layout.numeric.flatMap((c) => sums[c] ?? [c]);
  const bad = checked.map((c) => notANumber(c, kind(c), missing));
  const select = [
    idColumn === null ? 'row_number() OVER ()::VARCHAR AS __id' : `CASE WHEN trim(${sqlIdent(idColumn)}::VARCHAR) <> '' THEN ${sqlIdent(idColumn)}::VARCHAR END AS __id`,
    `${bad.length === 0 ? 'false' : bad.join(' OR ')} AS __bad`,
    ...(hasSegment ? [`${sqlIdent(segmentColumn)}::VARCHAR AS __segment`] : []),
    ...layout.numeric.map((c, j) => `${numberCell(c, kind(c), missing)} AS n${j}`),
    ...layout.text.map(({ name, levels }, j) => `coalesce(list_position([${levels.map(sqlString).join(', ')}]::VARCHAR[], coalesce(${sqlIdent(name)}::VARCHAR, '')), 0)::INTEGER AS t${j}`),
  ];
  const where = shard === undefined ? '' : `WHERE hash(__id) % ${shard.count} = ${shard.index}`;
  try {
    await con.run(`CREATE TABLE input AS SELECT * FROM (SELECT ${select.join(', ')} FROM src) ${where}`);
  } catch (e) {
    throw new InputError(`the file cannot be read (corrupt, truncated or malformed): ${(e as Error).message.split('\n')[0]}`, { file }, { cause: e });
  }
  const [read, rejected, noId, notANumberRows] = (await con.runAndReadAll(
    `SELECT count(*)::INTEGER, count(*) FILTER (WHERE NOT (${listable()}))::INTEGER, count(*) FILTER (WHERE __id IS NULL)::INTEGER, count(*) FILTER (WHERE __bad)::INTEGER FROM input`,
  )).getRowsJS()[0].map(Number);
  const examples = notANumberRows === 0 ? [] : await badCells(con, checked.map((c) => ({ name: c, kind: kind(c) })), missing);
  const dup = (await con.runAndReadAll(`SELECT __id, count(*)::INTEGER FROM input WHERE __id IS NOT NULL GROUP BY __id HAVING count(*) > 1 ORDER BY __id LIMIT 1`)).getRowsJS();
  if (dup.length > 0) {
    throw new InputError(`customer id "${String(dup[0][0])}" appears ${String(dup[0][1])} times: each customer must be scored once`, { file, column: idColumn ?? 'row number' });
  }
  return { read, rejected, rejections: { no_id: noId, not_a_number: notANumberRows, examples }, rows: read - rejected, hasSegment };
}

/** The first cells of the input, by row, that are not a finite number where the model reads one (rows are 1-based, header excluded, over the whole file). */
async function badCells(con: DuckDBConnection, columns: readonly { name: string; kind: ColumnKind }[], missing: readonly string[]): Promise<Rejections['examples']> {
  const out: Rejections['examples'] = [];
  const numbered = `(SELECT row_number() OVER () AS __row, * FROM src)`;
  for (const { name, kind } of columns) {
    const rows = (await con.runAndReadAll(`SELECT __row::INTEGER, CAST(${sqlIdent(name)} AS VARCHAR) FROM ${numbered} WHERE ${notANumber(name, kind, missing)} ORDER BY __row LIMIT ${EXAMPLES}`)).getRowsJS();
    for (const r of rows) out.push({ row: Number(r[0]), column: name, value: String(r[1]) });
  }
  return out.sort((a, b) => a.row - b.row || (a.column < b.column ? -1 : 1)).slice(0, EXAMPLES);
}

/**
 * The scoring stream over the input table, in table order: row, numbers, text codes. Rows without
 * an id are scored too (and never listed), so the scores line up with the input row for row.
 */
export function inputStreamQuery(layout: InputLayout): string {
  const cols = ['rowid::INTEGER AS row', ...layout.numeric.map((_, j) => `n${j}`), ...layout.text.map((_, j) => `t${j}`)];
  return `SELECT ${cols.join(', ')} FROM input`;
}
