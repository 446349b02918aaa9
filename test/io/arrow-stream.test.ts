import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { copyToArrow } from '../../src/io/arrow-stream.js';
import { withDuckDB } from '../../src/io/duckdb.js';

describe('copyToArrow', () => {
  it('streams every column type, NULLs kept, across record batches and ragged chunks', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'arrow-stream-')), 'out.arrow');
    await withDuckDB(async (con) => {
      await con.run(`CREATE TYPE small AS ENUM ('high', 'medium', 'low')`);
      await con.run(`CREATE TYPE wide AS ENUM (SELECT 'word ' || i FROM range(300) r(i))`); // 2-byte codes
      // On one thread, in scan order, the filter leaves chunks of 1,755 rows: most start at bit offsets that are not whole bytes.
      await con.run('SET threads = 1');
      const select = `SELECT i::INTEGER AS rank,
          CASE WHEN i % 11 = 0 THEN NULL ELSE i / 7 END::DOUBLE AS p,
          CASE WHEN i % 13 = 0 THEN NULL ELSE i % 2 = 0 END AS flag,
          CASE WHEN i % 17 = 0 THEN NULL ELSE (['high', 'medium', 'low'])[i % 3 + 1] END::small AS tier,
          ('word ' || (i % 300))::wide AS reason,
          CASE WHEN i % 19 = 0 THEN NULL ELSE 'id-' || i END AS id,
          CASE WHEN i % 23 = 0 THEN NULL WHEN i % 5 = 0 THEN '' ELSE 'customer ' || i || repeat(' ünïcødé', i % 4) END AS note
        FROM range(20000) r(i) WHERE i % 7 <> 3`;
      const rows = await copyToArrow(con, select, file, 4096);
      const want = (await con.runAndReadAll(select)).getRowsJS();
      expect(rows).toBe(want.length);
      const table = tableFromIPC(readFileSync(file));
      expect(table.batches.length).toBeGreaterThan(4);
      expect(table.numRows).toBe(want.length);
      expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
        'rank:Int32', 'p:Float64', 'flag:Bool', 'tier:Dictionary<Int32, Utf8>', 'reason:Dictionary<Int32, Utf8>', 'id:Utf8', 'note:Utf8',
      ]);
      const names = table.schema.fields.map((f) => f.name);
      const got = Array.from({ length: table.numRows }, (_, i) => names.map((n) => table.getChild(n)?.get(i) ?? null));
      expect(got).toEqual(want.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v))));
      expect(got.filter((r) => r[1] === null).length).toBeGreaterThan(100);
      // Text inline in DuckDB's entries (up to 12 bytes), behind pointers (longer, multi-byte UTF-8), empty and NULL.
      const notes = got.map((r) => r[6] as string | null);
      expect([notes.some((v) => v !== null && v.length > 0 && v.length <= 12), notes.some((v) => v !== null && v.includes('ü')), notes.includes(''), notes.includes(null)]).toEqual([true, true, true, true]);
    });
  });

  it('writes an empty result as a file with its schema', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'arrow-stream-')), 'empty.arrow');
    await withDuckDB(async (con) => {
      expect(await copyToArrow(con, `SELECT 1::INTEGER AS rank, 'x' AS id WHERE false`, file)).toBe(0);
    });
    const table = tableFromIPC(readFileSync(file));
    expect([table.numRows, table.schema.fields.map((f) => f.name)]).toEqual([0, ['rank', 'id']]);
  });
});
