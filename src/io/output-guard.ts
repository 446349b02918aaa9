/**
 * What an output path may replace. churnscope never deletes what it did not write: an existing
 * output folder is replaced only when its marker says churnscope wrote it, as the same kind of
 * output, and it holds nothing else; an existing output file only when a churnscope manifest (or
 * the file's own stamp) says so. No output may be, contain or sit inside one of the command's
 * inputs. Every command checks its outputs before any work starts.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';
import { z } from 'zod';

/** The marker inside every output folder: what kind of output it is and the files churnscope put there. */
export const MARKER = '.churnscope-output.json';
const MARKER_FORMAT = 'churnscope-output';

const markerSchema = z.object({
  format: z.literal(MARKER_FORMAT),
  version: z.literal(1),
  kind: z.enum(['run', 'report', 'panel', 'tune']),
  files: z.array(z.string()), // relative paths, sorted, marker excluded
});

export type FolderMarker = z.output<typeof markerSchema>;
export type FolderKind = FolderMarker['kind'];

/** A path a command reads or writes, with what it is for messages ("the training data"). */
export interface NamedPath {
  path: string;
  what: string;
}

/** Every file under `dir`, relative, sorted ('/' separated so markers read the same everywhere). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel))) {
      const r = rel === '' ? name : `${rel}/${name}`;
      if (lstatSync(join(dir, r)).isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out.filter((f) => f !== MARKER).sort();
}

/** The marker for a folder churnscope has just built (its files listed, so a later replace can tell ours from a user's). */
export function folderMarker(dir: string, kind: FolderKind): FolderMarker {
  return { format: MARKER_FORMAT, version: 1, kind, files: filesUnder(dir) };
}

function readMarker(dir: string): FolderMarker | null {
  try {
    const m = markerSchema.safeParse(JSON.parse(readFileSync(join(dir, MARKER), 'utf8')));
    return m.success ? m.data : null;
  } catch {
    return null;
  }
}

const KIND_WORDS: Record<FolderKind, string> = { run: 'run folder (churnscope train)', report: 'report folder (churnscope report)', panel: 'panel folder (churnscope generate)', tune: 'tune folder (churnscope tune)' };
const AVOID = 'churnscope only replaces its own outputs: choose another path, or move it away yourself';

/** The real path of `p`, or of its deepest existing ancestor joined with the rest (for outputs not yet written). */
function realish(p: string): string {
  const abs = resolve(p);
  let head = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync.native(head), ...rest.reverse());
    } catch {
      const up = dirname(head);
      if (up === head) return abs;
      rest.push(basename(head));
      head = up;
    }
  }
}

const inside = (child: string, parent: string): boolean => {
  const r = relative(parent, child);
  return r !== '' && r.split(sep)[0] !== '..' && !isAbsolute(r);
};

function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/**
 * Refuses an output that is one of the inputs (also through a link), contains one, or lies inside
 * an input folder: writing it would replace or delete what the command reads.
 */
export function checkApart(outputs: readonly NamedPath[], inputs: readonly NamedPath[]): void {
  for (const out of outputs) {
    const o = realish(out.path);
    for (const input of inputs) {
      const i = realish(input.path);
      if (o === i || sameFile(out.path, input.path)) {
        throw new UsageError(`the output ${out.path} is ${input.what} this command reads (${input.path}): writing it would destroy its input; choose another output path`, { file: out.path });
      }
      if (inside(i, o)) {
        throw new UsageError(`the output ${out.path} would contain ${input.what} this command reads (${input.path}): choose an output path outside it`, { file: out.path });
      }
      if (inside(o, i)) {
        throw new UsageError(`the output ${out.path} lies inside ${input.what} this command reads (${input.path}): choose an output path outside it`, { file: out.path });
      }
    }
  }
}

/**
 * An output folder may be written when nothing is there, when an empty folder is there, or when a
 * churnscope output of the same kind holding only the files it wrote is there.
 */
export function checkFolderOutput(target: string, kind: FolderKind): void {
  const here = realish(process.cwd());
  const t = realish(target);
  if (t === here || inside(here, t)) {
    throw new UsageError(`the output ${target} is the current folder or holds it: churnscope writes a ${KIND_WORDS[kind]} under a new name and swaps it in, which it cannot do to the folder you are in; name a subfolder, e.g. ${kind}`, { file: target });
  }
  if (!existsSync(target)) return;
  const s = lstatSync(target);
  if (!s.isDirectory()) {
    throw new UsageError(`the output ${target} exists and is ${s.isSymbolicLink() ? 'a link' : 'a file'}, not a ${KIND_WORDS[kind]}; ${AVOID}`, { file: target });
  }
  if (readdirSync(target).length === 0) return;
  const marker = readMarker(target);
  if (marker === null) {
    throw new UsageError(`the output folder ${target} exists and churnscope did not write it (it has no ${MARKER}); ${AVOID}`, { file: target });
  }
  if (marker.kind !== kind) {
    throw new UsageError(`the output folder ${target} is a ${KIND_WORDS[marker.kind] ?? marker.kind}, not a ${KIND_WORDS[kind]}; ${AVOID}`, { file: target });
  }
  const ours = new Set(marker.files);
  const foreign = filesUnder(target).filter((f) => !ours.has(f));
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? ` and ${foreign.length - 3} more` : '');
    throw new UsageError(`the output folder ${target} holds files churnscope did not write (${shown}); replacing the folder would delete them: move them out or choose another path`, { file: target });
  }
}

/** Whether an existing file is a previous churnscope output of the kind about to be written. */
export type Ownership = (existing: string) => boolean;

const manifestFormat = z.object({ format: z.string() });

/** Recognises a file by the churnscope manifest beside it (`<file>.manifest.json`) and that manifest's format. */
export function ownedByManifest(...formats: string[]): Ownership {
  return (existing) => {
    try {
      const m = manifestFormat.safeParse(JSON.parse(readFileSync(`${existing}.manifest.json`, 'utf8')));
      return m.success && formats.includes(m.data.format);
    } catch {
      return false;
    }
  };
}

/** A ranked list churnscope wrote: `score` and `merge` put a manifest beside it. */
export const ownsList = ownedByManifest('churnscope-score-manifest', 'churnscope-merge-manifest');

/** An output file may be written when nothing is there or when churnscope wrote what is there, as `owned` recognises. */
export function checkFileOutput(target: string, what: string, owned: Ownership): void {
  if (!existsSync(target)) {
    if (lstatSafe(target)?.isSymbolicLink() === true) throw new UsageError(`the output ${target} is a dangling link; ${AVOID}`, { file: target });
    return;
  }
  const s = lstatSync(target);
  if (s.isDirectory()) throw new UsageError(`the output ${target} is a folder: name the ${what} file to write, e.g. ${join(target, `list${what === 'ONNX model' ? '.onnx' : '.csv'}`)}`, { file: target });
  if (!s.isFile() || !owned(target)) {
    throw new UsageError(`the output ${target} exists and is not a ${what} churnscope wrote; ${AVOID}`, { file: target });
  }
}

function lstatSafe(p: string): ReturnType<typeof lstatSync> | null {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}
