/**
 * What churnscope never does (the README's section of that name): it never deletes what it did
 * not write, never reads a file other than the one named, never half-writes an output. Each test
 * snapshots the files around a careless command and checks that only the output changed.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatePanel } from '../../src/generate/operator.js';
import { removeStaleTemps, replaceFiles, tempPathFor, withAtomicDir } from '../../src/io/atomic.js';
import { MARKER } from '../../src/io/output-guard.js';
import { runScoringJob } from '../../src/score/batch-job.js';
import { runCli } from '../helpers/cli.js';
import { trainTelcoLogistic } from '../helpers/telco-model.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const at = (...p: string[]): string => join(tmp.dir, ...p);
const TELCO = resolve('data/ibm-telco-churn.csv');
const telco = readFileSync(TELCO, 'utf8').trimEnd().split('\n');
const model = at('run', 'models', 'logistic.json');

/** sha256 of every file under `root`, by relative path. */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    const abs = join(root, rel);
    if (lstatSync(abs).isDirectory()) for (const n of readdirSync(abs)) walk(rel === '' ? n : join(rel, n));
    else out[rel] = createHash('sha256').update(readFileSync(abs)).digest('hex');
  };
  walk('');
  return out;
}

function userFolder(name: string): string {
  mkdirSync(at(name), { recursive: true });
  writeFileSync(at(name, 'notes.txt'), 'my own notes\n');
  return at(name);
}

beforeAll(async () => {
  await trainTelcoLogistic(TELCO, at('run'));
  writeFileSync(at('telco.csv'), readFileSync(TELCO));
  writeFileSync(at('telco.json'), JSON.stringify({ source: 'telco.csv', id: 'customerID', target: { column: 'Churn', churned: 'Yes' }, roles: { revenue: 'MonthlyCharges' }, models: ['logistic'] }));
});

describe('never deletes what it did not write', () => {
  it('train --out refuses a folder it did not write, the current folder, and its own inputs', async () => {
    const notes = userFolder('notes');
    const before = tree(tmp.dir);
    for (const out of [notes, at('telco.csv'), at('telco.json'), tmp.dir]) {
      const { code, stderr } = await runCli('train', '--config', at('telco.json'), '--out', out);
      expect(code).toBe(2);
      expect(stderr).toContain(out);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
    expect(tree(tmp.dir)).toEqual(before);
    const { stderr } = await runCli('train', '--config', at('telco.json'), '--out', notes);
    expect(stderr).toBe(`churnscope: usage error (file ${notes}): the output folder ${notes} exists and churnscope did not write it (it has no ${MARKER}); churnscope only replaces its own outputs: choose another path, or move it away yourself\n`);
  });

  it('train replaces its own run folder, but not one where a user has put a file', async () => {
    const run = at('run2');
    expect((await runCli('train', '--config', at('telco.json'), '--out', run)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(run, MARKER), 'utf8'))).toMatchObject({ format: 'churnscope-output', kind: 'run' });
    expect((await runCli('train', '--config', at('telco.json'), '--out', run)).code).toBe(0);
    writeFileSync(join(run, 'mine.txt'), 'keep me');
    const { code, stderr } = await runCli('train', '--config', at('telco.json'), '--out', run);
    expect(code).toBe(2);
    expect(stderr).toContain('holds files churnscope did not write (mine.txt)');
    expect(readFileSync(join(run, 'mine.txt'), 'utf8')).toBe('keep me');
    // A report folder is not a run folder either.
    const { code: c2, stdout: s2 } = await runCli('report', '--run', at('run2'), '--out', at('rep'));
    expect(c2).toBe(0);
    const { stderr: s3 } = await runCli('train', '--config', at('telco.json'), '--out', at('rep'));
    expect(s2).toContain('report written');
    expect(s3).toContain('is a report folder (churnscope report), not a run folder (churnscope train)');
  });

  it('report --out refuses the run it reads and any folder inside it', async () => {
    const before = tree(at('run'));
    for (const out of [at('run'), at('run', 'report')]) {
      const { code, stderr } = await runCli('report', '--run', at('run'), '--out', out);
      expect(code).toBe(2);
      expect(stderr).toContain('the run folder this command reads');
    }
    expect(tree(at('run'))).toEqual(before);
  });

  it('score refuses to write over its input, its model, its previous list or a file of the user', async () => {
    writeFileSync(at('mine.csv'), 'a,b\n1,2\n');
    await runScoringJob({ model, input: TELCO, out: at('prev.csv') });
    const before = tree(tmp.dir);
    const cases: [string[], RegExp][] = [
      [['--input', at('telco.csv'), '--out', at('telco.csv')], /is the input this command reads/],
      [['--input', at('telco.csv'), '--out', at('telco.csv.manifest.json')], /cannot tell the table format|is not a retention list/],
      [['--input', at('telco.csv'), '--previous', at('prev.csv'), '--out', at('prev.csv')], /is the previous list this command reads/],
      [['--input', at('telco.csv'), '--out', at('mine.csv')], /exists and is not a retention list churnscope wrote/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await runCli('score', '--model', model, ...args);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
    }
    expect(tree(tmp.dir)).toEqual(before);
  });

  it('generate refuses a folder it did not write and replaces its own panel whole', async () => {
    const notes = userFolder('gen-notes');
    await expect(generatePanel({ customers: 20, months: 3, seed: 1, out: notes })).rejects.toThrow(/churnscope did not write it/);
    expect(readdirSync(notes)).toEqual(['notes.txt']);
    const panel = at('panel');
    await generatePanel({ customers: 20, months: 3, seed: 1, out: panel });
    const first = tree(panel);
    expect(Object.keys(first).sort()).toEqual([MARKER, 'complaints.csv', 'customers.csv', 'drivers.json', 'panel.config.json', 'usage_monthly.csv']);
    await generatePanel({ customers: 20, months: 3, seed: 1, out: panel });
    expect(tree(panel)).toEqual(first); // seeded: the same bytes
  });

  it('two jobs writing the same list do not remove each other\'s temporary files; a dead job\'s are cleaned', async () => {
    const target = at('shared.csv');
    const mine = tempPathFor(target);
    expect(mine).toMatch(new RegExp(`\\.tmp-shared\\.csv-${process.pid}-[0-9a-f]{8}$`));
    const live = at(`.tmp-shared.csv-${process.ppid}-0123abcd`); // a running process (our parent)
    const dead = at('.tmp-shared.csv-999999999-0123abcd'); // no such process
    for (const f of [mine, live, dead]) writeFileSync(f, 'partial');
    await removeStaleTemps(target);
    expect([existsSync(mine), existsSync(live), existsSync(dead)]).toEqual([true, true, false]);
  });
});

describe('never half-writes an output', () => {
  it('a failing build leaves the previous folder as it was', async () => {
    const out = at('atomic');
    await withAtomicDir(out, 'report', async (dir) => writeFileSync(join(dir, 'a.txt'), 'first'));
    await expect(withAtomicDir(out, 'report', async (dir) => {
      writeFileSync(join(dir, 'a.txt'), 'second');
      throw new Error('killed midway');
    })).rejects.toThrow('killed midway');
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('first');
    expect(readdirSync(tmp.dir).filter((n) => n.startsWith('.tmp-atomic'))).toEqual([]);
  });

  it('a list and its manifest are replaced together or not at all', async () => {
    writeFileSync(at('pair.csv'), 'old list');
    writeFileSync(at('pair.csv.manifest.json'), 'old manifest');
    writeFileSync(at('new-list'), 'new list');
    // The manifest's rename fails (its temporary file is missing): the list goes back.
    await expect(replaceFiles([{ tmp: at('new-list'), target: at('pair.csv') }, { tmp: at('no-such-file'), target: at('pair.csv.manifest.json') }])).rejects.toThrow();
    expect(readFileSync(at('pair.csv'), 'utf8')).toBe('old list');
    expect(readFileSync(at('pair.csv.manifest.json'), 'utf8')).toBe('old manifest');
  });

  it('score with a failing input keeps the previous list and manifest, byte for byte', async () => {
    const out = at('kept.csv');
    await runScoringJob({ model, input: TELCO, out });
    const before = tree(tmp.dir);
    mkdirSync(at('prevdir'), { recursive: true });
    writeFileSync(at('prevdir', 'list.csv'), readFileSync(out));
    const bad = at('dup.csv');
    writeFileSync(bad, `${[telco[0], telco[1], telco[1]].join('\n')}\n`);
    await expect(runScoringJob({ model, input: bad, out, allowDrift: true })).rejects.toThrow(/appears 2 times/);
    await expect(runScoringJob({ model, input: TELCO, out, previous: at('prevdir') })).rejects.toThrow(/the previous list is a folder/);
    await expect(runScoringJob({ model, input: TELCO, out, onBatch: () => { throw new Error('killed midway'); } })).rejects.toThrow('killed midway');
    const after = tree(tmp.dir);
    for (const f of ['kept.csv', 'kept.csv.manifest.json']) expect(after[f]).toBe(before[f]);
  });
});

describe('never reads a file you did not name', () => {
  it('tricky[1].csv is read as that file, not as tricky1.csv, and the manifest hashes it', async () => {
    const dir = at('tricky');
    mkdirSync(dir);
    writeFileSync(join(dir, 'tricky[1].csv'), `${telco.slice(0, 101).join('\n')}\n`);
    writeFileSync(join(dir, 'tricky1.csv'), `${[telco[0], ...telco.slice(101, 151)].join('\n')}\n`);
    const m = await runScoringJob({ model, input: join(dir, 'tricky[1].csv'), out: join(dir, 'list.csv'), allowDrift: true });
    expect(m.rows.read).toBe(100);
    expect(m.input.sha256).toBe(createHash('sha256').update(readFileSync(join(dir, 'tricky[1].csv'))).digest('hex'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ source: 'tricky[1].csv', id: 'customerID', target: { column: 'Churn', churned: 'Yes' }, models: ['logistic'] }));
    expect((await runCli('train', '--config', join(dir, 'c.json'), '--out', join(dir, 'run'))).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'run', 'evaluation.json'), 'utf8')).dataset.rows).toBe(100);
  });

  it('a pattern or a folder is not a file', async () => {
    for (const [input, message] of [[at('tricky', '*.csv'), 'the input does not exist: check the path (churnscope reads the path literally: * ? [ ] are not patterns)'], [at('tricky'), 'the input is a folder, not a file']]) {
      const { code, stderr } = await runCli('score', '--model', model, '--input', input, '--out', at('never.csv'));
      expect(code).toBe(1);
      expect(stderr).toContain(message);
    }
    expect(existsSync(at('never.csv'))).toBe(false);
  });
});

describe('merge checks its shards against their manifests', () => {
  const shard = (i: number, n: number, m = model): Promise<unknown> => runScoringJob({ model: m, input: TELCO, out: at(`s${i}of${n}${m === model ? '' : '-rf'}.csv`), shard: { index: i, count: n } });
  beforeAll(async () => {
    cpSync(at('run'), at('run-b'), { recursive: true });
    const other = JSON.parse(readFileSync(at('run-b', 'models', 'logistic.json'), 'utf8'));
    other.metrics.auc = 0.5; // another model file: another sha256
    writeFileSync(at('run-b', 'models', 'other.json'), JSON.stringify(other));
    await Promise.all([shard(0, 2), shard(1, 2), shard(1, 2, at('run-b', 'models', 'other.json')), shard(0, 3)]);
  });
  const merge = (...inputs: string[]): Promise<{ code: number; stderr: string }> => runCli('merge', '--inputs', ...inputs.map((f) => at(f)), '--out', at('merged.csv'));

  it('refuses lists of two models, a missing shard, a shard twice, mixed counts, a list without a manifest', async () => {
    expect((await merge('s0of2.csv', 's1of2-rf.csv')).stderr).toMatch(/the lists come from different models: .* has model logistic \(logistic, sha256 [0-9a-f]{12}\), .* has model logistic \(logistic, sha256 [0-9a-f]{12}\)/);
    expect((await merge('s0of2.csv')).stderr).toContain('shard 1/2 is missing: merge needs all 2 shards of the run');
    expect((await merge('s0of2.csv', 's0of2.csv')).stderr).toMatch(/is the shard list|shard 0\/2 is given twice/);
    expect((await merge('s0of2.csv', 's0of3.csv')).stderr).toContain('the lists come from different shard counts');
    writeFileSync(at('bare.csv'), readFileSync(at('s1of2.csv')));
    expect((await merge('s0of2.csv', 'bare.csv')).stderr).toContain('the list has no readable manifest beside it');
    expect(existsSync(at('merged.csv'))).toBe(false);
  });

  it('merges a complete set and records it', async () => {
    const { code } = await merge('s1of2.csv', 's0of2.csv');
    expect(code).toBe(0);
    const m = JSON.parse(readFileSync(at('merged.csv.manifest.json'), 'utf8'));
    expect(m).toMatchObject({ format: 'churnscope-merge-manifest', shards: { count: 2 }, rows: { listed: 7043 } });
    expect(m.shards.lists.map((l: { shard: number }) => l.shard)).toEqual([1, 0]);
  });
});
