/**
 * Merging shard lists on small hand-scored shards: the merge is the unsharded list byte for byte,
 * its manifest names each shard, and every refusal (shards of different runs, a shard missing or
 * given twice, a list changed after scoring, a customer in two shards) is one error naming the
 * file and what differs. The CLI tests run the same refusals end to end; these run where the
 * mutation set sees them.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../src/errors.js';
import { runScoringJob, type BatchJobOptions } from '../../src/score/batch-job.js';
import { isListNumber } from '../../src/score/list/csv-precision.js';
import { mergeLists } from '../../src/score/list/merge.js';
import { handLogistic, probabilityOf, writeModel } from '../helpers/hand-model.js';
import { readListRows } from '../helpers/list-rows.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const at = (name: string): string => join(tmp.dir, name);
const model = writeModel(at('model.json'), handLogistic());
const other = writeModel(at('other.json'), handLogistic({ tiers: { high: 0.9, medium: 0.5 } }));
const noValue = writeModel(at('no-value.json'), handLogistic({ revenue: null }));
// Nine customers; d and e tie on value at risk, so the id breaks the tie.
const input = tmp.write('input.csv', 'id,score,revenue\na,1,10\nb,-1,80\nc,2,5\nd,0,40\ne,0,40\nf,3,1\ng,-2,200\nh,0.5,30\ni,1.5,0\n');
const input2 = tmp.write('input2.csv', 'id,score,revenue\na,1,10\nb,-1,80\n');

const score = (out: string, options: Partial<BatchJobOptions> = {}): Promise<unknown> => runScoringJob({ model, input, out: at(out), workers: 0, ...options });
const shard = (index: number, count: number): BatchJobOptions['shard'] => ({ index, count });
/** The error a merge throws (null when it merges). */
async function refusal(inputs: string[], out = 'refused.csv', rankBy?: 'value_at_risk' | 'probability'): Promise<unknown> {
  try {
    await mergeLists(inputs.map(at), at(out), rankBy);
  } catch (e) {
    return e;
  }
  return null;
}

beforeAll(async () => {
  await score('whole.csv');
  await score('whole-p.csv', { rankBy: 'probability' });
  await score('s0of3.csv', { shard: shard(0, 3) });
  await score('s1of3.parquet', { shard: shard(1, 3) });
  await score('s2of3.csv', { shard: shard(2, 3) });
  await score('s0of2.csv', { shard: shard(0, 2) });
  await score('s1of2.csv', { shard: shard(1, 2) });
  await score('s1of2-other.csv', { model: other, shard: shard(1, 2) });
  await score('s1of2-input2.csv', { input: input2, shard: shard(1, 2) });
  await score('s1of2-p.csv', { shard: shard(1, 2), rankBy: 'probability' });
  await score('s1of2-high.csv', { shard: shard(1, 2), tier: 'high' });
  await score('s1of2-top.csv', { shard: shard(1, 2), top: 1 });
  await score('nv0.csv', { model: noValue, shard: shard(0, 2) });
  await score('nv1.csv', { model: noValue, shard: shard(1, 2) });
});

describe('merging shard lists', () => {
  it('gives the unsharded list byte for byte, in any order of CSV and Parquet shards, with a manifest naming each', async () => {
    const { rows, manifest } = await mergeLists([at('s2of3.csv'), at('s0of3.csv'), at('s1of3.parquet')], at('merged.csv'));
    expect(readFileSync(at('merged.csv'), 'utf8')).toBe(readFileSync(at('whole.csv'), 'utf8'));
    // A CSV list's numbers as people read them: probabilities to 6 significant digits, money in cents.
    expect(readFileSync(at('merged.csv'), 'utf8').split('\n').slice(1, 3)).toEqual(['1,g,0.119203,low,2400.00,286.09,false,"",,,,,,,,,,,,', '2,b,0.268941,medium,960.00,258.18,false,"",,,,,,,,,,,,']);
    expect(readFileSync(at('merged.csv'), 'utf8').split('\n')[6]).toBe('6,a,0.731059,high,120.00,87.73,false,"",score: 1,score,1.0,personal retention call,,,,,,,,');
    expect(['value', 'value_at_risk', 'churn_probability', 'p_churn_12m', 'reason_2_contribution', 'rank', 'id', 'reason_1', 'p_churn_x'].map(isListNumber))
      .toEqual([true, true, true, true, true, false, false, false, false]);
    const shardRows = ['s2of3.csv', 's0of3.csv', 's1of3.parquet'].map((f) => JSON.parse(readFileSync(`${at(f)}.manifest.json`, 'utf8')).rows.listed as number);
    expect(rows).toBe(9);
    expect(shardRows.reduce((a, b) => a + b, 0)).toBe(9);
    expect(manifest).toMatchObject({
      shards: { count: 3, lists: [{ file: at('s2of3.csv'), shard: 2, rows: shardRows[0] }, { file: at('s0of3.csv'), shard: 0, rows: shardRows[1] }, { file: at('s1of3.parquet'), shard: 1, rows: shardRows[2] }] },
      rank_by: 'value_at_risk', filters: { segment: null, tier: null, top: null }, rows: { listed: 9 }, output: { file: at('merged.csv'), format: 'csv' },
    });
    for (const l of manifest.shards.lists) expect(l.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(readFileSync(at('merged.csv.manifest.json'), 'utf8'))).toEqual(manifest);
    // A Parquet merge keeps full precision, ranked as the CSV.
    await mergeLists([at('s0of3.csv'), at('s1of3.parquet'), at('s2of3.csv')], at('merged.parquet'));
    const parquet = await readListRows(at('merged.parquet'));
    expect(parquet.map((r) => r.id)).toEqual(['g', 'b', 'd', 'e', 'h', 'a', 'c', 'f', 'i']);
    expect([parquet[0].rank, parquet[0].churn_probability, parquet[5].churn_probability]).toEqual(['1', String(probabilityOf(-2)), String(probabilityOf(1))]);
    // Ranked by probability on request: the unsharded list ranked so.
    await mergeLists([at('s0of3.csv'), at('s1of3.parquet'), at('s2of3.csv')], at('merged-p.csv'), 'probability');
    expect(readFileSync(at('merged-p.csv'), 'utf8')).toBe(readFileSync(at('whole-p.csv'), 'utf8'));
  });

  it('refuses no lists, an Arrow output, a list without its manifest, a list that is not a shard, a shard cut to its top', async () => {
    expect(await refusal([])).toEqual(new UsageError('merge needs at least one list'));
    const arrow = await refusal(['s0of2.csv', 's1of2.csv'], 'merged.arrow');
    expect(arrow).toBeInstanceOf(UsageError);
    expect(arrow).toMatchObject({ message: 'merge writes CSV or Parquet (it reads shard lists of any of CSV, Parquet and Arrow)', context: { file: at('merged.arrow') } });
    copyFileSync(at('s1of2.csv'), at('bare.csv'));
    expect(await refusal(['s0of2.csv', 'bare.csv'])).toMatchObject({
      message: `the list has no readable manifest beside it (${at('bare.csv')}.manifest.json): merge checks that the shards belong together from the manifests churnscope score writes`,
      context: { file: at('bare.csv') },
    });
    expect(await refusal(['s0of2.csv', 's1of2.csv'], 's1of2.csv')).toMatchObject({
      message: `the output ${at('s1of2.csv')} is a shard list this command reads (${at('s1of2.csv')}): writing it would destroy its input; choose another output path`,
    });
    writeFileSync(at('notes.csv'), 'mine\n');
    expect((await refusal(['s0of2.csv', 's1of2.csv'], 'notes.csv') as Error).message).toMatch(new RegExp(`^the output ${at('notes.csv')} exists and is not a merged list churnscope wrote; `));
    expect(await refusal(['s0of2.csv', 'whole.csv'])).toMatchObject({ message: 'the list is not a shard (it was scored without --shard): merge joins the shard lists of one run', context: { file: at('whole.csv') } });
    expect(await refusal(['s0of2.csv', 's1of2-top.csv'])).toMatchObject({ message: 'the shard was cut to its top 1: the top of each shard is not the top of the whole base; score the shards without --top', context: { file: at('s1of2-top.csv') } });
  });

  it('refuses shards of different runs, naming both and what differs', async () => {
    const differs = async (second: string): Promise<string> => {
      const e = await refusal(['s0of2.csv', second]);
      expect(e).toBeInstanceOf(InputError);
      expect(e).toMatchObject({ context: { file: at(second) } });
      return (e as Error).message;
    };
    const shaOf = (file: string, what: 'model' | 'input'): string => (JSON.parse(readFileSync(`${at(file)}.manifest.json`, 'utf8')) as Record<string, { sha256: string }>)[what].sha256.slice(0, 12);
    const tail = '; merge joins shards of one scoring run';
    expect(await differs('s1of2-other.csv')).toBe(`the lists come from different models: ${at('s0of2.csv')} has model logistic (logistic, sha256 ${shaOf('s0of2.csv', 'model')}), ${at('s1of2-other.csv')} has model logistic (logistic, sha256 ${shaOf('s1of2-other.csv', 'model')})${tail}`);
    expect(await differs('s1of2-input2.csv')).toBe(`the lists come from different inputs: ${at('s0of2.csv')} has input ${input} (sha256 ${shaOf('s0of2.csv', 'input')}), ${at('s1of2-input2.csv')} has input ${input2} (sha256 ${shaOf('s1of2-input2.csv', 'input')})${tail}`);
    expect(await differs('s2of3.csv')).toBe(`the lists come from different shard counts: ${at('s0of2.csv')} has a shard of 2, ${at('s2of3.csv')} has a shard of 3${tail}`);
    expect(await differs('s1of2-p.csv')).toBe(`the lists come from different rankings: ${at('s0of2.csv')} has ranking by value_at_risk, ${at('s1of2-p.csv')} has ranking by probability${tail}`);
    expect(await differs('s1of2-high.csv')).toBe(`the lists come from different filters: ${at('s0of2.csv')} has filters {"segment":null,"tier":null,"top":null}, ${at('s1of2-high.csv')} has filters {"segment":null,"tier":"high","top":null}${tail}`);
  });

  it('refuses a shard given twice or missing, naming each', async () => {
    copyFileSync(at('s0of2.csv'), at('again.csv'));
    copyFileSync(at('s0of2.csv.manifest.json'), at('again.csv.manifest.json'));
    expect(await refusal(['s0of2.csv', 'again.csv'])).toMatchObject({ message: `shard 0/2 is given twice (${at('s0of2.csv')} and ${at('again.csv')})`, context: { file: at('again.csv') } });
    expect(await refusal(['s0of2.csv'])).toMatchObject({ message: 'shard 1/2 is missing: merge needs all 2 shards of the run', context: { file: at('s0of2.csv') } });
    expect(await refusal(['s1of3.parquet'])).toMatchObject({ message: 'shards 0/3, 2/3 are missing: merge needs all 3 shards of the run', context: { file: at('s1of3.parquet') } });
    expect(await refusal(['s0of3.csv', 's2of3.csv'])).toMatchObject({ message: 'shard 1/3 is missing: merge needs all 3 shards of the run', context: { file: `${at('s0of3.csv')}, ${at('s2of3.csv')}` } });
  });

  it('refuses a list changed after scoring, a customer in two shards, an unreadable shard, and value ranking without values', async () => {
    const lines = readFileSync(at('s1of2.csv'), 'utf8').trim().split('\n');
    writeFileSync(at('cut.csv'), `${lines.slice(0, -1).join('\n')}\n`);
    copyFileSync(at('s1of2.csv.manifest.json'), at('cut.csv.manifest.json'));
    expect(await refusal(['s0of2.csv', 'cut.csv'])).toMatchObject({ message: `the list has ${lines.length - 2} rows but its manifest says ${lines.length - 1}: it was changed after scoring`, context: { file: at('cut.csv') } });
    // Shard 1's file holding shard 0's customers (its manifest's count made to match).
    const zero = readFileSync(at('s0of2.csv'), 'utf8');
    writeFileSync(at('dup.csv'), zero);
    const m = JSON.parse(readFileSync(at('s1of2.csv.manifest.json'), 'utf8')) as { rows: { listed: number } };
    m.rows.listed = zero.trim().split('\n').length - 1;
    writeFileSync(at('dup.csv.manifest.json'), JSON.stringify(m));
    const ids = zero.trim().split('\n').slice(1).map((l) => l.split(',')[1]);
    const dup = await refusal(['s0of2.csv', 'dup.csv']);
    expect(dup).toMatchObject({ context: { file: `${at('s0of2.csv')}, ${at('dup.csv')}`, column: 'id' } });
    const [, id] = /^customer "(\w)" is in more than one shard list: were the shards cut from the same base\?$/.exec((dup as Error).message) ?? [];
    expect(ids).toContain(id); // any of them: each is in both
    writeFileSync(at('empty.csv'), '');
    copyFileSync(at('s1of2.csv.manifest.json'), at('empty.csv.manifest.json'));
    expect(await refusal(['s0of2.csv', 'empty.csv'])).toMatchObject({ message: 'the shard list is empty (0 bytes): expected a header line and data rows', context: { file: at('empty.csv') } });
    writeFileSync(at('junk.parquet'), 'not a parquet file');
    copyFileSync(at('s1of2.csv.manifest.json'), at('junk.parquet.manifest.json'));
    const junk = await refusal(['s0of2.csv', 'junk.parquet']);
    expect(junk).toBeInstanceOf(InputError);
    expect(junk).toMatchObject({ message: expect.stringMatching(/^the shard list cannot be read: /) as unknown as string, context: { file: at('junk.parquet') } });
    // DuckDB read the open file by /proc/self/fd/N; the message names the file as the user named it.
    expect((junk as Error).message).toContain(at('junk.parquet'));
    expect((junk as Error).message).not.toContain('/proc/self/fd');
    expect((junk as Error).cause).toBeInstanceOf(Error);
    expect(await refusal(['nv0.csv', 'nv1.csv'], 'nv.csv', 'value_at_risk')).toMatchObject({ message: 'the lists have no value_at_risk column to rank by; use --rank-by probability', context: { file: at('nv0.csv') } });
    expect(await refusal(['nv0.csv', 'nv1.csv'], 'nv.csv')).toBeNull(); // they were ranked by probability
  });

  it('refuses shards whose numbers are not numbers, or that lost their rank column, as lists that cannot be ranked or read together', async () => {
    const edited = (name: string, from: string, edit: (csv: string) => string): string => {
      writeFileSync(at(name), edit(readFileSync(at(from), 'utf8')));
      copyFileSync(at(`${from}.manifest.json`), at(`${name}.manifest.json`));
      return name;
    };
    // A probability overwritten by hand: the shard reads, but cannot be ranked as a number.
    const word = edited('word.csv', 's1of2.csv', (csv) => csv.replace(/\n(\d+),(\w+),[^,]+,/, '\n$1,$2,high,'));
    const unranked = await refusal(['s0of2.csv', word]);
    expect(unranked).toBeInstanceOf(InputError);
    expect(unranked).toMatchObject({ message: expect.stringMatching(/^the shard lists cannot be ranked together: Conversion Error: .*'high' to DOUBLE/) as unknown as string, context: { file: `${at('s0of2.csv')}, ${at(word)}` } });
    expect((unranked as Error).cause).toBeInstanceOf(Error);
    // Both shards without their rank column: nothing to set aside before ranking afresh.
    const dropRank = (csv: string): string => csv.split('\n').map((l) => l.replace(/^[^,]*,/, '')).join('\n');
    const [r0, r1] = [edited('norank0.csv', 's0of2.csv', dropRank), edited('norank1.csv', 's1of2.csv', dropRank)];
    const unread = await refusal([r0, r1]);
    expect(unread).toBeInstanceOf(InputError);
    expect(unread).toMatchObject({ message: expect.stringMatching(/^the shard lists cannot be read together: .*rank/) as unknown as string, context: { file: `${at(r0)}, ${at(r1)}` } });
    expect((unread as Error).cause).toBeInstanceOf(Error);
  });

  it('merges into an output under the working folder (a shard manifest is no stand-in for the folder)', async () => {
    // Vitest's workers cannot change folder: the output goes in a fresh folder under the working one.
    const here = mkdtempSync(join(process.cwd(), '.merge-test-'));
    try {
      await mergeLists([at('s0of2.csv'), at('s1of2.csv')], join(here, 'merged.csv'));
      expect(readFileSync(join(here, 'merged.csv'), 'utf8')).toBe(readFileSync(at('whole.csv'), 'utf8'));
    } finally {
      rmSync(here, { recursive: true, force: true });
    }
  });
});
