/**
 * Merges shard lists into one ranking: the same order the unsharded run gives (key descending,
 * then id), ranks renumbered, written atomically with a manifest. The shards are first checked
 * against the manifests `score` wrote beside them: one model (sha256), one input, one shard count,
 * every shard exactly once, the same ranking and filters, and each list as long as its manifest
 * says. Anything else is refused, naming what differs.
 */
import { rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError, UsageError } from '../../errors.js';
import { checkWritable, removeStaleTemps, replaceFiles, tempPathFor, toStableJson } from '../../io/atomic.js';
import { copyTable } from '../../io/copy-table.js';
import { DEFAULT_MEMORY_LIMIT, sqlIdent, withDuckDB } from '../../io/duckdb.js';
import { duckMessage, withInputFiles, type InputFile } from '../../io/input-file.js';
import { openTable } from '../../io/open-table.js';
import { checkApart, checkFileOutput, ownsList } from '../../io/output-guard.js';
import { formatOf } from '../../io/table-format.js';
import { MERGE_MANIFEST_FORMAT, MERGE_MANIFEST_VERSION, readScoreManifest, type Manifest, type MergeManifest } from '../manifest.js';
import { csvPrecisionQuery, isListNumber } from './csv-precision.js';
import type { RankBy } from './ranking.js';

export type { MergeManifest } from '../manifest.js';

/** The manifest `score` wrote beside a shard list: merge checks by it that the shards belong together. */
function readShardManifest(list: string): Manifest {
  if (!existsSync(`${list}.manifest.json`)) {
    throw new InputError(`the list has no readable manifest beside it (${list}.manifest.json): merge checks that the shards belong together from the manifests churnscope score writes`, { file: list });
  }
  return readScoreManifest(list);
}

const short = (sha: string): string => sha.slice(0, 12);

/** Refuses shards that do not make up one unsharded run, naming what differs. */
function checkShards(lists: readonly string[], manifests: readonly Manifest[]): void {
  const [first] = manifests;
  const differ = (what: string, show: (m: Manifest) => string): void => {
    const k = manifests.findIndex((m) => show(m) !== show(first));
    if (k >= 0) throw new InputError(`the lists come from different ${what}: ${lists[0]} has ${show(first)}, ${lists[k]} has ${show(manifests[k])}; merge joins shards of one scoring run`, { file: lists[k] });
  };
  for (let k = 0; k < lists.length; k++) {
    const m = manifests[k];
    if (m.shard === null) throw new InputError('the list is not a shard (it was scored without --shard): merge joins the shard lists of one run', { file: lists[k] });
    if (m.filters.top !== null) throw new InputError(`the shard was cut to its top ${m.filters.top}: the top of each shard is not the top of the whole base; score the shards without --top`, { file: lists[k] });
  }
  differ('models', (m) => `model ${m.model.name} (${m.model.kind}, sha256 ${short(m.model.sha256)})`);
  differ('inputs', (m) => `input ${m.input.file} (sha256 ${short(m.input.sha256)})`);
  differ('shard counts', (m) => `a shard of ${m.shard?.count}`);
  differ('rankings', (m) => `ranking by ${m.rank_by}`);
  differ('filters', (m) => `filters ${JSON.stringify(m.filters)}`);
  const count = first.shard?.count ?? 0;
  const seen = new Map<number, string>();
  for (let k = 0; k < lists.length; k++) {
    const index = manifests[k].shard?.index ?? -1;
    const earlier = seen.get(index);
    if (earlier !== undefined) throw new InputError(`shard ${index}/${count} is given twice (${earlier} and ${lists[k]})`, { file: lists[k] });
    seen.set(index, lists[k]);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new InputError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing: merge needs all ${count} shards of the run`, { file: lists.join(', ') });
}

export async function mergeLists(inputs: readonly string[], out: string, rankBy?: RankBy): Promise<{ rows: number; manifest: MergeManifest }> {
  if (inputs.length === 0) throw new UsageError('merge needs at least one list');
  const format = formatOf(out);
  if (format === 'arrow') throw new UsageError('merge writes CSV or Parquet (it reads shard lists of any of CSV, Parquet and Arrow)', { file: out });
  const manifestPath = `${out}.manifest.json`;
  checkApart([{ path: out, what: 'the merged list' }, { path: manifestPath, what: 'the merged manifest' }], inputs.flatMap((f) => [{ path: f, what: 'a shard list' }, { path: `${f}.manifest.json`, what: 'a shard manifest' }]));
  checkFileOutput(out, 'merged list', ownsList);
  for (const f of inputs) formatOf(f); // a name that says no format is a usage error before any work
  const manifests = inputs.map(readShardManifest);
  checkShards(inputs, manifests);
  const rank = rankBy ?? manifests[0].rank_by;

  await checkWritable(out);
  await removeStaleTemps(out);
  await removeStaleTemps(manifestPath);
  const tmp = tempPathFor(out);
  const tmpManifest = tempPathFor(manifestPath);
  const scratch = `${tmp}.scratch`; // DuckDB spills here past its memory limit
  try {
    return await withInputFiles(inputs.map((path) => ({ path, what: 'the shard list' })), (files) => withDuckDB(async (con) => {
      await readLists(con, files, manifests);
      const columns = new Set((await con.runAndReadAll('DESCRIBE lists')).getRowsJS().map((r) => String(r[0])));
      const key = rank === 'value_at_risk' ? 'value_at_risk' : 'churn_probability';
      if (!columns.has(key)) throw new UsageError(`the lists have no ${key} column to rank by; use --rank-by probability`, { file: inputs[0] });
      const dup = (await con.runAndReadAll('SELECT id FROM lists GROUP BY id HAVING count(*) > 1 LIMIT 1')).getRowsJS();
      if (dup.length > 0) throw new InputError(`customer "${String(dup[0][0])}" is in more than one shard list: were the shards cut from the same base?`, { file: inputs.join(', '), column: 'id' });
      const rows = Number((await con.runAndReadAll('SELECT count(*)::INTEGER FROM lists')).getRowsJS()[0][0]);
      // One sort into a table whose row order is the rank (as the batch job ranks).
      try {
        await con.run(`CREATE TABLE merged AS SELECT * FROM lists ORDER BY ${key} DESC, id`);
      } catch (e) {
        throw new InputError(`the shard lists cannot be ranked together: ${duckMessage(e, files)}`, { file: inputs.join(', ') }, { cause: e });
      }
      const ranked = 'SELECT (rowid + 1)::INTEGER AS rank, * FROM merged';
      await copyTable(con, 'merged', format === 'csv' ? await csvPrecisionQuery(con, ranked) : ranked, tmp, format);
      const manifest: MergeManifest = {
        format: MERGE_MANIFEST_FORMAT,
        version: MERGE_MANIFEST_VERSION,
        model: manifests[0].model,
        input: manifests[0].input,
        shards: { count: manifests[0].shard?.count ?? 0, lists: await Promise.all(files.map(async (f, k) => ({ file: f.path, shard: manifests[k].shard?.index ?? -1, sha256: await f.sha256(), rows: manifests[k].rows.listed }))) },
        rank_by: rank,
        filters: manifests[0].filters,
        rows: { listed: rows },
        output: { file: out, format },
      };
      await writeFile(tmpManifest, toStableJson(manifest));
      await replaceFiles([{ tmp, target: out }, { tmp: tmpManifest, target: manifestPath }]);
      return { rows, manifest };
    }, { memory_limit: DEFAULT_MEMORY_LIMIT, temp_directory: scratch }));
  } finally {
    await rm(tmp, { force: true });
    await rm(tmpManifest, { force: true });
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The view `lists` over every shard (any of CSV, Parquet and Arrow; ids as text, as scored), each
 * checked against its manifest's row count.
 */
async function readLists(con: DuckDBConnection, files: readonly InputFile[], manifests: readonly Manifest[]): Promise<void> {
  const shards = files.map((_, k) => `shard_${k}`);
  for (let k = 0; k < files.length; k++) {
    let n: number;
    try {
      await openTable(con, shards[k], files[k], { textColumns: ['id'], quotedEmpty: true });
      n = Number((await con.runAndReadAll(`SELECT count(*)::BIGINT::DOUBLE FROM ${shards[k]}`)).getRowsJS()[0][0]);
    } catch (e) {
      throw new InputError(`the shard list cannot be read: ${duckMessage(e, [files[k]])}`, { file: files[k].path }, { cause: e });
    }
    if (n !== manifests[k].rows.listed) throw new InputError(`the list has ${n} rows but its manifest says ${manifests[k].rows.listed}: it was changed after scoring`, { file: files[k].path });
  }
  try {
    await con.run(`CREATE VIEW joined AS SELECT * EXCLUDE (rank) FROM (${shards.map((s) => `SELECT * FROM ${sqlIdent(s)}`).join(' UNION ALL BY NAME ')})`);
    // A CSV shard's reader guesses each column's type from its own cells: an empty shard, or a
    // column empty in one shard, comes out as text, and the union with text is text. The list's
    // numbers are numbers again before they are ranked and rounded.
    const columns = (await con.runAndReadAll('DESCRIBE joined')).getRowsJS().map((r) => String(r[0]));
    const select = columns.map((c) => (isListNumber(c) ? `CAST(${sqlIdent(c)} AS DOUBLE) AS ${sqlIdent(c)}` : sqlIdent(c)));
    await con.run(`CREATE VIEW lists AS SELECT ${select.join(', ')} FROM joined`);
  } catch (e) {
    throw new InputError(`the shard lists cannot be read together: ${duckMessage(e, files)}`, { file: files.map((f) => f.path).join(', ') }, { cause: e });
  }
}
