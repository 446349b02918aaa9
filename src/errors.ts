/**
 * Typed errors. Every error a user can cause carries where it happened (file, row, column or
 * config key) so the CLI can print one paragraph that points at the problem.
 */
export interface ErrorContext {
  file?: string;
  row?: number; // 1-based data row (header excluded)
  column?: string;
  key?: string; // config key path, e.g. "target.column"
  hint?: string;
}

export type ErrorCode =
  | 'config'
  | 'input'
  | 'schema'
  | 'model'
  | 'convergence'
  | 'drift'
  | 'io'
  | 'usage';

export class ChurnscopeError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChurnscopeError';
    this.code = code;
    this.context = context;
  }

  /** One paragraph for a person: what, then where. */
  describe(): string {
    const where: string[] = [];
    if (this.context.file !== undefined) where.push(`file ${this.context.file}`);
    if (this.context.row !== undefined) where.push(`row ${this.context.row}`);
    if (this.context.column !== undefined) where.push(`column "${this.context.column}"`);
    if (this.context.key !== undefined) where.push(`key "${this.context.key}"`);
    const at = where.length > 0 ? ` (${where.join(', ')})` : '';
    const hint = this.context.hint !== undefined ? ` ${this.context.hint}` : '';
    return `${this.code} error${at}: ${this.message}${hint}`;
  }
}

export class ConfigError extends ChurnscopeError {
  constructor(message: string, context: ErrorContext = {}) {
    super('config', message, context);
    this.name = 'ConfigError';
  }
}

export class InputError extends ChurnscopeError {
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super('input', message, context, options);
    this.name = 'InputError';
  }
}

export class ModelError extends ChurnscopeError {
  constructor(message: string, context: ErrorContext = {}) {
    super('model', message, context);
    this.name = 'ModelError';
  }
}

export class ConvergenceError extends ChurnscopeError {
  readonly iterations: number;
  constructor(message: string, iterations: number, context: ErrorContext = {}) {
    super('convergence', message, context);
    this.name = 'ConvergenceError';
    this.iterations = iterations;
  }
}

/** The month's inputs have drifted from the training data past the limit: scoring would be unreliable. */
export class DriftError extends ChurnscopeError {
  readonly features: { feature: string; psi: number }[]; // past the limit, worst first
  constructor(message: string, features: { feature: string; psi: number }[], context: ErrorContext = {}) {
    super('drift', message, context);
    this.name = 'DriftError';
    this.features = features;
  }
}

/**
 * A worker thread stopped (threw, exited, ran out of memory) before finishing its part: the job
 * fails at once instead of waiting for work that will never come, and writes nothing.
 */
export class WorkerError extends ChurnscopeError {
  readonly worker: string; // which one, e.g. "boosting's histogram worker 1 of 1"
  readonly exitCode: number | null; // null when it threw
  constructor(code: ErrorCode, worker: string, what: string, exitCode: number | null, options?: { cause?: unknown }) {
    super(code, `${worker} ${what}`, {}, options);
    this.name = 'WorkerError';
    this.worker = worker;
    this.exitCode = exitCode;
  }
}

export class UsageError extends ChurnscopeError {
  constructor(message: string, context: ErrorContext = {}) {
    super('usage', message, context);
    this.name = 'UsageError';
  }
}

/** What the system said when a file could not be read or written, in words, with what to do. */
const FS_ADVICE: Record<string, string> = {
  EACCES: 'permission denied: check the permissions of the file and its folder, or choose another path',
  EPERM: 'the operation is not permitted: check the permissions of the file and its folder, or choose another path',
  ENOENT: 'no such file or folder: check the path',
  EISDIR: 'this is a folder where a file was expected: name a file',
  ENOTDIR: 'a part of the path is a file, not a folder: check the path',
  ENOSPC: 'the disk is full: free some space or write to another disk (large jobs also spill scratch files beside the output)',
  EDQUOT: 'the disk quota is exhausted: free some space or write to another disk',
  EROFS: 'the file system is read-only: choose a path on a writable disk',
  EEXIST: 'something already exists at this path: choose another path',
  ENOTEMPTY: 'the folder is not empty: choose another path',
  EBUSY: 'the path is in use (a mount point or the current folder?): choose another path',
  EMFILE: 'too many open files: raise the limit (ulimit -n) and run again',
  ENAMETOOLONG: 'the path is too long: choose a shorter one',
  ELOOP: 'the path loops through symbolic links: check the path',
  EXDEV: 'the temporary file and the output are on different disks: choose an output folder on one disk',
};

/** A file-system failure (from Node or DuckDB) as one line naming the path and what to do. */
export class FileSystemError extends ChurnscopeError {
  readonly errno: string;
  constructor(errno: string, path: string, options?: { cause?: unknown }) {
    const advice = FS_ADVICE[errno];
    // The code goes after what happened (ENOSPC...), so the message can be searched for.
    const message = advice === undefined ? `the file system refused (${errno}): check the path and the disk` : advice.replace(':', ` (${errno}):`);
    super('io', message, { file: path }, options);
    this.name = 'FileSystemError';
    this.errno = errno;
  }
}

interface ErrnoLike { code?: unknown; path?: unknown; dest?: unknown }

/** A Node file-system error (it carries `code` and `path`) as a FileSystemError; anything else: null. */
export function fileSystemError(e: unknown): FileSystemError | null {
  if (!(e instanceof Error)) return null;
  const { code, path, dest } = e as ErrnoLike;
  if (typeof code !== 'string' || typeof path !== 'string') return null;
  // A rename names both ends; the destination is the one a user chose.
  return new FileSystemError(code, typeof dest === 'string' && code !== 'ENOENT' ? dest : path, { cause: e });
}

export function isChurnscopeError(e: unknown): e is ChurnscopeError {
  return e instanceof ChurnscopeError;
}
