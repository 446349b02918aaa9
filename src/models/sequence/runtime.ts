/**
 * The TensorFlow.js runtime the sequence model trains on, loaded only when a sequence model is
 * fitted (importing tfjs costs about a second; scoring runs on the model's own kernel, kernel.wat). The dependency is `@tensorflow/tfjs` with the WebAssembly
 * backend, whose binaries ship in its npm package and are read from node_modules (no network).
 * `@tensorflow/tfjs-node` is never a dependency (its install downloads libtensorflow, which fails
 * offline); when a user has installed it, `auto` picks it. The backend in use is reported, since
 * only the WebAssembly (and the pure JavaScript) backend gives the same bits on every run.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { ModelError } from '../../errors.js';

export type Tf = typeof import('@tensorflow/tfjs');

/** `tensorflow` is tfjs-node's native backend, `wasm` the default, `cpu` tfjs's plain JavaScript. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | BackendName;

export interface Runtime {
  tf: Tf;
  backend: BackendName;
}

let loaded: Promise<Runtime> | null = null;

/** tfjs-node registers a backend named `tensorflow` when imported; a package of that name that does not (an alias of plain tfjs, as danfojs-node's is here) is not it. */
async function tryTfjsNode(tf: Tf): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-node' as string);
  } catch {
    return false;
  }
  return tf.findBackendFactory('tensorflow') !== null && tf.findBackendFactory('tensorflow') !== undefined;
}

async function load(choice: BackendChoice): Promise<Runtime> {
  const tf: Tf = await import('@tensorflow/tfjs');
  let backend: BackendName = choice === 'auto' ? 'wasm' : choice;
  if (choice === 'auto' || choice === 'tensorflow') {
    if (await tryTfjsNode(tf)) backend = 'tensorflow';
    else if (choice === 'tensorflow') throw new ModelError('the sequence model was asked to run on tfjs-node ("backend": "tensorflow"), which is not installed; install @tensorflow/tfjs-node or use "wasm"', { key: 'model_params.sequence.backend' });
  }
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The .wasm files are read from the package's own folder, never fetched.
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
  }
  if (!(await tf.setBackend(backend))) throw new ModelError(`the TensorFlow.js backend "${backend}" could not start`);
  await tf.ready();
  return { tf, backend };
}

/**
 * Loads tfjs and starts a backend, once per process (a thread's backend is global to tfjs). A
 * later call asking for another backend than the one running is refused rather than switched.
 */
export async function loadRuntime(choice: BackendChoice = 'auto'): Promise<Runtime> {
  loaded ??= load(choice);
  const runtime = await loaded;
  if (choice !== 'auto' && choice !== runtime.backend) {
    throw new ModelError(`the sequence model runs on the "${runtime.backend}" backend in this process; it cannot switch to "${choice}"`, { key: 'model_params.sequence.backend' });
  }
  return runtime;
}
