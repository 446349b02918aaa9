/**
 * The ranked list in SQL: scored rows joined back to their ids and segments, the previous list
 * joined for probability rises, filtered, sorted once on packed numeric rows into a table whose
 * row order is the rank, and only then turned into words (codes looked up in ENUM lists held as
 * variables).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '../../errors.js';
import { sqlIdent, sqlString } from '../../io/duckdb.js';
import { duckMessage, type InputFile } from '../../io/input-file.js';
import { openTable } from '../../io/open-table.js';
import type { LoadedModel } from '../../models/load-model.js';
import type { ScoredColumn } from '../batch/coded-scorer.js';
import { actionFor } from '../batch/reasons.js';
import { REASONS_PER_CUSTOMER } from '../batch/score-typed.js';
import { listable } from '../input/job-input.js';
import { tierIndexSql, TIERS, type RankBy, type RiskTier } from './ranking.js';

/** What the list is ranked by, and the tier thresholds, as scoring computed them. */
interface ListRanking {
  rankBy: RankBy;
  tiers: { high: number; medium: number };
}

interface ListFilters {
  segment?: string;
  tier?: RiskTier;
  top?: number;
  previous?: string;
}

const list = (values: readonly string[]): string => `[${values.map(sqlString).join(', ')}]::VARCHAR[]`;

/**
 * Holds the decoding lists as session variables: texts by code, features, actions and tiers by
 * index. Their elements are ENUM values, so a lookup copies a small integer and the Parquet
 * writer takes each column's dictionary from its type instead of hashing every row's string
 * (measured at 10M rows, rank and write: 48 s with VARCHAR lists, 23 s with ENUM lists).
 */
export async function setDecoders(con: DuckDBConnection, loaded: LoadedModel, texts: readonly string[]): Promise<void> {
  const features = loaded.model.reasonNames ?? loaded.saved.features;
  const actions = features.map((f) => actionFor(f, loaded.saved.scoring.retention.actions, loaded.saved.encoder));
  await con.run('CREATE TEMP TABLE texts (text VARCHAR)');
  // Appended in code order, so the list aggregate below (ordered by rowid) indexes by code.
  const appender = await con.createAppender('texts');
  for (const t of texts) {
    appender.appendVarchar(t);
    appender.endRow();
  }
  appender.closeSync();
  // An ENUM's values are distinct; '' (no warning signals) is one whether or not a batch made it.
  await con.run(`CREATE TYPE cs_text AS ENUM (SELECT DISTINCT text FROM (SELECT text FROM texts UNION ALL SELECT '') ORDER BY text)`);
  await con.run(`CREATE TYPE cs_feature AS ENUM (${distinct(features)})`);
  await con.run(`CREATE TYPE cs_action AS ENUM (${distinct(actions)})`);
  await con.run(`CREATE TYPE cs_tier AS ENUM (${distinct(TIERS)})`);
  await con.run(`SET VARIABLE cs_texts = (SELECT coalesce(list(text::cs_text ORDER BY rowid), []::cs_text[]) FROM texts)`);
  await con.run(`SET VARIABLE cs_no_signals = ''::cs_text`);
  await con.run(`SET VARIABLE cs_features = ${list(features)}::cs_feature[]`);
  await con.run(`SET VARIABLE cs_actions = ${list(actions)}::cs_action[]`);
  await con.run(`SET VARIABLE cs_tiers = ${list(TIERS)}::cs_tier[]`);
}

/** The distinct values, sorted, as the member list of an ENUM. */
const distinct = (values: readonly string[]): string => [...new Set(values)].sort().map(sqlString).join(', ');

/** Loads the previous list's probabilities (CSV, Parquet or Arrow) as the table `prev`. */
export async function loadPrevious(con: DuckDBConnection, previous: InputFile): Promise<void> {
  try {
    await openTable(con, 'previous_list', previous, { text: true, columns: ['id', 'churn_probability'] });
    await con.run('CREATE TABLE prev AS SELECT CAST(id AS VARCHAR) AS id, CAST(churn_probability AS DOUBLE) AS p_prev FROM previous_list');
  } catch (e) {
    throw new InputError(`the previous list cannot be read (it needs columns id and churn_probability): ${duckMessage(e, [previous])}`, { file: previous.path }, { cause: e });
  }
}

/** Checks that `scored` lines up with `input` row for row, as the positional join assumes. */
export async function checkAligned(con: DuckDBConnection): Promise<void> {
  const off = (await con.runAndReadAll('SELECT count(*)::INTEGER FROM input i POSITIONAL JOIN scored s WHERE s.row IS DISTINCT FROM i.rowid')).getRowsJS()[0][0];
  if (Number(off) !== 0) throw new Error(`internal: ${String(off)} scored rows are out of line with the input`);
}

/** Bits per packed code: sentence and signal codes, stored plus one (0: none). */
const CODE_BITS = 31;
/** Bits per packed feature index, stored plus one (0: none). */
const FEATURE_BITS = 16;

/**
 * The ranked list in two statements over the tables `scored`, `input` (and `prev`): `ranked`
 * holds the listed rows sorted, and `list` reads it in table order, its rank the row's
 * position, with codes turned into words.
 *
 * DuckDB's sort moves every payload column row by row, so its cost follows the column count:
 * the codes ride through it packed into integers (sentence and signal codes two to a BIGINT;
 * feature indices, tier and flag in one), unpacked and turned into words after, and value at
 * risk is multiplied out after. Measured at 10M rows: 25 payload columns 32 s, packed 11 s.
 * The rank comes from the sorted table's row ids, not row_number() OVER (), which would read
 * and write the whole list on one thread.
 */
export function listQueries(schema: readonly ScoredColumn[], hasSegment: boolean, rise: number, ranking: ListRanking, filters: ListFilters): { ranked: string; list: string } {
  const has = (name: string): boolean => schema.some((c) => c.name === name);
  const prev = filters.previous !== undefined;
  const tier = tierIndexSql('s.churn_probability', ranking.tiers);
  const key = ranking.rankBy === 'value_at_risk' && has('value') ? 's.value * s.churn_probability' : 's.churn_probability';
  const where = [listable('i.')];
  if (filters.segment !== undefined) where.push(`i.__segment = ${sqlString(filters.segment)}`);
  if (filters.tier !== undefined) where.push(`${tier} = ${TIERS.indexOf(filters.tier)}`);
  const reasons = Array.from({ length: REASONS_PER_CUSTOMER }, (_, r) => `reason_${r + 1}`);
  const doubles = ['p_churn_3m', 'p_churn_6m', 'p_churn_12m', 'value'].filter(has);
  const atRisk = has('value') ? ['value * churn_probability AS value_at_risk'] : [];

  // codes: reason sentences then the warning signals, two to a BIGINT; flags: tier, early warning, reason features.
  const codes = [...reasons, 'warning_signals'];
  const pairs = Array.from({ length: Math.ceil(codes.length / 2) }, (_, k) => codes.slice(2 * k, 2 * k + 2));
  const packCodes = pairs.map((pair, k) => `${pair.map((c, m) => `((coalesce(s.${c}, -1) + 1)::BIGINT << ${CODE_BITS * (pair.length - 1 - m)})`).join(' | ')} AS codes_${k}`);
  const code = (c: string): string => {
    const at = codes.indexOf(c);
    const shift = at % 2 === 0 && at + 1 < codes.length ? CODE_BITS : 0;
    return `nullif(((codes_${Math.floor(at / 2)} >> ${shift}) & ${2 ** CODE_BITS - 1})::INTEGER, 0)`;
  };
  const flagBits = reasons.length * FEATURE_BITS;
  const packFlags = [
    `((${tier})::BIGINT << ${flagBits + 1})`,
    `(s.early_warning::BIGINT << ${flagBits})`,
    ...reasons.map((r, k) => `((coalesce(s.${r}_feature, -1) + 1)::BIGINT << ${FEATURE_BITS * (reasons.length - 1 - k)})`),
  ].join(' | ');
  const feature = (r: number): string => `nullif(((flags >> ${FEATURE_BITS * (reasons.length - 1 - r)}) & ${2 ** FEATURE_BITS - 1})::INTEGER, 0)`;
  if (flagBits + 3 > 63) throw new Error('internal: the list flags do not pack into a BIGINT');

  const inner = [
    'i.__id AS id', 's.churn_probability', ...doubles.map((c) => `s.${c}`),
    ...(hasSegment ? ['i.__segment AS segment'] : []),
    ...(prev ? [`(prev.p_prev IS NOT NULL AND s.churn_probability - prev.p_prev >= ${rise}) AS risen`, 'prev.p_prev'] : []),
    ...reasons.map((r) => `s.${r}_contribution`),
    ...packCodes, `${packFlags} AS flags`,
  ];
  const signals = `coalesce(getvariable('cs_texts')[${code('warning_signals')}], getvariable('cs_no_signals'))`;
  const early = `(flags >> ${flagBits}) & 1 = 1`;
  const outer = [
    '(rowid + 1)::INTEGER AS rank', 'id', 'churn_probability', `getvariable('cs_tiers')[(flags >> ${flagBits + 1})::INTEGER + 1] AS risk_tier`,
    ...doubles, ...atRisk,
    ...(hasSegment ? ['segment'] : []),
    prev ? `(${early} OR risen) AS early_warning` : `(${early}) AS early_warning`,
    prev
      ? `CASE WHEN risen THEN concat('churn probability rose ', CAST(round((churn_probability - p_prev) * 100) AS INTEGER), ' points since the last run', CASE WHEN ${signals} <> '' THEN '; ' || ${signals} ELSE '' END) ELSE ${signals} END AS warning_signals`
      : `${signals} AS warning_signals`,
    ...reasons.flatMap((r, k) => [
      `getvariable('cs_texts')[${code(r)}] AS ${r}`,
      `getvariable('cs_features')[${feature(k)}] AS ${r}_feature`,
      `${r}_contribution`,
      `getvariable('cs_actions')[${feature(k)}] AS ${r}_action`,
    ]),
  ];
  return {
    ranked: `SELECT ${inner.join(', ')}
      FROM input i POSITIONAL JOIN scored s ${prev ? 'LEFT JOIN prev ON prev.id = i.__id' : ''}
      WHERE ${where.join(' AND ')}
      ORDER BY ${key} DESC, i.__id ${filters.top !== undefined ? `LIMIT ${filters.top}` : ''}`,
    list: `SELECT ${outer.join(', ')} FROM ranked`,
  };
}

/** Creates the table `scored` with the schema's columns. */
export async function createScoredTable(con: DuckDBConnection, schema: readonly ScoredColumn[]): Promise<void> {
  await con.run(`CREATE TABLE scored (${schema.map((c) => `${sqlIdent(c.name)} ${c.type === 'int' ? 'INTEGER' : 'DOUBLE'}`).join(', ')})`);
}
