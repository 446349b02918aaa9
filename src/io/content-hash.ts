/**
 * A file's or a folder's content as one sha256: a folder hashes the sorted list of its files'
 * relative paths and hashes, so the same files give the same hash wherever the folder sits.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

export interface ContentHash {
  kind: 'file' | 'folder';
  sha256: string;
  bytes: number;
}

async function fileHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/** The content hash of `path`, or null when nothing is there. */
export async function contentHash(path: string): Promise<ContentHash | null> {
  let s;
  try {
    s = await stat(path);
  } catch {
    return null;
  }
  if (!s.isDirectory()) return { kind: 'file', sha256: await fileHash(path), bytes: s.size };
  const files = (await filesUnder(path)).map((f) => relative(path, f)).sort();
  const hash = createHash('sha256');
  let bytes = 0;
  for (const f of files) {
    hash.update(`${f}\t${await fileHash(join(path, f))}\n`);
    bytes += (await stat(join(path, f))).size;
  }
  return { kind: 'folder', sha256: hash.digest('hex'), bytes };
}
