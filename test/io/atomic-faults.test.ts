/**
 * Fault injection on every atomic writer: the write or the rename into place fails (a full disk,
 * a permission lost midway), and the previous output survives whole, with no temporary file left.
 * The file system calls are wrapped so a test can make the next write or rename to a path fail.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkWritable, makeFolder, removeStaleTemps, replaceFiles, tempPathFor, toCompactJson, toStableJson, withAtomicDir, writeFileAtomic } from '../../src/io/atomic.js';
import { FileSystemError } from '../../src/errors.js';
import { MARKER } from '../../src/io/output-guard.js';
import { writeTable, type OutColumn } from '../../src/io/table-writer.js';
import { runScoringJob } from '../../src/score/batch-job.js';
import { mergeLists } from '../../src/score/list/merge.js';
import { handLogistic, writeModel } from '../helpers/hand-model.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Which calls fail: a test sets a predicate on the path (for rename, the destination), or for
 * mkdir and link the error code to answer (undefined: the real call); `listed` adds names readdir
 * reports though they are gone (another cleaner removed them meanwhile).
 */
const faults = vi.hoisted(() => ({
  write: null as ((path: string) => boolean) | null,
  rename: null as ((to: string) => boolean) | null,
  mkdir: null as ((path: string) => string | undefined) | null,
  link: null as ((existing: string) => string | undefined) | null,
  listed: [] as string[],
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const fail = (call: string, path: string, code = 'ENOSPC'): never => {
    throw Object.assign(new Error(`${code}: ${call} '${path}'`), { code });
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
    mkdir: (async (path: string, ...rest: unknown[]) => {
      const code = faults.mkdir?.(String(path));
      if (code !== undefined) fail('mkdir', String(path), code);
      return (real.mkdir as (...a: unknown[]) => Promise<unknown>)(path, ...rest);
    }) as typeof real.mkdir,
    link: (async (existing: string, to: string) => {
      const code = faults.link?.(String(existing));
      if (code !== undefined) fail('link', String(existing), code);
      return real.link(existing, to);
    }) as typeof real.link,
    readdir: (async (path: string, ...rest: unknown[]) => {
      const names = await (real.readdir as (...a: unknown[]) => Promise<string[]>)(path, ...rest);
      return [...names, ...faults.listed];
    }) as typeof real.readdir,
  };
});

afterEach(() => {
  faults.write = null;
  faults.rename = null;
  faults.mkdir = null;
  faults.link = null;
  faults.listed = [];
  vi.restoreAllMocks();
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
  const others = ['file', 'new', 'run', 'lists', 'model.json', 'input.csv', 'stale', 'together', 'other-user', 'folders', 'linkless'];

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
  it('a first build whose rename into place fails: the rename\'s error, no folder, no temporary', async () => {
    const fresh = join(tmp.dir, 'folders', 'fresh');
    faults.rename = once(fresh);
    await expect(withAtomicDir(fresh, 'run', build('one'))).rejects.toThrow('ENOSPC');
    expect(existsSync(fresh)).toBe(false);
    expect(readdirSync(join(tmp.dir, 'folders'))).toEqual([]);
  });

  it('moving the previous folder aside fails: it stays in place, whole, and the error is thrown', async () => {
    const kept = join(tmp.dir, 'folders', 'kept');
    await withAtomicDir(kept, 'run', build('old'));
    faults.rename = (to) => to.endsWith('.old');
    await expect(withAtomicDir(kept, 'run', build('new'))).rejects.toThrow('ENOSPC');
    expect(readFileSync(join(kept, 'models', 'm.json'), 'utf8')).toBe('old');
    expect(readdirSync(join(tmp.dir, 'folders'))).toEqual(['kept']);
  });
});

describe('makeFolder and checkWritable', () => {
  it('a folder another process makes between our two tries is made; any other second failure is thrown', async () => {
    const dir = join(tmp.dir, 'folders', 'race', 'leaf');
    let tries = 0;
    faults.mkdir = (p) => (p === dir ? ['ENOENT', 'EEXIST'][tries++] : undefined);
    await makeFolder(dir); // ENOENT (the parent was missing), the parent made, then EEXIST: done
    expect(tries).toBe(2);
    tries = 0;
    faults.mkdir = (p) => (p === dir ? ['ENOENT', 'EACCES'][tries++] : undefined);
    await expect(makeFolder(dir)).rejects.toMatchObject({ code: 'EACCES' });
  });

  it('checkWritable makes the folder and leaves it empty; a folder that refuses files is one error naming the output', async () => {
    const target = join(tmp.dir, 'folders', 'probe', 'deep', 'list.csv');
    await checkWritable(target);
    expect(readdirSync(join(tmp.dir, 'folders', 'probe', 'deep'))).toEqual([]);
    faults.write = isTemp;
    const refused = await checkWritable(target).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(FileSystemError);
    expect(refused).toMatchObject({ errno: 'ENOSPC', context: { file: target } });
    expect(readdirSync(join(tmp.dir, 'folders', 'probe', 'deep'))).toEqual([]);
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

  it('merge: a failing manifest write, list rename or manifest rename leaves the previous merged list', async () => {
    const shards = [0, 1].map((k) => join(dir, `shard-${k}.csv`));
    for (let k = 0; k < 2; k++) await runScoringJob({ model, input, out: shards[k], shard: { index: k, count: 2 } });
    const out = join(dir, 'merged.csv');
    await mergeLists(shards, out);
    const before = readFileSync(out, 'utf8');
    expect(before.trim().split('\n').map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['rank,id', '1,d', '2,c', '3,b', '4,a']);
    // The manifest's write fails after the list's temporary is written: only merge's own cleanup removes it.
    for (const fault of [() => { faults.write = (p: string) => isTemp(p) && p.includes('.manifest.json'); }, () => { faults.rename = once(out); }, () => { faults.rename = once(`${out}.manifest.json`); }]) {
      fault();
      await expect(mergeLists([shards[1], shards[0]], out)).rejects.toThrow('ENOSPC');
      faults.write = null;
      faults.rename = null;
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

  it('removes the temporaries of a target left by dead processes only, folders whole', async () => {
    const dir = join(tmp.dir, 'stale');
    mkdirSync(dir);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid ?? 0; // a process that has exited
    const names = [
      `.tmp-list.csv-${dead}-deadbeef`, `.tmp-list.csv-${dead}-deadbeef.scratch`, // a killed run's: removed
      `.tmp-list.csv-${process.pid}-0123abcd`, // this process's own: kept
      `.tmp-list.csv-1-0123abcd`, // a live process's: kept
      `.tmp-other.csv-${dead}-deadbeef`, `.tmp-list.tsv-${dead}-deadbeef`, // another output's: kept
      `.tmp-list.csv-x${dead}-deadbeef`, '.tmp-list.csv-notapid', 'list.csv', // not a temporary's name: kept
    ];
    for (const n of names) writeFileSync(join(dir, n), 'x');
    // A killed withAtomicDir leaves folders (its build and the previous output moved aside).
    for (const n of [`.tmp-list.csv-${dead}-cafebabe`, `.tmp-list.csv-${dead}-cafebabe.old`]) {
      mkdirSync(join(dir, n, 'models'), { recursive: true });
      writeFileSync(join(dir, n, 'models', 'm.json'), '{}');
    }
    faults.listed = [`.tmp-list.csv-${dead}-0badf00d`]; // listed, then removed by another cleaner first
    await removeStaleTemps(join(dir, 'list.csv'));
    faults.listed = [];
    expect(readdirSync(dir).sort()).toEqual(names.slice(2).sort());
    await removeStaleTemps(join(tmp.dir, 'no-such-folder', 'x.csv')); // nothing to read: nothing done
  });

  it('keeps the temporaries of a live process of another user (kill answers EPERM)', async () => {
    const dir = join(tmp.dir, 'other-user');
    mkdirSync(dir);
    const pid = spawnSync(process.execPath, ['-e', '0']).pid ?? 0; // exited here; "alive elsewhere" below
    const name = `.tmp-list.csv-${pid}-deadbeef`;
    writeFileSync(join(dir, name), 'x');
    const kill = process.kill.bind(process);
    vi.spyOn(process, 'kill').mockImplementation((p: number, signal?: string | number) => {
      if (p === pid) throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
      return kill(p, signal);
    });
    await removeStaleTemps(join(dir, 'list.csv'));
    expect(readdirSync(dir)).toEqual([name]);
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

  it('a previous file that cannot be kept aside (link fails) stops the swap before any rename', async () => {
    const dir = join(tmp.dir, 'linkless');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.csv'), 'old a');
    const moves = ['a.csv', 'a.csv.manifest.json'].map((n) => ({ tmp: tempPathFor(join(dir, n)), target: join(dir, n) }));
    moves.forEach((m) => writeFileSync(m.tmp, 'new'));
    faults.link = (existing) => (existing === join(dir, 'a.csv') ? 'EPERM' : undefined);
    await expect(replaceFiles(moves)).rejects.toMatchObject({ code: 'EPERM' });
    expect(readdirSync(dir)).toEqual(['a.csv']);
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe('old a');
  });
});
