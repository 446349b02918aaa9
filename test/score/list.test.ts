import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { runScoringJob } from '../../src/score/batch-job.js';
import { scoreToArrow } from '../../src/score/score-to-arrow.js';
import { HAND_INPUT, HAND_ROWS, writeHandModel } from '../helpers/hand-retention.js';
import { readListRows } from '../helpers/list-rows.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
let model = '';
let input = '';

beforeAll(() => {
  ({ model, input } = writeHandModel(tmp.dir));
});

/** A list CSV as rows of named cells (no commas in these cells; an empty text is written "", a missing value not at all). */
function readList(file: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, j) => [names[j], v === '""' ? '' : v])));
}

describe('the retention list, against values worked out by hand', () => {
  it('ranks by value at risk, with probabilities, tiers, value, reasons and actions', async () => {
    const out = join(tmp.dir, 'list.parquet'); // full precision: the maths to 12 digits
    const m = await runScoringJob({ model, input, out });
    expect(m.rows).toEqual({ read: 7, scored: 7, rejected: 1, listed: 6 }); // the row without an id
    const rows = await readListRows(out);
    expect(rows.map((r) => r.id)).toEqual(['a1', 'g7', 'b2', 'c3', 'd4', 'e5']); // 1143.1, 450, 226.5, 59.9, 37.2, 0
    expect(Object.keys(rows[0])).toEqual([
      'rank', 'id', 'churn_probability', 'risk_tier', 'value', 'value_at_risk', 'segment', 'early_warning', 'warning_signals',
      ...[1, 2, 3].flatMap((k) => [`reason_${k}`, `reason_${k}_feature`, `reason_${k}_contribution`, `reason_${k}_action`]),
    ]);
    for (const [k, row] of rows.entries()) {
      const hand = HAND_ROWS[row.id];
      expect(Number(row.rank)).toBe(k + 1);
      expect(Number(row.churn_probability)).toBeCloseTo(hand.p, 14);
      expect(row.risk_tier).toBe(hand.tier);
      expect(Number(row.value)).toBe(hand.value);
      expect(Number(row.value_at_risk)).toBeCloseTo(hand.value * hand.p, 12);
      for (let r = 0; r < 3; r++) {
        const [sentence, feature, contribution, action] = hand.reasons[r] ?? ['', '', Number.NaN, ''];
        expect([row[`reason_${r + 1}`], row[`reason_${r + 1}_feature`], row[`reason_${r + 1}_action`]]).toEqual([sentence, feature, action]);
        if (Number.isFinite(contribution)) expect(Number(row[`reason_${r + 1}_contribution`])).toBeCloseTo(contribution, 12);
        else expect(row[`reason_${r + 1}_contribution`]).toBe('');
      }
    }
    expect(rows.map((r) => [r.id, r.early_warning, r.warning_signals]).filter((r) => r[1] === 'true')).toEqual([
      ['a1', 'true', '2 new complaints'], ['e5', 'true', '1 new complaint'],
    ]);
  });

  it('ranks by probability, and filters by tier, segment and top N', async () => {
    const ids = async (name: string, options: Parameters<typeof runScoringJob>[0] extends infer O ? Partial<O> : never): Promise<string[]> => {
      const out = join(tmp.dir, name);
      await runScoringJob({ model, input, out, ...options });
      return readList(out).map((r) => r.id);
    };
    expect(await ids('p.csv', { rankBy: 'probability' })).toEqual(['a1', 'e5', 'g7', 'b2', 'd4', 'c3']);
    expect(await ids('high.csv', { rankBy: 'probability', tier: 'high' })).toEqual(['a1', 'e5', 'g7']); // g7 at exactly 0.5
    expect(await ids('medium.csv', { tier: 'medium' })).toEqual(['b2', 'd4']);
    expect(await ids('low.csv', { tier: 'low' })).toEqual(['c3']); // 0.24974 < 0.25
    expect(await ids('business.csv', { segment: 'business' })).toEqual(['c3', 'd4']);
    expect(await ids('top2.csv', { top: 2 })).toEqual(['a1', 'g7']);
  });

  it('flags a rise since the previous list (CSV or Arrow), beside the batch signals', async () => {
    // The previous list: a1 and b2 30 and 20 points lower, g7 5 points lower (under the 10-point rise).
    const previous = join(tmp.dir, 'previous.csv');
    writeFileSync(previous, `rank,id,churn_probability\n1,a1,${HAND_ROWS.a1.p - 0.3}\n2,b2,${HAND_ROWS.b2.p - 0.2}\n3,g7,${HAND_ROWS.g7.p - 0.05}\n`);
    const arrowPrevious = join(tmp.dir, 'previous.arrow');
    await runScoringJob({ model, input, out: join(tmp.dir, 'warned.csv'), previous });
    // The same previous list as Arrow (the job's own format) is read as Arrow, not as CSV.
    const { list } = await scoreToArrow({ model, input: previousInput(tmp.dir), out: arrowPrevious });
    expect(list.numRows).toBe(3);
    await runScoringJob({ model, input, out: join(tmp.dir, 'warned-from-arrow.csv'), previous: arrowPrevious });
    const signals = (file: string): string[][] => readList(join(tmp.dir, file)).map((r) => [r.id, r.early_warning, r.warning_signals]);
    expect(signals('warned.csv')).toEqual([
      ['a1', 'true', 'churn probability rose 30 points since the last run; 2 new complaints'],
      ['g7', 'false', ''],
      ['b2', 'true', 'churn probability rose 20 points since the last run'],
      ['c3', 'false', ''], ['d4', 'false', ''], ['e5', 'true', '1 new complaint'],
    ]);
    // From the Arrow list: every customer was scored at her current probability, so none rose.
    expect(signals('warned-from-arrow.csv').map((r) => r[1])).toEqual(['true', 'false', 'false', 'false', 'false', 'true']);
  });

  it('matches the previous list by the id as written: 2E5 is a code, not 200000', async () => {
    // a1 becomes "2E5" and b2 "200000". Only 2E5's probability rose; sniffed as numbers, the
    // previous list's ids would read 200000.0 and match no one.
    const ids = join(tmp.dir, 'code-ids.csv');
    writeFileSync(ids, HAND_INPUT.replace('\na1,', '\n2E5,').replace('\nb2,', '\n200000,'));
    const previous = join(tmp.dir, 'code-previous.csv');
    writeFileSync(previous, `rank,id,churn_probability\n1,2E5,${HAND_ROWS.a1.p - 0.3}\n2,200000,${HAND_ROWS.b2.p}\n`);
    const out = join(tmp.dir, 'code-warned.csv');
    await runScoringJob({ model, input: ids, out, previous });
    expect(readList(out).filter((r) => r.id === '2E5' || r.id === '200000').map((r) => [r.id, r.warning_signals])).toEqual([
      ['2E5', 'churn probability rose 30 points since the last run; 2 new complaints'],
      ['200000', ''],
    ]);
  });

  it('refuses a previous list without a churn_probability column, or no list at all, naming the file, and writes no list', async () => {
    const previous = join(tmp.dir, 'no-p-previous.csv');
    writeFileSync(previous, 'rank,id,probability\n1,a1,0.5\n');
    const out = join(tmp.dir, 'no-p.csv');
    const e = await runScoringJob({ model, input, out, previous }).then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(InputError);
    expect(e).toMatchObject({ message: expect.stringMatching(/^the previous list cannot be read \(it needs columns id and churn_probability\): .*churn_probability/) as unknown as string, context: { file: previous } });
    expect((e as Error).message).not.toContain('/proc/self/fd');
    expect((e as Error).cause).toBeInstanceOf(Error);
    expect(existsSync(out)).toBe(false);
    // A file that is no list: DuckDB's words, naming the file as given (DuckDB read it by /proc/self/fd/N).
    const junk = join(tmp.dir, 'junk-previous.parquet');
    writeFileSync(junk, 'not a parquet file');
    const j = await runScoringJob({ model, input, out, previous: junk }).then(() => null, (err: unknown) => err);
    expect(j).toMatchObject({ message: `the previous list cannot be read (it needs columns id and churn_probability): Invalid Input Error: No magic bytes found at end of file '${junk}'`, context: { file: junk } });
    expect(existsSync(out)).toBe(false);
  });

  it('hands the list back as an Arrow table in process, on the calling thread', async () => {
    const { list, manifest } = await scoreToArrow({ model, input, workers: 0 });
    expect(manifest.workers).toBe(0);
    expect(list.numRows).toBe(6);
    const id = list.getChild('id');
    const p = list.getChild('churn_probability');
    const tier = list.getChild('risk_tier');
    expect(Array.from({ length: 6 }, (_, i) => [id?.get(i), tier?.get(i)])).toEqual(['a1', 'g7', 'b2', 'c3', 'd4', 'e5'].map((k) => [k, HAND_ROWS[k].tier]));
    expect(p?.get(1)).toBe(0.5);
  });
});

/** Three of the customers, as an input, so their Arrow list can serve as a previous list. */
function previousInput(dir: string): string {
  const lines = readFileSync(join(dir, 'hand-input.csv'), 'utf8').trim().split('\n');
  const file = join(dir, 'previous-input.csv');
  writeFileSync(file, `${[lines[0], lines[1], lines[2], lines[7]].join('\n')}\n`);
  return file;
}
