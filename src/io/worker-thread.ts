/**
 * Starts a worker thread on a module of this package: the compiled .js, or (running from
 * TypeScript source, as under tests) the .ts one through tsx.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type TransferListItem } from 'node:worker_threads';
import { WorkerError, type ErrorCode } from '../errors.js';

export function startWorker(module: URL, workerData: unknown, transferList: TransferListItem[] = []): Worker {
  if (!module.href.endsWith('.ts')) return new Worker(module, { workerData, transferList });
  // require.resolve finds the CommonJS build of tsx's API; the ESM one sits beside it.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(code, { eval: true, workerData, transferList });
}

/** The sibling module `name` (without extension) of `from`, in the same flavour (.ts or .js). */
export function siblingModule(from: string, name: string): URL {
  return new URL(`./${name}${from.endsWith('.ts') ? '.ts' : '.js'}`, from);
}

/**
 * Calls `died` once with a WorkerError when `worker` throws or exits, whatever its exit code
 * (an out-of-memory stop is an error, then an exit). Returns the function that stops watching,
 * for when the worker is done or about to be stopped on purpose.
 */
export function watchWorker(worker: Worker, name: string, code: ErrorCode, died: (e: WorkerError) => void): () => void {
  let watching = true;
  const report = (e: WorkerError): void => {
    if (!watching) return;
    watching = false;
    died(e);
  };
  const onError = (e: unknown): void => report(new WorkerError(code, name, `failed: ${e instanceof Error ? e.message : String(e)}`, null, { cause: e }));
  const onExit = (exitCode: number): void => report(new WorkerError(code, name, `stopped with exit code ${exitCode} before finishing its work`, exitCode));
  worker.on('error', onError);
  worker.on('exit', onExit);
  return () => {
    watching = false;
    worker.off('error', onError);
    worker.off('exit', onExit);
  };
}

/** Exit code of a worker stopped by the test hook below. */
export const TEST_EXIT_CODE = 70;

/**
 * Test hook, nothing else: with CHURNSCOPE_TEST_WORKER_EXIT="<kind>:<n>" a worker of that kind
 * (histogram, forest, score) exits at its n-th unit of work, as a crash or an out-of-memory stop
 * would end it, so tests can check the job fails promptly instead of hanging.
 */
export function exitIfTestSaysSo(kind: string, unit: number): void {
  const hook = process.env.CHURNSCOPE_TEST_WORKER_EXIT;
  if (hook !== undefined && hook === `${kind}:${unit}`) process.exit(TEST_EXIT_CODE);
}
