/**
 * Atomic output: everything is written under a temporary name beside its destination and
 * renamed into place at the end, so a crash or an error leaves the previous output or none,
 * never a half-written file that another system might pick up.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A temporary sibling path for `target` (same folder, so rename is atomic). */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.tmp-${basename(target)}-${process.pid}-${Date.now()}`);
}

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
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
 * Builds a whole output folder under a temporary name; on success it replaces `target`,
 * on failure the temporary folder is removed and `target` is left as it was.
 */
export async function withAtomicDir<T>(target: string, build: (dir: string) => Promise<T>): Promise<T> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  await mkdir(tmp, { recursive: true });
  try {
    const result = await build(tmp);
    const old = `${tmp}.old`;
    let hadOld = false;
    try {
      await rename(target, old);
      hadOld = true;
    } catch {
      // no previous output
    }
    await rename(tmp, target);
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
