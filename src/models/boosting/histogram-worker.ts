/** Worker entry: claims and does blocks of each job the pool posts. */
import { parentPort, workerData } from 'node:worker_threads';
import { exitIfTestSaysSo } from '../../io/worker-thread.js';
import { blockWork, runBlocks, SEQ, STOP, type WorkerInit } from './pool-jobs.js';

const init = workerData as WorkerInit;
const { control } = init;
const work = blockWork(init);

// Jobs posted while this worker loaded are each one it met (the test hook counts them) before it says it is ready.
const posted = Atomics.load(control, SEQ);
for (let unit = 1; unit <= posted; unit++) exitIfTestSaysSo('histogram', unit);
parentPort?.postMessage('ready');
for (let done = 0; ;) {
  const seq = Atomics.load(control, SEQ);
  if (seq === done) {
    Atomics.wait(control, SEQ, done);
    continue;
  }
  if (Atomics.load(control, STOP) !== 0) break;
  // Jobs this worker slept through are each one it met (the test hook counts them).
  for (let skipped = done + 1; skipped <= seq; skipped++) exitIfTestSaysSo('histogram', skipped);
  try {
    runBlocks(init, init.thread, work);
  } catch (e) {
    process.stderr.write(`histogram worker: ${(e as Error).stack ?? String(e)}\n`);
  }
  done = seq;
}
