/**
 * The batch job's list at its exact edges, with hand-written models whose probabilities are known
 * to the bit: a probability exactly at a tier threshold, equal keys ranked by id, a blank revenue,
 * warning signals exactly at their limits, a probability rise exactly at its limit, the survival
 * horizons at a baseline event time. All of it goes through the SQL ranking the job writes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScoringJob, type BatchJobOptions } from '../../src/score/batch-job.js';
import { handCox, handLogistic, probabilityOf, writeModel } from '../helpers/hand-model.js';
import { readListRows } from '../helpers/list-rows.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();

/** The list as rows of named cells, as the job wrote the CSV (an empty text is "", a missing one empty). */
function readList(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = header.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, j) => [names[j], v])));
}

/** The medium threshold is exactly the probability of a score of −1 (computed in the test, where Stryker sees it). */
const medium = (): number => probabilityOf(-1);
const model = (): string => writeModel(join(tmp.dir, 'logistic.json'), handLogistic({
  extra: ['traffic_change', 'call_ratio_change', 'complaints_1m'],
  tiers: { high: 0.5, medium: medium() },
  retention: { early_warning: { probability_rise: 0.125, traffic_drop: 0.3, call_ratio_drop: 0.3, complaints: 1 } },
}));
const input = tmp.write('input.csv', [
  'id,score,revenue,traffic_change,call_ratio_change,complaints_1m,segment',
  'a,0,10,-0.3,0,0,key', // p 0.5: high exactly at the threshold; traffic fell exactly the limit
  'b,-1e-9,10,-0.29999,0,0,consumer', // just under 0.5: medium; traffic just short of the limit
  'c,-1,10,0,-0.3,0,key', // exactly the medium threshold: medium; call ratio fell exactly the limit
  'd,-1.000001,10,0,0,1,consumer', // just under it: low; one complaint
  'e,2,,-0.5,0,2,consumer', // blank revenue: value 0
  'f,0,10,0,0,0,consumer', // the same key as a: ranked after it by id
].join('\n'));

async function list(name: string, options: Partial<BatchJobOptions> = {}): Promise<Record<string, string>[]> {
  const out = join(tmp.dir, name);
  await runScoringJob({ model: model(), input, out, ...options });
  return out.endsWith('.parquet') ? readListRows(out) : readList(out);
}

describe('tiers, value and ranking in the SQL list', () => {
  it('puts a probability exactly at a threshold in the higher tier', async () => {
    const rows = await list('tiers.parquet', { rankBy: 'probability' }); // full precision: the maths to the bit
    expect(rows.map((r) => [r.id, r.risk_tier])).toEqual([['e', 'high'], ['a', 'high'], ['f', 'high'], ['b', 'medium'], ['c', 'medium'], ['d', 'low']]);
    expect(rows.map((r) => Number(r.churn_probability))).toEqual([probabilityOf(2), 0.5, 0.5, probabilityOf(-1e-9), medium(), probabilityOf(-1.000001)]);
    expect(rows.map((r) => r.rank)).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('values 12 months of revenue (a blank revenue at 0) and ranks by value at risk, equal keys by id', async () => {
    const rows = await list('value.parquet');
    expect(rows.map((r) => r.id)).toEqual(['a', 'f', 'b', 'c', 'd', 'e']);
    expect(rows.map((r) => Number(r.value))).toEqual([120, 120, 120, 120, 120, 0]);
    expect(rows.map((r) => Number(r.value_at_risk))).toEqual([60, 60, 120 * probabilityOf(-1e-9), 120 * medium(), 120 * probabilityOf(-1.000001), 0]);
  });

  it('filters by tier, segment and top N after ranking', async () => {
    expect((await list('medium.csv', { tier: 'medium' })).map((r) => [r.rank, r.id])).toEqual([['1', 'b'], ['2', 'c']]);
    expect((await list('low.csv', { tier: 'low' })).map((r) => r.id)).toEqual(['d']);
    expect((await list('key.csv', { segment: 'key' })).map((r) => [r.id, r.segment])).toEqual([['a', 'key'], ['c', 'key']]);
    expect((await list('top.csv', { top: 2 })).map((r) => r.id)).toEqual(['a', 'f']);
  });
});

describe('early warnings at their limits', () => {
  it('flags a traffic or call-ratio drop exactly at the limit and any complaint, with the words', async () => {
    const rows = Object.fromEntries((await list('warn.csv')).map((r) => [r.id, [r.early_warning, r.warning_signals]]));
    expect(rows).toEqual({
      a: ['true', 'traffic fell 30%'],
      b: ['false', '""'],
      c: ['true', 'call ratio fell 30%'],
      d: ['true', '1 new complaint'],
      e: ['true', 'traffic fell 50%; 2 new complaints'],
      f: ['false', '""'],
    });
  });

  it('flags a probability rise exactly at the limit since the previous list, and not one just under it', async () => {
    const previous = tmp.write('previous.csv', 'id,churn_probability\na,0.375\nf,0.376\nd,0\n');
    const rows = Object.fromEntries((await list('rise.csv', { previous })).map((r) => [r.id, [r.early_warning, r.warning_signals]]));
    expect(rows.a).toEqual(['true', 'churn probability rose 13 points since the last run; traffic fell 30%']);
    expect(rows.f).toEqual(['false', '""']);
    expect(rows.d).toEqual(['true', `churn probability rose ${Math.round(probabilityOf(-1.000001) * 100)} points since the last run; 1 new complaint`]);
    expect(rows.b).toEqual(['false', '""']); // not in the previous list
  });
});

describe('survival horizons in the list', () => {
  // H0 at the means: 0.1 at month 1, 0.3 at 2, 0.6 at 4, the longest tenure watched 5; risk 2^score.
  // churn_probability is churn within the label's 1-month window; a window reaching past month 5
  // is moved back to end there.
  const cox = writeModel(join(tmp.dir, 'cox.json'), handCox([1, 2, 4], [0.1, 0.3, 0.6], 5, { revenue: null, retention: { rank_by: 'probability' } }));
  const coxInput = tmp.write('cox-input.csv', ['id,score,tenure', 'new,0,0', 'at_event_time,1,1', 'unknown_tenure,0,', 'later,0,2', 'long,0,10'].join('\n'));

  it('gives 1 − exp(−(H0(a+h) − H0(a))·risk) from the current tenure a, a blank tenure imputed (median 0)', async () => {
    const out = join(tmp.dir, 'cox.parquet');
    await runScoringJob({ model: cox, input: coxInput, out });
    const list = await readListRows(out);
    const rows = Object.fromEntries(list.map((r) => [r.id, [r.p_churn_3m, r.p_churn_6m, r.p_churn_12m, r.churn_probability].map(Number)]));
    const p = (h: number): number => 1 - Math.exp(-h);
    // 3 months from 0: H0(3); 6 and 12 months reach past 5, so they read 0..5: H0(5) = 0.6.
    expect(rows.new).toEqual([p(0.3), p(0.6), p(0.6), p(0.1)]);
    // From month 1, at an event time (its jump is already behind): H0(4) − H0(1) = 0.5, doubled.
    expect(rows.at_event_time).toEqual([p(0.5 * 2), p(0.6 * 2), p(0.6 * 2), p(0.2 * 2)]);
    expect(rows.unknown_tenure).toEqual(rows.new);
    expect(rows.later).toEqual([p(0.6 - 0.3), p(0.6), p(0.6), 0]);
    // From month 10, every window is moved back to end at 5.
    expect(rows.long).toEqual([p(0.6 - 0.3), p(0.6), p(0.6), 0]);
    expect(list.map((r) => r.id)).toEqual(['at_event_time', 'new', 'unknown_tenure', 'later', 'long']);
  });
});

describe('reasons in the list', () => {
  it('say the tenure in the unit its column counts', async () => {
    const saved = handLogistic({ revenue: null, retention: { rank_by: 'probability' } });
    saved.encoder.roles = { tenure: 'score' }; // the log-odds is the tenure itself
    saved.encoder.tenure_unit = 'days';
    const out = join(tmp.dir, 'days.csv');
    await runScoringJob({ model: writeModel(join(tmp.dir, 'days.json'), saved), input: tmp.write('days-input.csv', 'id,score\nx,136\ny,1\n'), out });
    expect(readList(out).map((r) => [r.id, r.reason_1])).toEqual([['x', '136 days on the network'], ['y', '1 day on the network']]);
  });
});
