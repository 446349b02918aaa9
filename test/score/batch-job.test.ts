import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { withDuckDB } from '../../src/io/duckdb.js';
import { writeTable } from '../../src/io/table-writer.js';
import { runScoringJob } from '../../src/score/batch-job.js';
import { mergeLists } from '../../src/score/list/merge.js';
import { readListRows } from '../helpers/list-rows.js';
import { MERGE_MANIFEST } from '../../src/score/manifest.js';
import { readJsonFile } from '../../src/io/json-file.js';
import { trainTelcoLogistic } from '../helpers/telco-model.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const INPUT = resolve('data/ibm-telco-churn.csv');
const model = join(tmp.dir, 'run', 'models', 'logistic.json');
const list = (name: string): string => join(tmp.dir, name);

beforeAll(async () => {
  await trainTelcoLogistic(INPUT, join(tmp.dir, 'run'), ['logistic', 'random_forest']);
});

describe('the batch scoring job', () => {
  it('streams in batches on worker threads and gives the same list as one batch on the calling thread', async () => {
    const one = await runScoringJob({ model, input: INPUT, out: list('one.csv'), batchSize: 100_000 });
    const many = await runScoringJob({ model, input: INPUT, out: list('many.csv'), batchSize: 1000, workers: 2 });
    const inline = await runScoringJob({ model, input: INPUT, out: list('inline.csv'), batchSize: 1000, workers: 0 });
    expect(one.batches).toBe(1);
    expect(one.workers).toBe(0); // one batch: scored on the calling thread
    expect([many.batches, many.workers]).toEqual([8, 2]);
    expect([inline.batches, inline.workers]).toEqual([8, 0]);
    expect(many.rows).toEqual({ read: 7043, scored: 7043, rejected: 0, listed: 7043 });
    expect(readFileSync(list('many.csv'), 'utf8')).toBe(readFileSync(list('one.csv'), 'utf8'));
    expect(readFileSync(list('inline.csv'), 'utf8')).toBe(readFileSync(list('one.csv'), 'utf8'));
  });

  it('values customers at 12 months of revenue and ranks by value at risk; the CSV carries cents and 6 significant digits', async () => {
    await runScoringJob({ model, input: INPUT, out: list('one.parquet'), batchSize: 100_000 });
    const charges = new Map(readFileSync(INPUT, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')).map((r) => [r[0], Number(r[18])]));
    const exact = await readListRows(list('one.parquet'));
    for (const r of exact) {
      expect(Number(r.value)).toBe((charges.get(r.id) ?? Number.NaN) * 12);
      expect(Number(r.value_at_risk)).toBe(Number(r.value) * Number(r.churn_probability));
    }
    const risk = exact.map((r) => Number(r.value_at_risk));
    for (let i = 1; i < risk.length; i++) expect(risk[i]).toBeLessThanOrEqual(risk[i - 1]);
    // The CSV list: the same rows, money in cents, probabilities and contributions to 6 significant digits.
    const csv = await readListRows(list('one.csv'));
    expect(csv.map((r) => r.id)).toEqual(exact.map((r) => r.id));
    const cents = (x: string): string => (Math.round(Number(x) * 100) / 100).toFixed(2);
    const six = (x: string): string => (x === '' ? '' : String(Number(Number(x).toPrecision(6))));
    for (const [k, r] of csv.entries()) {
      const e = exact[k];
      expect([r.value, r.value_at_risk]).toEqual([cents(e.value), cents(e.value_at_risk)]);
      expect(r.churn_probability).toBe(six(e.churn_probability));
      for (const c of ['reason_1_contribution', 'reason_2_contribution', 'reason_3_contribution']) expect(r[c]).toBe(six(e[c]));
    }
  });

  it('filters tiers by the thresholds and ranks by probability', async () => {
    const p = new Map((await readListRows(list('one.parquet'))).map((r) => [r.id, Number(r.churn_probability)]));
    for (const [tier, lo, hi] of [['high', 0.5, 1], ['medium', 0.25, 0.5]] as const) {
      const m = await runScoringJob({ model, input: INPUT, out: list(`tier-${tier}.csv`), tier, rankBy: 'probability', batchSize: 2000, workers: 2 });
      const rows = readFileSync(list(`tier-${tier}.csv`), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
      const expected = [...p].filter(([, v]) => v >= lo && (tier === 'high' || v < hi)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
      expect(m.rows.listed).toBeGreaterThan(500);
      expect(rows.map((r) => r[1])).toEqual(expected);
      expect(new Set(rows.map((r) => r[3]))).toEqual(new Set([tier]));
    }
  });

  it('scores a forest on worker threads, each walking its own compiled forest, as on the calling thread', async () => {
    const forest = join(tmp.dir, 'run', 'models', 'random_forest.json');
    const inline = await runScoringJob({ model: forest, input: INPUT, out: list('forest-one.csv'), batchSize: 100_000 });
    const pooled = await runScoringJob({ model: forest, input: INPUT, out: list('forest-many.csv'), batchSize: 1000, workers: 2 });
    expect([inline.workers, pooled.workers, pooled.batches]).toEqual([0, 2, 8]);
    const text = readFileSync(list('forest-many.csv'), 'utf8');
    expect(text).toBe(readFileSync(list('forest-one.csv'), 'utf8'));
    expect(text.trim().split('\n')).toHaveLength(7044);
  });

  it('writes the same list as CSV, Parquet and Arrow, the words decoded from their ENUM codes', async () => {
    await runScoringJob({ model, input: INPUT, out: list('same.csv'), batchSize: 3000, workers: 2 });
    await runScoringJob({ model, input: INPUT, out: list('same.parquet'), batchSize: 3000, workers: 2 });
    await runScoringJob({ model, input: INPUT, out: list('same.arrow'), batchSize: 3000, workers: 2 });
    const columns = ['rank', 'id', 'risk_tier', 'reason_1', 'reason_2_feature', 'reason_3_action'];
    const arrow = tableFromIPC(readFileSync(list('same.arrow')));
    const fromArrow = Array.from({ length: arrow.numRows }, (_, i) => columns.map((c) => String(arrow.getChild(c)?.get(i) ?? '')));
    const read = (from: string): Promise<string[][]> => withDuckDB(async (con) => (await con.runAndReadAll(`SELECT ${columns.map((c) => `coalesce(CAST(${c} AS VARCHAR), '')`).join(', ')} FROM ${from}`)).getRowsJS().map((r) => r.map(String)));
    const fromCsv = await read(`read_csv('${list('same.csv')}', header = true, all_varchar = true)`);
    const fromParquet = await read(`read_parquet('${list('same.parquet')}')`);
    expect(fromCsv).toHaveLength(7043);
    expect(fromArrow).toEqual(fromCsv);
    expect(fromParquet).toEqual(fromCsv);
    expect(new Set(fromCsv.map((r) => r[2]))).toEqual(new Set(['high', 'medium', 'low']));
    expect(fromCsv.filter((r) => r[3] === '').length).toBeLessThan(100); // nearly everyone has a first reason
  });

  it('n shards merged equal the unsharded run, whatever format each shard list was written in', async () => {
    const shards = ['shard-0.parquet', 'shard-1.arrow', 'shard-2.csv'].map(list);
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push((await runScoringJob({ model, input: INPUT, out: shards[i], shard: { index: i, count: 3 } })).rows.scored);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(7043);
    expect(Math.min(...counts)).toBeGreaterThan(2000);
    await mergeLists(shards, list('merged.csv'));
    await runScoringJob({ model, input: INPUT, out: list('unsharded.csv') });
    expect(readFileSync(list('merged.csv'), 'utf8')).toBe(readFileSync(list('unsharded.csv'), 'utf8'));
    const m = readJsonFile(list('merged.csv.manifest.json'), MERGE_MANIFEST);
    expect([m.shards.count, m.shards.lists.map((l) => [l.shard, l.rows]), m.rows.listed]).toEqual([3, counts.map((c, i) => [i, c]), 7043]);
  });

  it('flags probability rises against the previous list', async () => {
    const prev = list('prev.csv');
    const rows = readFileSync(list('one.csv'), 'utf8').trim().split('\n');
    const header = rows[0].split(',');
    const [idCol, pCol] = [header.indexOf('id'), header.indexOf('churn_probability')];
    const first = rows[1].split(',');
    writeFileSync(prev, `id,churn_probability\n${first[idCol]},${Number(first[pCol]) - 0.25}\n`);
    await runScoringJob({ model, input: INPUT, out: list('warned.csv'), previous: prev, top: 5 });
    const top = readFileSync(list('warned.csv'), 'utf8').trim().split('\n')[1].split(',');
    expect(top[header.indexOf('early_warning')]).toBe('true');
    expect(top[header.indexOf('warning_signals')]).toBe('churn probability rose 25 points since the last run');
  });

  it('accepts extra and reordered columns', async () => {
    const text = readFileSync(INPUT, 'utf8').trim().split('\n').map((l) => l.split(','));
    const reordered = text.map((r, i) => [i === 0 ? 'note' : 'x', ...r.slice().reverse()].join(',')).join('\n');
    const input = list('reordered.csv');
    writeFileSync(input, `${reordered}\n`);
    await runScoringJob({ model, input, out: list('reordered-list.csv') });
    expect(readFileSync(list('reordered-list.csv'), 'utf8')).toBe(readFileSync(list('one.csv'), 'utf8'));
  });

  it('a failing write midway leaves the previous list, and no temporary files', async () => {
    const out = list('kept.csv');
    await runScoringJob({ model, input: INPUT, out });
    const before = readFileSync(out, 'utf8');
    await expect(runScoringJob({ model, input: INPUT, out, batchSize: 1000, onBatch: (b) => { if (b === 3) throw new Error('ENOSPC: no space left on device, write'); } })).rejects.toThrow('ENOSPC');
    expect(readFileSync(out, 'utf8')).toBe(before);
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('.tmp-kept'))).toEqual([]);
  });

  it('a run killed with SIGKILL leaves the previous list or none, and a rerun is byte-identical', async () => {
    const out = list('killed.csv');
    const script = list('kill-me.mts');
    writeFileSync(script, `import { runScoringJob } from ${JSON.stringify(resolve('src/score/batch-job.ts'))};
await runScoringJob({ model: ${JSON.stringify(model)}, input: ${JSON.stringify(INPUT)}, out: ${JSON.stringify(out)}, batchSize: 500,
  onBatch: async (b) => { if (b === 4) { process.stdout.write('midway\\n'); await new Promise((r) => setTimeout(r, 60_000)); } } });
`);
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((done) => child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('midway')) done(); }));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    expect(existsSync(out)).toBe(false); // no list rather than half a list
    expect(readdirSync(tmp.dir).some((f) => f.startsWith('.tmp-killed.csv'))).toBe(true); // its scratch files
    await runScoringJob({ model, input: INPUT, out });
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(list('one.csv'), 'utf8'));
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('.tmp-killed.csv'))).toEqual([]); // cleaned by the rerun
  });

  it('writes a manifest with the model and input hashes and the counts', () => {
    const m = JSON.parse(readFileSync(`${list('one.csv')}.manifest.json`, 'utf8'));
    expect(m.format).toBe('churnscope-score-manifest');
    expect(m.input.sha256).toBe('16320c9c1ec72448db59aa0a26a0b95401046bef5d02fd3aeb906448e3055e91');
    expect(m.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.rows).toEqual({ read: 7043, scored: 7043, rejected: 0, listed: 7043 });
  });

  it('counts rows without an id as rejected and lists the rest in the same order', async () => {
    const lines = readFileSync(INPUT, 'utf8').trim().split('\n');
    const blanked = lines.map((l, i) => (i === 10 || i === 4000 ? l.replace(/^[^,]*/, '') : l));
    const input = list('blank-ids.csv');
    writeFileSync(input, `${blanked.join('\n')}\n`);
    const m = await runScoringJob({ model, input, out: list('blank-ids-list.csv'), batchSize: 1000 });
    expect(m.rows).toEqual({ read: 7043, scored: 7043, rejected: 2, listed: 7041 });
    const gone = new Set([lines[10], lines[4000]].map((l) => l.split(',')[0]));
    const expected = readFileSync(list('one.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[1]).filter((id) => !gone.has(id));
    expect(readFileSync(list('blank-ids-list.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[1])).toEqual(expected);
  });

  it('refuses a duplicate customer id, naming it', async () => {
    const lines = readFileSync(INPUT, 'utf8').trim().split('\n');
    const input = list('dup-ids.csv');
    writeFileSync(input, `${[...lines, lines[5]].join('\n')}\n`);
    await expect(runScoringJob({ model, input, out: list('dup-list.csv') })).rejects.toThrow(`customer id "${lines[5].split(',')[0]}" appears 2 times: each customer must be scored once`);
    expect(existsSync(list('dup-list.csv'))).toBe(false);
  });

  it('rejects a corrupt Parquet input and a missing column by name', async () => {
    const good = list('one-in.parquet');
    await writeTable(good, [{ name: 'customerID', type: 'text', values: ['a'] }]);
    const bytes = readFileSync(good);
    const corrupt = list('corrupt.parquet');
    writeFileSync(corrupt, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(runScoringJob({ model, input: corrupt, out: list('x.csv') })).rejects.toThrow(/the file cannot be read \(corrupt, truncated or not Parquet\): .*corrupt\.parquet/);
    await expect(runScoringJob({ model, input: good, out: list('x.csv') })).rejects.toThrow(/the model needs column "(gender|SeniorCitizen|Partner|tenure|MonthlyCharges)[^"]*", which the input lacks/);
    expect(existsSync(list('x.csv'))).toBe(false);
  });
});
