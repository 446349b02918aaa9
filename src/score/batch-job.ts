/**
 * The monthly batch job: stream the scoring input from DuckDB in record batches, score each batch
 * (features, probabilities, value at risk, reasons), write it to a part file, then rank all parts
 * out of core in DuckDB and write the list under a temporary name, renamed at the end. Memory is
 * bounded by the batch size, not by the number of customers. A manifest beside the list records
 * what was scored with what.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { encoderRawColumns } from '../data/encoder.js';
import { InputError } from '../errors.js';
import { addDerivedFeatures, derivedInputs } from '../features/derived.js';
import type { CustomerTable, RawColumn } from '../ingest/table.js';
import { tempPathFor, toStableJson } from '../io/atomic.js';
import { sqlIdent, sqlString, withDuckDB } from '../io/duckdb.js';
import { formatOf, toCsv, writeTable, type OutColumn } from '../io/table-writer.js';
import { loadSavedModel, type LoadedModel } from './load-model.js';
import { resolveRankBy, scoreBatch, type RankBy } from './score-batch.js';
import { valueColumn } from './value.js';

export interface Shard { index: number; count: number }

export interface BatchJobOptions {
  model: string;
  input: string;
  out: string;
  rankBy?: RankBy;
  segment?: string;
  tier?: 'high' | 'medium' | 'low';
  top?: number;
  previous?: string;
  batchSize?: number;
  shard?: Shard;
  /** Called after each batch is written (tests use it to fail a run midway). */
  onBatch?: (batch: number, rows: number) => void | Promise<void>;
}

export interface Manifest {
  format: 'churnscope-score-manifest';
  version: 1;
  model: { name: string; kind: string; sha256: string; file: string };
  input: { file: string; sha256: string; bytes: number };
  previous: { file: string; sha256: string } | null;
  shard: Shard | null;
  rank_by: RankBy;
  filters: { segment: string | null; tier: string | null; top: number | null };
  rows: { read: number; scored: number; rejected: number; listed: number };
  batches: number;
  batch_size: number;
  seed: number | null;
  timings: { read_score_seconds: number; rank_write_seconds: number; total_seconds: number; customers_per_second: number; peak_rss_mb: number };
  output: { file: string; format: string };
}

const DUCK = { int: 'INTEGER', double: 'DOUBLE', bool: 'BOOLEAN', text: 'VARCHAR' } as const;

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** CSV is read as text: the sniffer would turn Yes/No into booleans, which then never match the levels learnt in training. */
function reader(file: string): string {
  return extname(file).toLowerCase() === '.parquet' ? `read_parquet(${sqlString(file)})` : `read_csv(${sqlString(file)}, header = true, all_varchar = true)`;
}

/** The columns the model reads, split into numbers and text. */
function inputColumns(loaded: LoadedModel): { numeric: string[]; text: string[]; optional: string[] } {
  const { saved } = loaded;
  const derived = new Set(saved.encoder.derived);
  const numeric = new Set<string>();
  const text = new Set<string>();
  for (const enc of saved.encoder.columns) {
    if (derived.has(enc.column)) continue;
    (enc.kind === 'numeric' ? numeric : text).add(enc.column);
  }
  for (const c of derivedInputs(saved.encoder.roles, saved.encoder.derived)) if (!text.has(c)) numeric.add(c);
  if (saved.scoring.duration !== null) numeric.add(saved.scoring.duration);
  const optional = [valueColumn(saved), saved.scoring.retention.segment_column].filter((c): c is string => c !== null && !numeric.has(c) && !text.has(c));
  return { numeric: [...numeric], text: [...text], optional };
}

async function openInput(con: DuckDBConnection, input: string): Promise<Set<string>> {
  try {
    const s = await stat(input);
    if (s.size === 0) throw new InputError('the file is empty (0 bytes)', { file: input });
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError('the file does not exist or cannot be read', { file: input });
  }
  try {
    await con.run(`CREATE VIEW src AS SELECT * FROM ${reader(input)}`);
    return new Set((await con.runAndReadAll('DESCRIBE src')).getRowsJS().map((r) => String(r[0])));
  } catch (e) {
    throw new InputError(`the file cannot be read (corrupt, truncated or not ${extname(input).slice(1) || 'CSV'}): ${(e as Error).message.split('\n')[0]}`, { file: input }, { cause: e });
  }
}

/** Removes temporary files a killed run of the same output left behind. */
async function removeStale(out: string): Promise<void> {
  const dir = dirname(out);
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const prefix = `.tmp-${basename(out)}-`;
  await Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => rm(join(dir, n), { recursive: true, force: true })));
}

export async function runScoringJob(options: BatchJobOptions): Promise<Manifest> {
  const started = performance.now();
  const loaded = await loadSavedModel(options.model);
  const rankBy = resolveRankBy(loaded, options.rankBy);
  const batchSize = options.batchSize ?? 100_000;
  const format = formatOf(options.out);
  const cols = inputColumns(loaded);
  const idColumn = loaded.saved.scoring.id;
  await mkdir(dirname(options.out), { recursive: true });
  await removeStale(options.out);
  const work = tempPathFor(options.out);
  const partsDir = `${work}.parts`;
  await mkdir(partsDir, { recursive: true });

  try {
    return await withDuckDB(async (con) => {
      const present = await openInput(con, options.input);
      for (const c of [...cols.numeric, ...cols.text, ...(idColumn === null ? [] : [idColumn])]) {
        if (!present.has(c)) throw new InputError(`the model needs column "${c}", which the input lacks; it has: ${[...present].join(', ')}`, { file: options.input, column: c, key: 'model feature' });
      }
      const optional = cols.optional.filter((c) => present.has(c));
      const idExpr = idColumn === null ? 'CAST(row_number() OVER () AS VARCHAR)' : `CAST(${sqlIdent(idColumn)} AS VARCHAR)`;
      const numeric = [...cols.numeric, ...optional.filter((c) => c === valueColumn(loaded.saved))];
      const text = [...cols.text, ...optional.filter((c) => !numeric.includes(c))];
      const select = [
        `${idExpr} AS __id`,
        ...numeric.map((c) => `TRY_CAST(${sqlIdent(c)} AS DOUBLE) AS ${sqlIdent(c)}`),
        ...text.map((c) => `CAST(${sqlIdent(c)} AS VARCHAR) AS ${sqlIdent(c)}`),
      ].join(', ');
      const shard = options.shard === undefined ? '' : `WHERE hash(__id) % ${options.shard.count} = ${options.shard.index}`;
      const result = await con.stream(`SELECT * FROM (SELECT ${select} FROM src) ${shard}`);

      let read = 0;
      let rejected = 0;
      let scored = 0;
      let batches = 0;
      let partColumns: OutColumn[] | null = null;
      const buffer: unknown[][] = Array.from({ length: 1 + numeric.length + text.length }, () => []);
      const flush = async (): Promise<void> => {
        const n = Math.min(buffer[0].length, batchSize);
        if (n === 0) return;
        const ids: string[] = [];
        const keep: number[] = [];
        for (let i = 0; i < n; i++) {
          const id = buffer[0][i];
          if (id === null || id === undefined || String(id).trim() === '') rejected++;
          else {
            ids.push(String(id));
            keep.push(i);
          }
        }
        const columns: RawColumn[] = [
          ...numeric.map((name, j): RawColumn => ({ name, kind: 'numeric', values: Float64Array.from(keep, (i) => (typeof buffer[1 + j][i] === 'number' ? (buffer[1 + j][i] as number) : Number.NaN)) })),
          ...text.map((name, j): RawColumn => ({ name, kind: 'text', values: keep.map((i) => (buffer[1 + numeric.length + j][i] === null ? null : String(buffer[1 + numeric.length + j][i]))) })),
        ];
        const table: CustomerTable = addDerivedFeatures({ source: options.input, rows: keep.length, ids, columns, warnings: [] }, loaded.saved.encoder.roles);
        const batch = scoreBatch(loaded, table, rankBy);
        const out: OutColumn[] = [...batch.columns, { name: '__key', type: 'double', values: batch.key }];
        partColumns ??= out;
        await writeFile(join(partsDir, `part-${String(batches).padStart(6, '0')}.csv`), toCsv(out));
        scored += keep.length;
        batches++;
        for (const b of buffer) b.splice(0, n);
        await options.onBatch?.(batches, keep.length);
      };
      for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        for (let j = 0; j < buffer.length; j++) {
          const values = chunk.getColumnValues(j);
          const target = buffer[j];
          for (let i = 0; i < values.length; i++) target.push(values[i]);
        }
        read += chunk.rowCount;
        while (buffer[0].length >= batchSize) await flush();
      }
      while (buffer[0].length > 0) await flush();
      const scoreSeconds = (performance.now() - started) / 1000;

      // Rank every part out of core, join the previous list for probability rises, filter, write.
      const rankStarted = performance.now();
      const typed = partColumns as OutColumn[] | null;
      const types = typed === null ? '' : typed.map((c) => `${sqlString(c.name)}: '${DUCK[c.type]}'`).join(', ');
      const names = typed === null ? [] : typed.map((c) => c.name).filter((c) => c !== '__key');
      const rise = loaded.saved.scoring.retention.early_warning.probability_rise;
      let listed = 0;
      if (typed !== null) {
        await con.run(`SET preserve_insertion_order = true`);
        await con.run(`CREATE VIEW parts AS SELECT * FROM read_csv(${sqlString(join(partsDir, '*.csv'))}, header = true, columns = {${types}})`);
        const prev = options.previous === undefined ? null : options.previous;
        if (prev !== null) {
          try {
            await con.run(`CREATE TABLE prev AS SELECT CAST(id AS VARCHAR) AS id, CAST(churn_probability AS DOUBLE) AS p_prev FROM ${reader(prev)}`);
          } catch (e) {
            throw new InputError(`the previous list cannot be read (it needs columns id and churn_probability): ${(e as Error).message.split('\n')[0]}`, { file: prev }, { cause: e });
          }
        }
        const risen = `(prev.p_prev IS NOT NULL AND churn_probability - prev.p_prev >= ${rise})`;
        const cols2 = names.map((c) => {
          if (prev === null) return sqlIdent(c);
          if (c === 'early_warning') return `(early_warning OR ${risen}) AS early_warning`;
          if (c === 'warning_signals') {
            return `CASE WHEN ${risen} THEN concat('churn probability rose ', CAST(round((churn_probability - prev.p_prev) * 100) AS INTEGER), ' points since the last run', CASE WHEN coalesce(warning_signals, '') <> '' THEN '; ' || warning_signals ELSE '' END) ELSE coalesce(warning_signals, '') END AS warning_signals`;
          }
          return `parts.${sqlIdent(c)}`;
        });
        const where: string[] = [];
        if (options.segment !== undefined) where.push(`segment = ${sqlString(options.segment)}`);
        if (options.tier !== undefined) where.push(`risk_tier = ${sqlString(options.tier)}`);
        const query = `SELECT CAST(row_number() OVER (ORDER BY __key DESC, parts.id) AS INTEGER) AS rank, ${cols2.join(', ')}
          FROM parts ${prev === null ? '' : 'LEFT JOIN prev USING (id)'}
          ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY rank ${options.top !== undefined ? `LIMIT ${options.top}` : ''}`;
        listed = Number((await con.runAndReadAll(`SELECT count(*)::INTEGER FROM (${query})`)).getRowsJS()[0][0]);
        if (format === 'arrow') {
          // Arrow IPC is built in memory from the ranked rows (DuckDB here has no Arrow writer).
          const reader = await con.runAndReadAll(query);
          const values = reader.getColumnsJS();
          const kinds = new Map(typed.map((c) => [c.name, c.type]));
          const arrow: OutColumn[] = reader.columnNames().map((name, j) => toOutColumn(name, name === 'rank' ? 'int' : kinds.get(name) ?? 'text', values[j]));
          await writeTable(options.out, arrow, 'arrow');
        } else {
          const fmt = format === 'parquet' ? '(FORMAT parquet, ROW_GROUP_SIZE 100000)' : '(FORMAT csv, HEADER true)';
          await con.run(`COPY (${query}) TO ${sqlString(work)} ${fmt}`);
        }
      } else {
        await writeFile(work, '');
      }
      if (format !== 'arrow' || typed === null) await rename(work, options.out);

      const total = (performance.now() - started) / 1000;
      const manifest: Manifest = {
        format: 'churnscope-score-manifest',
        version: 1,
        model: { name: loaded.saved.name, kind: loaded.saved.kind, sha256: createHash('sha256').update(loaded.text).digest('hex'), file: options.model },
        input: { file: options.input, sha256: await sha256File(options.input), bytes: (await stat(options.input)).size },
        previous: options.previous === undefined ? null : { file: options.previous, sha256: await sha256File(options.previous) },
        shard: options.shard ?? null,
        rank_by: rankBy,
        filters: { segment: options.segment ?? null, tier: options.tier ?? null, top: options.top ?? null },
        rows: { read, scored, rejected, listed },
        batches,
        batch_size: batchSize,
        seed: null,
        timings: { read_score_seconds: round(scoreSeconds), rank_write_seconds: round((performance.now() - rankStarted) / 1000), total_seconds: round(total), customers_per_second: Math.round(scored / total), peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) },
        output: { file: options.out, format },
      };
      const manifestPath = `${options.out}.manifest.json`;
      const tmpManifest = tempPathFor(manifestPath);
      await writeFile(tmpManifest, toStableJson(manifest));
      await rename(tmpManifest, manifestPath);
      return manifest;
    });
  } finally {
    await rm(partsDir, { recursive: true, force: true });
    await rm(work, { force: true });
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

function toOutColumn(name: string, type: OutColumn['type'], values: unknown[]): OutColumn {
  switch (type) {
    case 'int': return { name, type, values: Int32Array.from(values, Number) };
    case 'double': return { name, type, values: Float64Array.from(values, (v) => (v === null ? Number.NaN : Number(v))) };
    case 'bool': return { name, type, values: Uint8Array.from(values, (v) => (v === true ? 1 : 0)) };
    case 'text': return { name, type, values: values.map((v) => (v === null || v === undefined ? null : String(v))) };
  }
}
