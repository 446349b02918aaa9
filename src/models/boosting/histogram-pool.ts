/**
 * Histograms built on every core: each thread (the caller's and W - 1 workers) owns a fixed
 * block of features and fills it for every node of a job, so a histogram is the same bytes for
 * any thread count. The bins, the row order, the gradients and the histogram slots live in
 * shared memory; a job is a few integers and a sequence number (Atomics), not a message. Each
 * worker acknowledges the sequence number it finished, and the caller waits for every
 * acknowledgement of its own number (a wake-up without one just waits again). A worker that
 * dies (exits, runs out of memory) never acknowledges: the caller's wait turns asynchronous after
 * a few milliseconds so the worker's exit event reaches it, and the fit fails with a WorkerError.
 */
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { WorkerError } from '../../errors.js';
import { siblingModule, startWorker, watchWorker } from '../../io/worker-thread.js';
import { buildHistogram, FEATURE_STRIDE } from './histogram.js';

/** Control words: the job's sequence number, its node count, stop flag, the thread of a worker's error, then each worker's acknowledged number. */
export const SEQ = 0;
export const JOBS = 1;
export const STOP = 2;
export const FAILED = 3;
export const ACK = 4;
/** Nodes a job holds at most (a call with more runs as several jobs). */
export const MAX_JOBS = 4096;
/** How long the caller waits for a worker on its own thread before waiting on the event loop, where deaths are reported. */
const BLOCKING_WAIT_MS = 5;

export interface PoolShared {
  bins: Uint8Array; // row-major rows × p
  p: number;
  order: Int32Array; // row index per position
  gh: Float64Array; // (gradient, hessian) per position
  control: Int32Array;
  jobs: Int32Array; // (slot, start, end) per node
}

export interface WorkerInit extends PoolShared {
  thread: number; // 1.. (the caller is 0)
  f0: number;
  f1: number;
  slots: MessagePort; // new histogram slots arrive here: { index, buffer }
}

/** Features [f0, f1) of thread t among `threads`: contiguous blocks of nearly equal size. */
export function featureBlock(p: number, threads: number, t: number): [number, number] {
  return [Math.floor((t * p) / threads), Math.floor(((t + 1) * p) / threads)];
}

function memory(bytes: number, shared: boolean): ArrayBuffer | SharedArrayBuffer {
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

export class HistogramPool {
  readonly order: Int32Array;
  readonly gh: Float64Array;
  private readonly slots: Float64Array[] = [];
  private readonly free: number[] = [];
  private readonly workers: Worker[] = [];
  private readonly names: string[] = [];
  private readonly unwatch: (() => void)[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly control: Int32Array;
  private readonly jobs: Int32Array;
  private readonly f1: number;
  private failure: WorkerError | null = null;
  private reportDeath: () => void = () => {};
  /** Settles when a worker dies. */
  private readonly death = new Promise<void>((resolve) => { this.reportDeath = resolve; });

  /** Starts the pool's workers and waits until each is listening. */
  static async start(bins: Uint8Array, p: number, rows: number, threads: number): Promise<HistogramPool> {
    const pool = new HistogramPool(bins, p, rows, threads);
    await Promise.race([Promise.all(pool.workers.map((worker) => new Promise((resolve) => worker.once('message', resolve)))), pool.death]);
    if (pool.failure !== null) {
      // The workers that did start would keep the process alive after the error is reported.
      pool.close();
      await Promise.all(pool.workers.map((worker) => worker.terminate()));
      throw pool.failure;
    }
    for (const worker of pool.workers) worker.unref();
    return pool;
  }

  private constructor(private readonly bins: Uint8Array, private readonly p: number, rows: number, readonly threads: number) {
    const shared = threads > 1;
    this.order = new Int32Array(memory(4 * rows, shared));
    this.gh = new Float64Array(memory(16 * rows, shared));
    this.control = new Int32Array(memory(4 * (ACK + threads), shared));
    this.jobs = new Int32Array(memory(4 * 3 * MAX_JOBS, shared));
    this.f1 = featureBlock(p, threads, 0)[1];
    for (let t = 1; t < threads; t++) {
      const [f0, f1] = featureBlock(p, threads, t);
      const channel = new MessageChannel();
      const init: WorkerInit = { bins, p, order: this.order, gh: this.gh, control: this.control, jobs: this.jobs, thread: t, f0, f1, slots: channel.port2 };
      const worker = startWorker(siblingModule(import.meta.url, 'histogram-worker'), init, [channel.port2]);
      const name = `boosting's histogram worker ${t} of ${threads - 1} (features ${f0} to ${f1 - 1})`;
      this.names.push(name);
      this.unwatch.push(watchWorker(worker, name, 'model', (e) => {
        this.failure ??= e;
        this.reportDeath();
      }));
      this.workers.push(worker);
      this.ports.push(channel.port1);
    }
  }

  /** A histogram slot (p × FEATURE_STRIDE doubles), reused once released. */
  acquire(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    const index = this.slots.length;
    const buffer = memory(8 * this.p * FEATURE_STRIDE, this.threads > 1);
    this.slots.push(new Float64Array(buffer));
    for (const port of this.ports) port.postMessage({ index, buffer });
    return index;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  slot(index: number): Float64Array {
    return this.slots[index];
  }

  /** Fills each listed slot with the histogram of positions [start, end); settles when all threads are done. */
  async build(nodes: readonly { slot: number; start: number; end: number }[]): Promise<void> {
    for (let from = 0; from < nodes.length; from += MAX_JOBS) {
      const part = nodes.slice(from, from + MAX_JOBS);
      part.forEach((n, i) => {
        this.jobs[3 * i] = n.slot;
        this.jobs[3 * i + 1] = n.start;
        this.jobs[3 * i + 2] = n.end;
      });
      if (this.threads === 1) {
        this.buildOwn(part.length);
        continue;
      }
      if (this.failure !== null) throw this.failure;
      Atomics.store(this.control, JOBS, part.length);
      const seq = Atomics.add(this.control, SEQ, 1) + 1;
      Atomics.notify(this.control, SEQ);
      this.buildOwn(part.length);
      for (let t = 1; t < this.threads; t++) await this.acknowledged(t, seq);
      const failed = Atomics.load(this.control, FAILED);
      if (failed !== 0) throw new WorkerError('model', this.names[failed - 1], 'failed (its message is above)', null);
    }
  }

  /** Waits for worker t's acknowledgement of job `seq`: briefly on this thread (the usual case), then on the event loop. */
  private async acknowledged(t: number, seq: number): Promise<void> {
    for (let ack = Atomics.load(this.control, ACK + t); ack !== seq; ack = Atomics.load(this.control, ACK + t)) {
      if (this.failure !== null) throw this.failure;
      if (Atomics.wait(this.control, ACK + t, ack, BLOCKING_WAIT_MS) !== 'timed-out') continue;
      const waiting = Atomics.waitAsync(this.control, ACK + t, ack);
      if (!waiting.async) continue;
      // A pending waitAsync does not keep Node's event loop alive; the (unref'd) worker must.
      const worker = this.workers[t - 1];
      worker.ref();
      try {
        await Promise.race([waiting.value, this.death]);
      } finally {
        worker.unref();
      }
    }
  }

  private buildOwn(count: number): void {
    for (let i = 0; i < count; i++) {
      buildHistogram(this.bins, this.p, this.order, this.gh, this.jobs[3 * i + 1], this.jobs[3 * i + 2], 0, this.f1, this.slots[this.jobs[3 * i]], 0);
    }
  }

  /** Stops the workers (they exit on their own); a death from here on is no failure. */
  close(): void {
    if (this.threads === 1) return;
    for (const stop of this.unwatch) stop();
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, SEQ, 1);
    Atomics.notify(this.control, SEQ);
    // Wakes an asynchronous wait left behind by a dead worker.
    for (let t = 1; t < this.threads; t++) Atomics.notify(this.control, ACK + t);
    for (const port of this.ports) port.close();
  }
}

export { FEATURE_STRIDE };
