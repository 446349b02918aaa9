/**
 * Histograms built on every core. A job (one level's nodes) is cut into blocks of features; each
 * thread (the caller's and W - 1 workers) claims the next unclaimed block with an atomic counter
 * and fills it for every node of the job. Every feature of a node is summed by one thread in
 * position order, so a histogram is the same bytes for any thread count, and a worker that is
 * asleep or descheduled never holds the caller up: the caller takes the blocks it has not
 * claimed, and waits only for blocks in progress. The bins, the row order, the gradients and the
 * histogram slots live in one WebAssembly memory shared by the threads, summed by the kernel of
 * histogram.wat; a job is a few integers and a sequence number (Atomics), not a message. A worker
 * that dies (exits, runs out of memory) is reported on the event loop: the caller yields to it
 * after every job, and its wait for a block in progress turns asynchronous after a few
 * milliseconds, so the fit fails with a WorkerError.
 */
import type { Worker } from 'node:worker_threads';
import { ModelError, WorkerError } from '../../errors.js';
import { siblingModule, startWorker, watchWorker } from '../../io/worker-thread.js';
import { instantiateOver, Layout, PAGE, sharedMemory, type Kernel, type WasmMemory } from '../trees/wasm.js';
import type { TrainingBins } from './bin-rows.js';
import { FEATURE_STRIDE } from './histogram.js';
import { WASM_BASE64 } from './histogram-wasm.js';

/** Control words: the job's sequence number, its node count, stop flag, the thread of a worker's error, the next unclaimed block, the blocks done. */
export const SEQ = 0;
export const JOBS = 1;
export const STOP = 2;
export const FAILED = 3;
export const CLAIMED = 4;
export const DONE = 5;
const CONTROL_WORDS = 6;
/** Nodes a job holds at most (a call with more runs as several jobs). */
export const MAX_JOBS = 4096;
/** How long the caller waits for a worker on its own thread before waiting on the event loop, where deaths are reported. */
const BLOCKING_WAIT_MS = 5;

/**
 * Byte addresses in the shared memory: bins (row-major rows × p), columns (the same, feature-major),
 * order (i32 row per position), gh ((gradient, hessian) per position), the partition's scratch for
 * both, then the histogram slots.
 */
export interface PoolLayout {
  bins: number;
  columns: number;
  order: number;
  gh: number;
  scratchOrder: number;
  scratchGh: number;
  slots: number;
}

export interface PoolShared {
  memory: WasmMemory;
  at: PoolLayout;
  p: number;
  control: Int32Array;
  jobs: Int32Array; // (slot, start, end) per node
  blocks: number; // feature blocks a job is cut into
}

export interface WorkerInit extends PoolShared {
  thread: number; // 1.. (the caller is 0)
}

/** Bytes of a histogram slot. */
function slotBytes(p: number): number {
  return 8 * p * FEATURE_STRIDE;
}

/** The histogram kernel over the pool's memory, for this thread: fills one slot's features [f0, f1) from positions [start, end). */
export function histogramKernel(shared: Pick<PoolShared, 'memory' | 'at' | 'p'>): (slot: number, start: number, end: number, f0: number, f1: number) => void {
  const { at, p } = shared;
  const build = instantiateOver(WASM_BASE64, shared.memory).histogram as Kernel;
  const bytes = slotBytes(p);
  return (slot, start, end, f0, f1) => build(at.bins, p, at.order, at.gh, start, end, f0, f1, at.slots + slot * bytes);
}

/** Features [f0, f1) of block b among `blocks`: contiguous blocks of nearly equal size. */
export function featureBlock(p: number, blocks: number, b: number): [number, number] {
  return [Math.floor((b * p) / blocks), Math.floor(((b + 1) * p) / blocks)];
}

/**
 * Blocks a job is cut into: one per thread. Each block reads every row of its nodes again (a
 * cache line per row, the kernel's dearest load), so fewer blocks cost less: 4 per thread took
 * 5-20% more CPU and wall on 2 threads than 1, even on a busy machine. A thread that has not
 * started leaves its block to the caller, which claims it.
 */
function blockCount(p: number, threads: number): number {
  return Math.min(p, threads);
}

/**
 * Claims and builds blocks of the current job until none is left (the caller's thread, 0, and
 * the workers alike), with this thread's `kernel`. A block that throws is still counted done,
 * with the worker's thread in FAILED, so the caller stops waiting and reports it.
 */
export function buildBlocks(shared: PoolShared, thread: number, kernel: ReturnType<typeof histogramKernel>): void {
  const { p, control, jobs, blocks } = shared;
  for (let b = Atomics.add(control, CLAIMED, 1); b < blocks; b = Atomics.add(control, CLAIMED, 1)) {
    const [f0, f1] = featureBlock(p, blocks, b);
    try {
      const count = Atomics.load(control, JOBS);
      for (let i = 0; i < count; i++) kernel(jobs[3 * i], jobs[3 * i + 1], jobs[3 * i + 2], f0, f1);
    } catch (e) {
      if (thread > 0) Atomics.store(control, FAILED, thread);
      throw e;
    } finally {
      Atomics.add(control, DONE, 1);
      Atomics.notify(control, DONE);
    }
  }
}

/** `memory` (a new one when null) grown to at least `bytes`; past the 4 GiB a WebAssembly memory holds, a model error. */
function grown(memory: WasmMemory | null, bytes: number): WasmMemory {
  try {
    if (memory === null) return sharedMemory(bytes);
    const more = Math.ceil((bytes - memory.buffer.byteLength) / PAGE);
    if (more > 0) memory.grow(more);
    return memory;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new ModelError(`boosting's histograms need ${Math.ceil(bytes / 2 ** 20)} MiB of one WebAssembly memory, more than its 4 GiB: use fewer rows, features or leaves`, {});
  }
}

export class HistogramPool {
  /** Views of the shared memory: the training bins (the caller fills them before the first job), the row per position, the (gradient, hessian) per position. */
  readonly bins: TrainingBins;
  readonly order: Int32Array;
  readonly gh: Float64Array;
  private readonly memory: WasmMemory;
  private readonly at: PoolLayout;
  private readonly kernel: ReturnType<typeof histogramKernel>;
  private readonly partitionKernel: (...args: number[]) => number;
  private readonly rows: number;
  private readonly slots: Float64Array[] = [];
  private readonly free: number[] = [];
  private readonly workers: Worker[] = [];
  private readonly names: string[] = [];
  private readonly unwatch: (() => void)[] = [];
  private readonly control: Int32Array;
  private readonly jobs: Int32Array;
  private readonly blocks: number;
  private failure: WorkerError | null = null;
  private reportDeath: () => void = () => {};
  /** Settles when a worker dies. */
  private readonly death = new Promise<void>((resolve) => { this.reportDeath = resolve; });
  private readonly ready: Promise<void>;

  /**
   * Starts the pool's workers for `rows` × `p` bins without waiting for them: they load while the
   * caller bins the rows into `bins`, and the first job waits until each is listening.
   */
  static open(p: number, rows: number, threads: number): HistogramPool {
    return new HistogramPool(p, rows, threads);
  }

  /** Settles once every worker listens; a worker that died first is the pool's failure. */
  private async listening(): Promise<void> {
    await Promise.race([Promise.all(this.workers.map((worker) => new Promise((resolve) => worker.once('message', resolve)))), this.death]);
    if (this.failure !== null) {
      // The workers that did start would keep the process alive after the error is reported.
      this.close();
      await Promise.all(this.workers.map((worker) => worker.terminate()));
      throw this.failure;
    }
    for (const worker of this.workers) worker.unref();
  }

  private readonly p: number;

  private constructor(p: number, rows: number, readonly threads: number) {
    this.p = p;
    const layout = new Layout();
    this.at = {
      bins: layout.place(rows * p),
      columns: layout.place(rows * p),
      order: layout.place(4 * rows),
      gh: layout.place(16 * rows),
      scratchOrder: layout.place(4 * rows),
      scratchGh: layout.place(16 * rows),
      slots: layout.size,
    };
    this.rows = rows;
    this.memory = grown(null, this.at.slots);
    const { buffer } = this.memory;
    this.bins = {
      rowMajor: new Uint8Array(buffer, this.at.bins, rows * p),
      byFeature: Array.from({ length: p }, (_, j) => new Uint8Array(buffer, this.at.columns + j * rows, rows)),
    };
    this.order = new Int32Array(buffer, this.at.order, rows);
    this.gh = new Float64Array(buffer, this.at.gh, 2 * rows);
    this.kernel = histogramKernel({ memory: this.memory, at: this.at, p });
    this.partitionKernel = instantiateOver(WASM_BASE64, this.memory).partition as unknown as (...args: number[]) => number;
    this.control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
    this.jobs = new Int32Array(new SharedArrayBuffer(4 * 3 * MAX_JOBS));
    this.blocks = blockCount(p, threads);
    for (let t = 1; t < threads; t++) {
      const init: WorkerInit = { ...this.shared(), thread: t };
      const worker = startWorker(siblingModule(import.meta.url, 'histogram-worker'), init);
      const name = `boosting's histogram worker ${t} of ${threads - 1}`;
      this.names.push(name);
      this.unwatch.push(watchWorker(worker, name, 'model', (e) => {
        this.failure ??= e;
        this.reportDeath();
      }));
      this.workers.push(worker);
    }
    this.ready = this.listening();
    // Awaited by the first job; a fit that fails before it must not leave the rejection unhandled.
    this.ready.catch(() => {});
  }

  /** A histogram slot (p × FEATURE_STRIDE doubles), reused once released. */
  acquire(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    const index = this.slots.length;
    const bytes = slotBytes(this.p);
    const at = this.at.slots + index * bytes;
    // Growing a shared memory leaves the earlier views valid; the workers' kernels see the new pages.
    grown(this.memory, at + bytes);
    this.slots.push(new Float64Array(this.memory.buffer, at, bytes / 8));
    return index;
  }

  /**
   * Stable partition of positions [start, end) of the order and gradients by a split on `feature`
   * (left: bin <= cut, missing when `missingLeft`), on the caller's thread; returns the first
   * right position.
   */
  partition(start: number, end: number, feature: number, cut: number, missingLeft: boolean): number {
    const { at } = this;
    return this.partitionKernel(at.columns + feature * this.rows, at.order, at.gh, at.scratchOrder, at.scratchGh, start, end, cut, missingLeft ? 1 : 0);
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  slot(index: number): Float64Array {
    return this.slots[index];
  }

  /** Fills each listed slot with the histogram of positions [start, end); settles when all threads are done. */
  async build(nodes: readonly { slot: number; start: number; end: number }[]): Promise<void> {
    await this.ready;
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
      // Every block of the previous job is done, so no thread reads the job words now; a worker
      // late for that job claims a block of this one, which it builds as this one's.
      Atomics.store(this.control, JOBS, part.length);
      Atomics.store(this.control, DONE, 0);
      Atomics.store(this.control, CLAIMED, 0);
      Atomics.add(this.control, SEQ, 1);
      Atomics.notify(this.control, SEQ);
      buildBlocks(this.shared(), 0, this.kernel);
      await this.allDone();
      const failed = Atomics.load(this.control, FAILED);
      if (failed !== 0) throw new WorkerError('model', this.names[failed - 1], 'failed (its message is above)', null);
      // A worker's death is an event on this loop: without a turn of it, a worker that died
      // before claiming a block would go unnoticed while this thread does its work.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.failure !== null) throw this.failure;
    }
  }

  private shared(): PoolShared {
    return { memory: this.memory, at: this.at, p: this.p, control: this.control, jobs: this.jobs, blocks: this.blocks };
  }

  /** Waits until every block of the job is done: briefly on this thread (the usual case), then on the event loop. */
  private async allDone(): Promise<void> {
    for (let done = Atomics.load(this.control, DONE); done < this.blocks; done = Atomics.load(this.control, DONE)) {
      if (this.failure !== null) throw this.failure;
      if (Atomics.wait(this.control, DONE, done, BLOCKING_WAIT_MS) !== 'timed-out') continue;
      const waiting = Atomics.waitAsync(this.control, DONE, done);
      if (!waiting.async) continue;
      // A pending waitAsync does not keep Node's event loop alive; the (unref'd) workers must.
      for (const worker of this.workers) worker.ref();
      try {
        await Promise.race([waiting.value, this.death]);
      } finally {
        for (const worker of this.workers) worker.unref();
      }
    }
  }

  private buildOwn(count: number): void {
    for (let i = 0; i < count; i++) this.kernel(this.jobs[3 * i], this.jobs[3 * i + 1], this.jobs[3 * i + 2], 0, this.p);
  }

  /** Stops the workers (they exit on their own); a death from here on is no failure. */
  close(): void {
    if (this.threads === 1) return;
    for (const stop of this.unwatch) stop();
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, SEQ, 1);
    Atomics.notify(this.control, SEQ);
    // Wakes an asynchronous wait left behind by a dead worker.
    Atomics.notify(this.control, DONE);
  }
}

export { FEATURE_STRIDE };
