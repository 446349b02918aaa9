/**
 * Input paths are literal. DuckDB's readers expand `*`, `?` and `[...]` in a path and read a
 * folder as every file in it, so `tricky[1].csv` would read `tricky1.csv` and a folder would
 * silently combine its files. churnscope opens the very file named (a regular file, or an error
 * naming it) and hands DuckDB that open file through /proc/self/fd/N, a path with no pattern
 * characters, so DuckDB reads, and the manifest hashes, exactly the file that was named.
 * Several files are read only where a command takes several by name (merge --inputs).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { InputError, fileSystemError } from '../errors.js';
import { sqlString } from './duckdb.js';
import { compressionOf, formatOf } from './table-format.js';

export interface InputFile {
  /** The path as the user named it, for messages and manifests. */
  path: string;
  bytes: number;
  /** What DuckDB is given to read: the open file, by a path without pattern characters. */
  duck: string;
  /** sha256 of the bytes of the open file (the one DuckDB reads). */
  sha256(): Promise<string>;
  close(): Promise<void>;
}

const PROC_FD = '/proc/self/fd';
const PATTERN = /[*?[\]{}]/;

/** A path for DuckDB to the open file: /proc/self/fd/N on Linux, else a link in a private folder. */
function duckPath(handle: FileHandle, path: string): { duck: string; cleanup: () => void } {
  if (existsSync(PROC_FD)) return { duck: `${PROC_FD}/${handle.fd}`, cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'churnscope-input-'));
  const link = join(dir, `input${extname(path).replace(PATTERN, '')}`);
  if (PATTERN.test(link)) {
    rmSync(dir, { recursive: true, force: true });
    throw new InputError(`the temporary folder ${dir} has pattern characters in its path, so the input cannot be read literally: set TMPDIR to a plain folder`, { file: path });
  }
  symlinkSync(resolve(path), link);
  return { duck: link, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens `path` for reading as a literal regular file; `what` names it in errors ("the input"). */
async function openInputFile(path: string, what = 'the input'): Promise<InputFile> {
  let s;
  try {
    s = await stat(path);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT' || (e as { code?: string }).code === 'ENOTDIR') {
      const hint = PATTERN.test(path) ? ' (churnscope reads the path literally: * ? [ ] are not patterns)' : '';
      throw new InputError(`${what} does not exist: check the path${hint}`, { file: path });
    }
    throw fileSystemError(e) ?? e;
  }
  if (s.isDirectory()) throw new InputError(`${what} is a folder, not a file: name the file itself (churnscope reads exactly the file named, never every file in a folder)`, { file: path });
  if (!s.isFile()) throw new InputError(`${what} is not a regular file (a device, pipe or socket): name a file on disk`, { file: path });
  if (s.size === 0) throw new InputError(`${what} is empty (0 bytes): expected a header line and data rows`, { file: path });
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw fileSystemError(e) ?? e;
  }
  const { duck, cleanup } = duckPath(handle, path);
  let digest: Promise<string> | null = null;
  return {
    path,
    bytes: s.size,
    duck,
    sha256: () => {
      digest ??= (async () => {
        const hash = createHash('sha256');
        for await (const chunk of handle.createReadStream({ start: 0, autoClose: false })) hash.update(chunk as Buffer);
        return hash.digest('hex');
      })();
      return digest;
    },
    close: async () => {
      await digest?.catch(() => undefined);
      cleanup();
      await handle.close();
    },
  };
}

/** Opens every file, runs `work`, closes them (after `work`, so DuckDB has finished reading). */
export async function withInputFiles<T>(files: readonly { path: string; what: string }[], work: (opened: InputFile[]) => Promise<T>): Promise<T> {
  const opened: InputFile[] = [];
  try {
    for (const f of files) opened.push(await openInputFile(f.path, f.what));
    return await work(opened);
  } finally {
    await Promise.all(opened.map((f) => f.close()));
  }
}

/** DuckDB's first line of an error about `files`, with each file's own name in place of the path DuckDB was given. */
export function duckMessage(e: unknown, files: readonly InputFile[]): string {
  let line = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  for (const f of files) line = line.replaceAll(f.duck, f.path);
  return line;
}

/**
 * The DuckDB table function reading the files (all CSV or all Parquet, by the first's name: see
 * table-format), with `csvOptions` for CSV (e.g. "all_varchar = true, header = true"). Several
 * files are read as one table, columns matched by name. Arrow, which DuckDB cannot read, is
 * opened by io/open-table.
 */
export function duckReader(files: readonly InputFile[], csvOptions = 'header = true'): string {
  const paths = files.length === 1 ? sqlString(files[0].duck) : `[${files.map((f) => sqlString(f.duck)).join(', ')}]`;
  const many = files.length > 1 ? ', union_by_name = true' : '';
  const format = formatOf(files[0].path);
  if (format === 'arrow') throw new Error(`internal: DuckDB has no Arrow reader here (${files[0].path}); open it with openTable`);
  return format === 'parquet'
    ? `read_parquet(${paths}${many})`
    : `read_csv(${paths}, ${csvOptions}, compression = '${compressionOf(files[0].path)}'${many})`;
}
