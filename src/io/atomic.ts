/**
 * Atomic output: everything is written under a temporary name beside its destination and
 * renamed into place at the end, so a crash or an error leaves the previous output or none,
 * never a half-written file that another system might pick up. Temporary names carry the process
 * id and a random part: two processes writing the same output never touch each other's files.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FileSystemError } from '../errors.js';
import { checkFolderOutput, folderMarker, MARKER, type FolderKind } from './output-guard.js';

const TMP = '.tmp-';

/** A temporary sibling path for `target` (same folder, so rename is atomic), unique to this process and call. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `${TMP}${basename(target)}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM'; // alive, another user's
  }
}

/**
 * Removes temporary files of `target` left by processes that no longer run (a killed job). Those
 * of this process and of any live process are left alone: another job may be writing them.
 */
export async function removeStaleTemps(target: string): Promise<void> {
  const dir = dirname(target);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const prefix = `${TMP}${basename(target)}-`;
  const stale = names.filter((n) => {
    if (!n.startsWith(prefix)) return false;
    const m = /^(\d+)-[0-9a-f]{8}(\.|$)/.exec(n.slice(prefix.length));
    return m !== null && !running(Number(m[1])); // this process runs: its own are kept too
  });
  await Promise.all(stale.map((n) => rm(join(dir, n), { recursive: true, force: true })));
}

/**
 * Creates `dir` and any missing parents. Node's own recursive mkdir loops forever where the
 * system answers ENOENT for a folder it will not create (under /proc): this walks up instead.
 */
export async function makeFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EEXIST') return;
    const up = dirname(dir);
    if (code !== 'ENOENT' || up === dir) throw e;
    await makeFolder(up);
    try {
      await mkdir(dir);
    } catch (again) {
      if ((again as { code?: string }).code !== 'EEXIST') throw again;
    }
  }
}

/**
 * Makes the output's folder and checks that a file can be created beside the output, before any
 * work: a folder that cannot be written is one line naming the output, not a failure at the end
 * naming a temporary file.
 */
export async function checkWritable(target: string): Promise<void> {
  const probe = tempPathFor(target);
  try {
    await makeFolder(dirname(target));
    await writeFile(probe, '', { flag: 'wx' });
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw typeof code === 'string' ? new FileSystemError(code, target, { cause: e }) : e;
  }
  await rm(probe, { force: true });
}

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await makeFolder(dirname(target));
  const tmp = tempPathFor(target);
  try {
    await writeFile(tmp, data);
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Moves finished temporary files onto their targets together: either every target gets its new
 * file or (when a rename fails) every target keeps its old one. The old files are kept as hard
 * links until the last rename is done. Only a kill between two renames, microseconds apart, could
 * leave a mix.
 */
export async function replaceFiles(moves: readonly { tmp: string; target: string }[]): Promise<void> {
  const backups: { backup: string; target: string }[] = [];
  const done: string[] = [];
  try {
    for (const { target } of moves) {
      const backup = tempPathFor(target);
      try {
        await link(target, backup);
        backups.push({ backup, target });
      } catch (e) {
        if ((e as { code?: string }).code !== 'ENOENT') throw e;
      }
    }
    try {
      for (const { tmp, target } of moves) {
        await rename(tmp, target);
        done.push(target);
      }
    } catch (e) {
      for (const target of done) {
        const b = backups.find((x) => x.target === target);
        if (b !== undefined) await rename(b.backup, target);
        else await rm(target, { force: true });
      }
      throw e;
    }
  } finally {
    await Promise.all(backups.map((b) => rm(b.backup, { force: true })));
    await Promise.all(moves.map((m) => rm(m.tmp, { force: true })));
  }
}

/**
 * Builds a whole output folder under a temporary name; on success it replaces `target`, on
 * failure the temporary folder is removed and `target` is left as it was. `target` may only be
 * new, empty, or a previous churnscope output of the same kind holding nothing else (checked
 * before the work and again before the swap); the folder gets a marker saying what it is.
 */
export async function withAtomicDir<T>(target: string, kind: FolderKind, build: (dir: string) => Promise<T>): Promise<T> {
  checkFolderOutput(target, kind);
  await checkWritable(target);
  await removeStaleTemps(target);
  const tmp = tempPathFor(target);
  await mkdir(tmp);
  try {
    const result = await build(tmp);
    await writeFile(join(tmp, MARKER), toStableJson(folderMarker(tmp, kind)));
    checkFolderOutput(target, kind); // something may have appeared there while we worked
    const old = `${tmp}.old`;
    let hadOld = false;
    try {
      await rename(target, old);
      hadOld = true;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
    }
    try {
      await rename(tmp, target);
    } catch (e) {
      if (hadOld) await rename(old, target);
      throw e;
    }
    if (hadOld) await rm(old, { recursive: true, force: true });
    return result;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Stable JSON for artifacts: two-space indent and a final newline. */
export function toStableJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Compact JSON for model files, whose tree arrays would be mostly white space when indented. */
export function toCompactJson(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
