/**
 * The scoring pipeline: saved model + customer file -> ranked retention list (CSV/Parquet/Arrow).
 */
import { encoderRawColumns } from '../data/encoder.js';
import { addDerivedFeatures, derivedInputs } from '../features/derived.js';
import { readScoringTable } from '../ingest/read-table.js';
import type { CustomerTable } from '../ingest/table.js';
import { sqlString, withDuckDB } from '../io/duckdb.js';
import { writeTable } from '../io/table-writer.js';
import { InputError } from '../errors.js';
import { loadSavedModel, type LoadedModel } from '../score/load-model.js';
import { retentionList, type ListOptions } from '../score/retention-list.js';
import { valueColumn } from '../score/value.js';

export interface ScoreOptions extends Omit<ListOptions, 'previous'> {
  model: string;
  input: string;
  out: string;
  previous?: string; // the previous run's list, for early warnings
}

export interface ScoreResult {
  rows: number;
  listed: number;
  out: string;
  model: string;
}

export async function readForModel(loaded: LoadedModel, input: string): Promise<CustomerTable> {
  const { saved } = loaded;
  const derived = new Set(saved.encoder.derived);
  const required = encoderRawColumns(saved.encoder).filter((c) => !derived.has(c));
  for (const c of derivedInputs(saved.encoder.roles, saved.encoder.derived)) if (!required.includes(c)) required.push(c);
  if (saved.scoring.duration !== null && !required.includes(saved.scoring.duration)) required.push(saved.scoring.duration);
  const optional = [valueColumn(saved), saved.scoring.retention.segment_column].filter((c): c is string => c !== null);
  const table = await readScoringTable(input, { id: saved.scoring.id, roles: saved.encoder.roles, sums: saved.encoder.role_sums, required, optional });
  return addDerivedFeatures(table, saved.encoder.roles, saved.encoder.tenure_unit);
}

/** id -> churn_probability from an earlier list. */
export async function readPreviousList(file: string): Promise<Map<string, number>> {
  return withDuckDB(async (con) => {
    let rows: unknown[][];
    try {
      rows = (await con.runAndReadAll(`SELECT CAST(id AS VARCHAR), CAST(churn_probability AS DOUBLE) FROM ${file.endsWith('.parquet') ? 'read_parquet' : 'read_csv'}(${sqlString(file)})`)).getRowsJS();
    } catch (e) {
      throw new InputError(`the previous list cannot be read (it needs columns id and churn_probability): ${(e as Error).message.split('\n')[0]}`, { file }, { cause: e });
    }
    return new Map(rows.map((r) => [String(r[0]), Number(r[1])]));
  });
}

export async function scoreFile(options: ScoreOptions): Promise<ScoreResult> {
  const loaded = await loadSavedModel(options.model);
  const table = await readForModel(loaded, options.input);
  const previous = options.previous === undefined ? null : await readPreviousList(options.previous);
  const columns = retentionList(loaded, table, { ...options, previous });
  await writeTable(options.out, columns);
  return { rows: table.rows, listed: columns[0].values.length, out: options.out, model: loaded.saved.name };
}
