/** Worker entry: builds its block of features for every node of each job the pool posts. */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { exitIfTestSaysSo } from '../../io/worker-thread.js';
import { buildHistogram } from './histogram.js';
import { ACK, FAILED, JOBS, SEQ, STOP, type WorkerInit } from './histogram-pool.js';

const init = workerData as WorkerInit;
const { bins, p, order, gh, control, jobs, f0, f1 } = init;
const slots: Float64Array[] = [];

/** Slots announced before the job that uses them; their messages are taken synchronously. */
function slot(index: number): Float64Array {
  while (slots[index] === undefined) {
    const message = receiveMessageOnPort(init.slots);
    if (message === undefined) continue; // posted, not yet delivered
    const { index: i, buffer } = message.message as { index: number; buffer: SharedArrayBuffer };
    slots[i] = new Float64Array(buffer);
  }
  return slots[index];
}

parentPort?.postMessage('ready');
for (let done = 0; ;) {
  const seq = Atomics.load(control, SEQ);
  if (seq === done) {
    Atomics.wait(control, SEQ, done);
    continue;
  }
  if (Atomics.load(control, STOP) !== 0) break;
  exitIfTestSaysSo('histogram', seq);
  try {
    const count = Atomics.load(control, JOBS);
    for (let i = 0; i < count; i++) buildHistogram(bins, p, order, gh, jobs[3 * i + 1], jobs[3 * i + 2], f0, f1, slot(jobs[3 * i]), 0);
  } catch (e) {
    process.stderr.write(`histogram worker: ${(e as Error).stack ?? String(e)}\n`);
    Atomics.store(control, FAILED, init.thread);
  }
  done = seq;
  Atomics.store(control, ACK + init.thread, seq);
  Atomics.notify(control, ACK + init.thread);
}
