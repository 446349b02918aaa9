/**
 * Merges shard lists into one ranking: the same order the unsharded run gives (key descending,
 * then id), ranks renumbered, written atomically.
 */
import { rename, rm } from 'node:fs/promises';
import { extname } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { tempPathFor } from '../io/atomic.js';
import { copyTable } from '../io/copy-table.js';
import { DEFAULT_MEMORY_LIMIT, sqlString, withDuckDB } from '../io/duckdb.js';
import { formatOf } from '../io/table-writer.js';
import type { RankBy } from './score-batch.js';

export async function mergeLists(inputs: readonly string[], out: string, rankBy?: RankBy): Promise<{ rows: number }> {
  if (inputs.length === 0) throw new UsageError('merge needs at least one list');
  const format = formatOf(out);
  if (format === 'arrow') throw new UsageError('merge writes CSV or Parquet', { file: out });
  const tmp = tempPathFor(out);
  const scratch = `${tmp}.scratch`; // DuckDB spills here past its memory limit
  try {
    return await withDuckDB(async (con) => {
      const parquet = inputs.every((f) => extname(f).toLowerCase() === '.parquet');
      const list = `[${inputs.map(sqlString).join(', ')}]`;
      try {
        await con.run(`CREATE VIEW lists AS SELECT * EXCLUDE (rank) FROM ${parquet ? `read_parquet(${list})` : `read_csv(${list}, header = true, union_by_name = true)`}`);
      } catch (e) {
        throw new InputError(`the shard lists cannot be read together: ${(e as Error).message.split('\n')[0]}`, { file: inputs.join(', ') }, { cause: e });
      }
      const columns = new Set((await con.runAndReadAll('DESCRIBE lists')).getRowsJS().map((r) => String(r[0])));
      const key = (rankBy ?? (columns.has('value_at_risk') ? 'value_at_risk' : 'probability')) === 'value_at_risk' ? 'value_at_risk' : 'churn_probability';
      const dup = (await con.runAndReadAll('SELECT id FROM lists GROUP BY id HAVING count(*) > 1 LIMIT 1')).getRowsJS();
      if (dup.length > 0) throw new InputError(`customer "${String(dup[0][0])}" is in more than one shard list: were the shards cut from the same base?`, { file: inputs.join(', '), column: 'id' });
      const rows = Number((await con.runAndReadAll('SELECT count(*)::INTEGER FROM lists')).getRowsJS()[0][0]);
      // One sort into a table whose row order is the rank (as the batch job ranks).
      await con.run(`CREATE TABLE merged AS SELECT * FROM lists ORDER BY ${key} DESC, id`);
      await copyTable(con, 'merged', 'SELECT (rowid + 1)::INTEGER AS rank, * FROM merged', tmp, format);
      await rename(tmp, out);
      return { rows };
    }, { memory_limit: DEFAULT_MEMORY_LIMIT, temp_directory: scratch });
  } finally {
    await rm(tmp, { force: true });
    await rm(scratch, { recursive: true, force: true });
  }
}
