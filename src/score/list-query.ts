/**
 * The ranked list in SQL: scored rows joined back to their ids and segments, the previous list
 * joined for probability rises, filtered, sorted once on compact numeric rows, numbered as they
 * stream out, and only then turned into words (codes looked up in lists held as variables).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '../errors.js';
import { sqlIdent, sqlString } from '../io/duckdb.js';
import type { ScoredColumn } from './coded-scorer.js';
import { hasId, reader } from './job-input.js';
import type { LoadedModel } from './load-model.js';
import { actionFor } from './reasons.js';
import { REASONS_PER_CUSTOMER, TIERS } from './score-batch.js';

export interface ListFilters {
  segment?: string;
  tier?: 'high' | 'medium' | 'low';
  top?: number;
  previous?: string;
}

const list = (values: readonly string[]): string => `[${values.map(sqlString).join(', ')}]::VARCHAR[]`;

/** Holds the decoding lists as session variables: texts by code, features, actions and tiers by index. */
export async function setDecoders(con: DuckDBConnection, loaded: LoadedModel, texts: readonly string[]): Promise<void> {
  const features = loaded.saved.features;
  await con.run('CREATE TEMP TABLE texts (text VARCHAR)');
  // Appended in code order, so the list aggregate below (ordered by rowid) indexes by code.
  const appender = await con.createAppender('texts');
  for (const t of texts) {
    appender.appendVarchar(t);
    appender.endRow();
  }
  appender.closeSync();
  await con.run(`SET VARIABLE cs_texts = (SELECT coalesce(list(text ORDER BY rowid), []::VARCHAR[]) FROM texts)`);
  await con.run(`SET VARIABLE cs_features = ${list(features)}`);
  await con.run(`SET VARIABLE cs_actions = ${list(features.map((f) => actionFor(f, loaded.saved.scoring.retention.actions)))}`);
  await con.run(`SET VARIABLE cs_tiers = ${list(TIERS)}`);
}

/** Loads the previous list's probabilities as the table `prev`. */
export async function loadPrevious(con: DuckDBConnection, file: string): Promise<void> {
  try {
    await con.run(`CREATE TABLE prev AS SELECT CAST(id AS VARCHAR) AS id, CAST(churn_probability AS DOUBLE) AS p_prev FROM ${reader(file)}`);
  } catch (e) {
    throw new InputError(`the previous list cannot be read (it needs columns id and churn_probability): ${(e as Error).message.split('\n')[0]}`, { file }, { cause: e });
  }
}

/** Checks that `scored` lines up with `input` row for row, as the positional join assumes. */
export async function checkAligned(con: DuckDBConnection): Promise<void> {
  const off = (await con.runAndReadAll('SELECT count(*)::INTEGER FROM input i POSITIONAL JOIN scored s WHERE s.row IS DISTINCT FROM i.rowid')).getRowsJS()[0][0];
  if (Number(off) !== 0) throw new Error(`internal: ${String(off)} scored rows are out of line with the input`);
}

/** The ranked list query over the tables `scored`, `input` (and `prev`). */
export function listQuery(schema: readonly ScoredColumn[], hasSegment: boolean, rise: number, filters: ListFilters): string {
  const has = (name: string): boolean => schema.some((c) => c.name === name);
  const prev = filters.previous !== undefined;
  const where = [hasId('i.')];
  if (filters.segment !== undefined) where.push(`i.__segment = ${sqlString(filters.segment)}`);
  if (filters.tier !== undefined) where.push(`s.tier = ${TIERS.indexOf(filters.tier)}`);
  const reasons = Array.from({ length: REASONS_PER_CUSTOMER }, (_, r) => `reason_${r + 1}`);

  const inner = [
    'i.__id AS id', 's.churn_probability', 's.tier', 's.key',
    ...['p_churn_3m', 'p_churn_6m', 'p_churn_12m', 'value', 'value_at_risk'].filter(has).map((c) => `s.${c}`),
    ...(hasSegment ? ['i.__segment AS segment'] : []),
    's.early_warning', 's.warning_signals',
    ...(prev ? [`(prev.p_prev IS NOT NULL AND s.churn_probability - prev.p_prev >= ${rise}) AS risen`, 'prev.p_prev'] : []),
    ...reasons.flatMap((r) => [`s.${r}`, `s.${r}_feature`, `s.${r}_contribution`]),
  ];
  const signals = "coalesce(getvariable('cs_texts')[warning_signals + 1], '')";
  const outer = [
    'CAST(row_number() OVER () AS INTEGER) AS rank', 'id', 'churn_probability', "getvariable('cs_tiers')[tier + 1] AS risk_tier",
    ...['p_churn_3m', 'p_churn_6m', 'p_churn_12m', 'value', 'value_at_risk'].filter(has),
    ...(hasSegment ? ['segment'] : []),
    prev ? '(early_warning = 1 OR risen) AS early_warning' : '(early_warning = 1) AS early_warning',
    prev
      ? `CASE WHEN risen THEN concat('churn probability rose ', CAST(round((churn_probability - p_prev) * 100) AS INTEGER), ' points since the last run', CASE WHEN ${signals} <> '' THEN '; ' || ${signals} ELSE '' END) ELSE ${signals} END AS warning_signals`
      : `${signals} AS warning_signals`,
    ...reasons.flatMap((r) => [
      `getvariable('cs_texts')[${r} + 1] AS ${r}`,
      `getvariable('cs_features')[${r}_feature + 1] AS ${r}_feature`,
      `${r}_contribution`,
      `getvariable('cs_actions')[${r}_feature + 1] AS ${r}_action`,
    ]),
  ];
  // The sort runs on the compact inner rows; row_number() OVER () numbers them as they stream
  // out in order (a streaming window), and the words are looked up after.
  return `SELECT ${outer.join(', ')} FROM (
    SELECT ${inner.join(', ')}
    FROM input i POSITIONAL JOIN scored s ${prev ? 'LEFT JOIN prev ON prev.id = i.__id' : ''}
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY s.key DESC, i.__id ${filters.top !== undefined ? `LIMIT ${filters.top}` : ''}
  )`;
}

/** Creates the table `scored` with the schema's columns. */
export async function createScoredTable(con: DuckDBConnection, schema: readonly ScoredColumn[]): Promise<void> {
  await con.run(`CREATE TABLE scored (${schema.map((c) => `${sqlIdent(c.name)} ${c.type === 'int' ? 'INTEGER' : 'DOUBLE'}`).join(', ')})`);
}
