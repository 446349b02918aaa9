/**
 * Fault injection on every atomic writer: the write or the rename into place fails (a full disk,
 * a permission lost midway), and the previous output survives whole, with no temporary file left.
 * The file system calls are wrapped so a test can make the next write or rename to a path fail.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { removeStaleTemps, replaceFiles, tempPathFor, toCompactJson, toStableJson, withAtomicDir, writeFileAtomic } from '../../src/io/atomic.js';
import { MARKER } from '../../src/io/output-guard.js';
import { writeTable, type OutColumn } from '../../src/io/table-writer.js';
import { runScoringJob } from '../../src/score/batch-job.js';
import { mergeLists } from '../../src/score/list/merge.js';
import { handLogistic, writeModel } from '../helpers/hand-model.js';
import { tempDir } from '../helpers/tmp.js';

/** Which calls fail: a test sets a predicate on the path (for rename, the destination). */
const faults = vi.hoisted(() => ({
  write: null as ((path: string) => boolean) | null,
  rename: null as ((to: string) => boolean) | null,
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const fail = (call: string, path: string): never => {
    throw Object.assign(new Error(`ENOSPC: no space left on device, ${call} '${path}'`), { code: 'ENOSPC' });
  };
  return {
    ...real,
    writeFile: (async (path: string, ...rest: unknown[]) => {
      if (faults.write?.(String(path)) === true) fail('write', String(path));
      return (real.writeFile as (...a: unknown[]) => Promise<void>)(path, ...rest);
    }) as typeof real.writeFile,
    rename: (async (from: string, to: string) => {
      if (faults.rename?.(String(to)) === true) fail('rename', String(to));
      return real.rename(from, to);
    }) as typeof real.rename,
  };
});

afterEach(() => {
  faults.write = null;
  faults.rename = null;
});

const tmp = tempDir();
/** Files in `dir` other than the ones named: temporaries a failed write left behind. */
const leftovers = (dir: string, keep: readonly string[]): string[] => readdirSync(dir).filter((f) => !keep.includes(f));
const isTemp = (path: string): boolean => path.includes('.tmp-');
/** A predicate true for the first call on `target` only (the fault, not every later call). */
function once(target: string): (path: string) => boolean {
  let armed = true;
  return (path) => {
    if (!armed || path !== target) return false;
    armed = false;
    return true;
  };
}

describe('writeFileAtomic', () => {
  const dir = join(tmp.dir, 'file');
  const target = join(dir, 'evaluation.json');

  it('writes through a temporary sibling and renames it into place', async () => {
    const written: string[] = [];
    faults.write = (p) => { written.push(p); return false; };
    await writeFileAtomic(target, 'first\n');
    expect(readFileSync(target, 'utf8')).toBe('first\n');
    expect(written).toHaveLength(1);
    expect(written[0]).not.toBe(target);
    expect(written[0].startsWith(join(dir, '.tmp-evaluation.json-'))).toBe(true);
    expect(leftovers(dir, ['evaluation.json'])).toEqual([]);
  });

  it('a failing write leaves the previous file and no temporary', async () => {
    faults.write = () => true;
    await expect(writeFileAtomic(target, 'second\n')).rejects.toThrow('ENOSPC');
    expect(readFileSync(target, 'utf8')).toBe('first\n');
    expect(leftovers(dir, ['evaluation.json'])).toEqual([]);
  });

  it('a failing rename leaves the previous file and no temporary', async () => {
    faults.rename = (to) => to === target;
    await expect(writeFileAtomic(target, 'second\n')).rejects.toThrow('ENOSPC');
    expect(readFileSync(target, 'utf8')).toBe('first\n');
    expect(leftovers(dir, ['evaluation.json'])).toEqual([]);
  });

  it('creates the folder it writes into', async () => {
    await writeFileAtomic(join(tmp.dir, 'new', 'deep', 'x.json'), toStableJson({ a: 1 }));
    expect(readFileSync(join(tmp.dir, 'new', 'deep', 'x.json'), 'utf8')).toBe('{\n  "a": 1\n}\n');
    expect(toCompactJson({ a: [1, 2] })).toBe('{"a":[1,2]}\n');
  });
});

describe('withAtomicDir', () => {
  const target = join(tmp.dir, 'run');
  const build = (text: string) => async (dir: string): Promise<string> => {
    await writeFileAtomic(join(dir, 'models', 'm.json'), text);
    return text;
  };
  const model = (): string => readFileSync(join(target, 'models', 'm.json'), 'utf8');
  const others = ['file', 'new', 'run', 'lists', 'model.json', 'input.csv', 'stale', 'together'];

  it('replaces the whole folder on success, with its marker', async () => {
    await withAtomicDir(target, 'run', build('one'));
    expect(await withAtomicDir(target, 'run', build('two'))).toBe('two');
    expect(model()).toBe('two');
    expect(JSON.parse(readFileSync(join(target, MARKER), 'utf8'))).toMatchObject({ kind: 'run', files: ['models/m.json'] });
    expect(leftovers(tmp.dir, others)).toEqual([]);
  });

  it('a build that fails midway leaves the previous folder and no temporary', async () => {
    await expect(withAtomicDir(target, 'run', async (dir) => {
      await build('three')(dir);
      throw new Error('the forest did not converge');
    })).rejects.toThrow('the forest did not converge');
    expect(model()).toBe('two');
    expect(leftovers(tmp.dir, others)).toEqual([]);
  });

  it('a failing write inside, of the marker, or a failing rename into place, leaves the previous folder', async () => {
    faults.write = (p) => p.endsWith('m.json') || isTemp(p);
    await expect(withAtomicDir(target, 'run', build('four'))).rejects.toThrow('ENOSPC');
    faults.write = (p) => p.endsWith(MARKER);
    await expect(withAtomicDir(target, 'run', build('five'))).rejects.toThrow('ENOSPC');
    faults.write = null;
    faults.rename = once(target); // the new folder cannot go in: the previous one goes back
    await expect(withAtomicDir(target, 'run', build('six'))).rejects.toThrow('ENOSPC');
    expect(model()).toBe('two');
    expect(leftovers(tmp.dir, others)).toEqual([]);
  });
});

describe('the list writers', () => {
  const dir = join(tmp.dir, 'lists');
  mkdirSync(dir, { recursive: true });
  const columns = (id: string): OutColumn[] => [{ name: 'id', type: 'text', values: [id] }, { name: 'p', type: 'double', values: Float64Array.from([0.5]) }];

  for (const format of ['csv', 'parquet', 'arrow'] as const) {
    it(`writeTable (${format}): a failing write or rename leaves the previous list`, async () => {
      const target = join(dir, `table.${format}`);
      await writeTable(target, columns('old'));
      const before = readFileSync(target);
      faults.write = isTemp;
      await expect(writeTable(target, columns('new'))).rejects.toThrow('ENOSPC');
      faults.write = null;
      faults.rename = (to) => to === target;
      await expect(writeTable(target, columns('new'))).rejects.toThrow('ENOSPC');
      expect(readFileSync(target).equals(before)).toBe(true);
      expect(readdirSync(dir).filter(isTemp)).toEqual([]);
    });
  }

  const model = writeModel(join(tmp.dir, 'model.json'), handLogistic({ revenue: null, retention: { rank_by: 'probability' } }));
  const input = tmp.write('input.csv', 'id,score\na,1\nb,2\nc,3\nd,4\n');

  it('the batch job: a failing manifest write, list rename or manifest rename leaves the previous list and manifest', async () => {
    const out = join(dir, 'list.csv');
    const manifestPath = `${out}.manifest.json`;
    await runScoringJob({ model, input, out });
    const list = readFileSync(out, 'utf8');
    const manifest = readFileSync(manifestPath, 'utf8');
    for (const fault of [() => { faults.write = (p: string) => isTemp(p) && p.includes('.manifest.json'); }, () => { faults.rename = once(out); }, () => { faults.rename = once(manifestPath); }]) {
      fault();
      await expect(runScoringJob({ model, input, out, rankBy: 'probability', top: 1 })).rejects.toThrow('ENOSPC');
      faults.write = null;
      faults.rename = null;
      expect(readFileSync(out, 'utf8')).toBe(list);
      expect(readFileSync(manifestPath, 'utf8')).toBe(manifest);
      expect(readdirSync(dir).filter(isTemp)).toEqual([]);
    }
    await runScoringJob({ model, input, out, top: 1 });
    expect(readFileSync(out, 'utf8')).not.toBe(list);
  });

  it('merge: a failing rename of the list or its manifest leaves the previous merged list', async () => {
    const shards = [0, 1].map((k) => join(dir, `shard-${k}.csv`));
    for (let k = 0; k < 2; k++) await runScoringJob({ model, input, out: shards[k], shard: { index: k, count: 2 } });
    const out = join(dir, 'merged.csv');
    await mergeLists(shards, out);
    const before = readFileSync(out, 'utf8');
    expect(before.trim().split('\n').map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['rank,id', '1,d', '2,c', '3,b', '4,a']);
    for (const target of [out, `${out}.manifest.json`]) {
      faults.rename = once(target);
      await expect(mergeLists([shards[1], shards[0]], out)).rejects.toThrow('ENOSPC');
      expect(readFileSync(out, 'utf8')).toBe(before);
      expect(readdirSync(dir).filter(isTemp)).toEqual([]);
    }
  });
});

describe('temporary names and stale temporaries', () => {
  it('names a temporary beside its target, unique to this process and call', () => {
    const a = tempPathFor('/data/out/list.csv');
    expect(a).toMatch(new RegExp(`^/data/out/\\.tmp-list\\.csv-${process.pid}-[0-9a-f]{8}$`));
    expect(tempPathFor('/data/out/list.csv')).not.toBe(a);
  });

  it('removes the temporaries of a target left by dead processes only', async () => {
    const dir = join(tmp.dir, 'stale');
    mkdirSync(dir);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid ?? 0; // a process that has exited
    const names = [
      `.tmp-list.csv-${dead}-deadbeef`, `.tmp-list.csv-${dead}-deadbeef.scratch`, // a killed run's: removed
      `.tmp-list.csv-${process.pid}-0123abcd`, // this process's own: kept
      `.tmp-list.csv-1-0123abcd`, // a live process's: kept
      `.tmp-other.csv-${dead}-deadbeef`, // another output's: kept
      '.tmp-list.csv-notapid', 'list.csv',
    ];
    for (const n of names) writeFileSync(join(dir, n), 'x');
    await removeStaleTemps(join(dir, 'list.csv'));
    expect(readdirSync(dir).sort()).toEqual(names.slice(2).sort());
    await removeStaleTemps(join(tmp.dir, 'no-such-folder', 'x.csv')); // nothing to read: nothing done
  });

  it('replaces several files together, creating those that were not there', async () => {
    const dir = join(tmp.dir, 'together');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.csv'), 'old a');
    const moves = ['a.csv', 'a.csv.manifest.json'].map((n) => ({ tmp: tempPathFor(join(dir, n)), target: join(dir, n) }));
    moves.forEach((m, k) => writeFileSync(m.tmp, `new ${k}`));
    await replaceFiles(moves);
    expect([readFileSync(join(dir, 'a.csv'), 'utf8'), readFileSync(join(dir, 'a.csv.manifest.json'), 'utf8')]).toEqual(['new 0', 'new 1']);
    expect(readdirSync(dir).sort()).toEqual(['a.csv', 'a.csv.manifest.json']);
    // The second rename fails: the first target gets its old file back, the new one that had none is removed.
    const again = ['a.csv', 'b.json'].map((n) => ({ tmp: tempPathFor(join(dir, n)), target: join(dir, n) }));
    again.forEach((m) => writeFileSync(m.tmp, 'newer'));
    faults.rename = once(join(dir, 'b.json'));
    await expect(replaceFiles(again)).rejects.toThrow('ENOSPC');
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe('new 0');
    expect(existsSync(join(dir, 'b.json'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['a.csv', 'a.csv.manifest.json']);
    // A file that had no predecessor, renamed in before a later rename fails, is taken out again.
    const fresh = ['c.json', 'a.csv'].map((n) => ({ tmp: tempPathFor(join(dir, n)), target: join(dir, n) }));
    fresh.forEach((m) => writeFileSync(m.tmp, 'newest'));
    faults.rename = once(join(dir, 'a.csv'));
    await expect(replaceFiles(fresh)).rejects.toThrow('ENOSPC');
    expect(readdirSync(dir).sort()).toEqual(['a.csv', 'a.csv.manifest.json']);
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe('new 0');
  });
});
