/**
 * Starts a worker thread on a module of this package: the compiled .js, or (running from
 * TypeScript source, as under tests) the .ts one through tsx.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type TransferListItem } from 'node:worker_threads';

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
