/**
 * Boosting's work on every core. A job is a level's histograms with its siblings' by subtraction
 * and each feature's best split (cut into blocks of features), a level's partitions, or the
 * per-row work between trees (leaf values into the margins, then the next gradients), the last
 * two cut into blocks of positions. Each thread (the caller's and
 * W - 1 workers) claims the next unclaimed block with an atomic counter. A histogram's feature is
 * summed by one thread in position order, a feature's best split is found by one thread, a node
 * is partitioned by one thread, a row's figures come from its own values: the results are the same bytes for any thread count, and a worker
 * that is asleep or descheduled never holds the caller up: the caller takes the blocks it has not
 * claimed, and waits only for blocks in progress. The bins, the row order, the gradients, the
 * margins and the histogram slots live in one WebAssembly memory shared by the threads (the
 * kernels of histogram.wat and newton-step.ts work on it); a job is a few integers and a sequence
 * number (Atomics), not a message. A worker that dies (exits, runs out of memory) is reported on
 * the event loop: the caller yields to it after every job, and its wait for a block in progress
 * turns asynchronous after a few milliseconds, so the fit fails with a WorkerError.
 */
import type { Worker } from 'node:worker_threads';
import { ModelError, WorkerError } from '../../errors.js';
import { siblingModule, startWorker, watchWorker } from '../../io/worker-thread.js';
import { instantiateOver, Layout, PAGE, sharedMemory, type Kernel, type WasmMemory } from '../trees/wasm.js';
import type { TrainingBins } from './bin-rows.js';
import { FEATURE_STRIDE, subtractHistogram } from './histogram.js';
import { WASM_BASE64 } from './histogram-wasm.js';
import { addLeafValues, newtonStep } from './newton-step.js';
import { CANDIDATE_WORDS, featureSplits, type SplitSettings } from './split.js';

/**
 * Control words: the job's sequence number, its node count, stop flag, the thread of a worker's
 * error, the next unclaimed block, the blocks done, what the job does, the positions [from, to) it
 * spans, the histograms it derives by subtraction and the nodes whose splits it searches.
 */
export const SEQ = 0;
export const JOBS = 1;
export const STOP = 2;
export const FAILED = 3;
export const CLAIMED = 4;
export const DONE = 5;
const KIND = 6;
const FROM = 7;
const TO = 8;
const PAIRS = 9;
const SEARCHES = 10;
const CONTROL_WORDS = 11;

/** What a job does, and the words it gives each of its nodes or leaves. */
const HISTOGRAMS = 0; // (slot, start, end) per node built, (parent, child) slots per pair, a slot per search; a block is features
const PARTITIONS = 1; // (start, end, feature, cut, missing left, first right) per node; a block is the nodes starting in its positions
const LEAF_VALUES = 2; // (start, end) per leaf, its value in `values`; a block is positions
const NEWTON = 3; // no words; a block is positions
const JOB_WORDS = 6;
/** Nodes a job holds at most (a call with more runs as several jobs). */
export const MAX_JOBS = 4096;
/** How long the caller waits for a worker on its own thread before waiting on the event loop, where deaths are reported. */
const BLOCKING_WAIT_MS = 5;

/**
 * Byte addresses in the shared memory: bins (row-major rows × p), columns (the same, feature-major),
 * order (i32 row per position), gh ((gradient, hessian) per position), the partition's scratch for
 * both (a node's at its own positions), the margins and labels (by row), then the histogram slots.
 */
export interface PoolLayout {
  bins: number;
  columns: number;
  order: number;
  gh: number;
  scratchOrder: number;
  scratchGh: number;
  margin: number;
  labels: number;
  slots: number;
}

export interface PoolShared {
  memory: WasmMemory;
  at: PoolLayout;
  p: number;
  rows: number;
  control: Int32Array;
  jobs: Int32Array; // JOB_WORDS per node or leaf
  values: Float64Array; // a leaf's value per leaf
  pairs: Int32Array; // (parent, child) slots: parent -= child
  searches: Int32Array; // the slot of each node whose features' splits are searched
  stats: Float64Array; // (g, h, lo, hi) per search
  settings: Float64Array; // l2, minimum child hessian, minimum split gain
  valueBins: Int32Array; // per feature
  monotone: Int8Array; // per feature
  features: Uint8Array; // the tree's allowed features
  blocks: number; // blocks a job is cut into
}

export interface WorkerInit extends PoolShared {
  thread: number; // 1.. (the caller is 0)
}

/** Bytes of a slot: a node's histogram, then each feature's candidate split. */
function slotBytes(p: number): number {
  return 8 * p * (FEATURE_STRIDE + CANDIDATE_WORDS);
}

/** A slot's views (histogram, candidates) in `memory`, from the slots at `at`. */
function slotViews(memory: WasmMemory, at: number, p: number, index: number): [Float64Array, Float64Array] {
  const from = at + index * slotBytes(p);
  return [new Float64Array(memory.buffer, from, p * FEATURE_STRIDE), new Float64Array(memory.buffer, from + 8 * p * FEATURE_STRIDE, p * CANDIDATE_WORDS)];
}

/** Items [from, to) of block b when `n` items are cut into `blocks` contiguous blocks of nearly equal size. */
export function blockOf(n: number, blocks: number, b: number): [number, number] {
  return [Math.floor((b * n) / blocks), Math.floor(((b + 1) * n) / blocks)];
}

/**
 * Blocks a job is cut into: one per thread. Each histogram block reads every row of its nodes
 * again (a cache line per row, the kernel's dearest load), so fewer blocks cost less: 4 per
 * thread took 5-20% more CPU and wall on 2 threads than 1, even on a busy machine. A thread that
 * has not started leaves its block to the caller, which claims it. Every kind of job has the same
 * count, so a claim a late worker makes on the job before is never a block of this one.
 */
function blockCount(p: number, threads: number): number {
  return Math.min(p, threads);
}

/** This thread's work on block b of the current job, over the pool's memory with its own instance of the kernels. */
export function blockWork(shared: PoolShared): (b: number) => void {
  const { at, p, rows, control, jobs, values, pairs, searches, stats, settings, valueBins, monotone, features, blocks } = shared;
  const kernels = instantiateOver(WASM_BASE64, shared.memory);
  const histogram = kernels.histogram as Kernel;
  const partition = kernels.partition as unknown as (...args: number[]) => number;
  const { buffer } = shared.memory;
  const order = new Int32Array(buffer, at.order, rows);
  const gh = new Float64Array(buffer, at.gh, 2 * rows);
  const margin = new Float64Array(buffer, at.margin, rows);
  const labels = new Uint8Array(buffer, at.labels, rows);
  const bytes = slotBytes(p);
  // Slots are made as the fit needs them; a view of one made once stays valid as the memory grows.
  const views: [Float64Array, Float64Array][] = [];
  const slot = (index: number): [Float64Array, Float64Array] => (views[index] ??= slotViews(shared.memory, at.slots, p, index));
  return (b) => {
    const count = Atomics.load(control, JOBS);
    const kind = Atomics.load(control, KIND);
    if (kind === HISTOGRAMS) {
      const [f0, f1] = blockOf(p, blocks, b);
      for (let i = 0; i < count; i++) {
        const w = JOB_WORDS * i;
        histogram(at.bins, p, at.order, at.gh, jobs[w + 1], jobs[w + 2], f0, f1, at.slots + jobs[w] * bytes);
      }
      for (let i = 0; i < Atomics.load(control, PAIRS); i++) subtractHistogram(slot(pairs[2 * i])[0], slot(pairs[2 * i + 1])[0], valueBins, f0, f1);
      const s: SplitSettings = { l2: settings[0], minChildHessian: settings[1], minSplitGain: settings[2], valueBins, monotone };
      for (let i = 0; i < Atomics.load(control, SEARCHES); i++) {
        const [hist, candidates] = slot(searches[i]);
        featureSplits(hist, { g: stats[4 * i], h: stats[4 * i + 1], lo: stats[4 * i + 2], hi: stats[4 * i + 3] }, features, s, f0, f1, candidates, 0);
      }
      return;
    }
    const first = Atomics.load(control, FROM);
    const [from, to] = blockOf(Atomics.load(control, TO) - first, blocks, b).map((k) => k + first);
    if (kind === PARTITIONS) {
      for (let i = 0; i < count; i++) {
        const w = JOB_WORDS * i;
        const start = jobs[w];
        // An empty node at the end starts at `to`: the last block takes it.
        if (start < from || (start >= to && b < blocks - 1)) continue;
        jobs[w + 5] = partition(at.columns + jobs[w + 2] * rows, at.order, at.gh, at.scratchOrder + 4 * start, at.scratchGh + 16 * start, start, jobs[w + 1], jobs[w + 3], jobs[w + 4]);
      }
    } else if (kind === LEAF_VALUES) {
      addLeafValues(margin, order, jobs, values, count, from, to);
    } else {
      newtonStep(margin, labels, order, gh, from, to);
    }
  };
}

/**
 * Claims and does blocks of the current job until none is left (the caller's thread, 0, and the
 * workers alike), with this thread's `work`. A block that throws is still counted done, with the
 * worker's thread in FAILED, so the caller stops waiting and reports it.
 */
export function runBlocks(shared: PoolShared, thread: number, work: (b: number) => void): void {
  const { control, blocks } = shared;
  for (let b = Atomics.add(control, CLAIMED, 1); b < blocks; b = Atomics.add(control, CLAIMED, 1)) {
    try {
      work(b);
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
  /**
   * Views of the shared memory: the training bins (the caller fills them before the first job),
   * the row per position, the (gradient, hessian) per position, the margin and label per row.
   */
  readonly bins: TrainingBins;
  readonly order: Int32Array;
  readonly gh: Float64Array;
  readonly margin: Float64Array;
  readonly labels: Uint8Array;
  private readonly memory: WasmMemory;
  private readonly at: PoolLayout;
  private readonly work: (b: number) => void;
  private readonly p: number;
  private readonly rows: number;
  private readonly slots: [Float64Array, Float64Array][] = [];
  private readonly free: number[] = [];
  private readonly workers: Worker[] = [];
  private readonly names: string[] = [];
  private readonly unwatch: (() => void)[] = [];
  private readonly control: Int32Array;
  private readonly jobs: Int32Array;
  private readonly values: Float64Array;
  private readonly pairs: Int32Array;
  private readonly searches: Int32Array;
  private readonly stats: Float64Array;
  private readonly settings: Float64Array;
  private readonly valueBins: Int32Array;
  private readonly monotone: Int8Array;
  private readonly features: Uint8Array;
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

  private constructor(p: number, rows: number, readonly threads: number) {
    this.p = p;
    this.rows = rows;
    const layout = new Layout();
    this.at = {
      bins: layout.place(rows * p),
      columns: layout.place(rows * p),
      order: layout.place(4 * rows),
      gh: layout.place(16 * rows),
      scratchOrder: layout.place(4 * rows),
      scratchGh: layout.place(16 * rows),
      margin: layout.place(8 * rows),
      labels: layout.place(rows),
      slots: layout.size,
    };
    this.memory = grown(null, this.at.slots);
    const { buffer } = this.memory;
    this.bins = {
      rowMajor: new Uint8Array(buffer, this.at.bins, rows * p),
      byFeature: Array.from({ length: p }, (_, j) => new Uint8Array(buffer, this.at.columns + j * rows, rows)),
    };
    this.order = new Int32Array(buffer, this.at.order, rows);
    this.gh = new Float64Array(buffer, this.at.gh, 2 * rows);
    this.margin = new Float64Array(buffer, this.at.margin, rows);
    this.labels = new Uint8Array(buffer, this.at.labels, rows);
    this.control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
    this.jobs = new Int32Array(new SharedArrayBuffer(4 * JOB_WORDS * MAX_JOBS));
    this.values = new Float64Array(new SharedArrayBuffer(8 * MAX_JOBS));
    this.pairs = new Int32Array(new SharedArrayBuffer(4 * 2 * MAX_JOBS));
    this.searches = new Int32Array(new SharedArrayBuffer(4 * MAX_JOBS));
    this.stats = new Float64Array(new SharedArrayBuffer(8 * 4 * MAX_JOBS));
    this.settings = new Float64Array(new SharedArrayBuffer(8 * 3));
    this.valueBins = new Int32Array(new SharedArrayBuffer(4 * p));
    this.monotone = new Int8Array(new SharedArrayBuffer(p));
    this.features = new Uint8Array(new SharedArrayBuffer(p));
    this.blocks = blockCount(p, threads);
    this.work = blockWork(this.shared());
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

  /** The split settings and each feature's, for the searches of every job from here on. */
  configure(s: SplitSettings): void {
    this.settings.set([s.l2, s.minChildHessian, s.minSplitGain]);
    this.valueBins.set(s.valueBins);
    this.monotone.set(s.monotone);
  }

  /** The features the searches of every job from here on try: the tree's. */
  useFeatures(allowed: Uint8Array): void {
    this.features.set(allowed);
  }

  /** A node's slot (its histogram, its features' candidate splits), reused once released. */
  acquire(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    const index = this.slots.length;
    // Growing a shared memory leaves the earlier views valid; the workers' kernels see the new pages.
    grown(this.memory, this.at.slots + (index + 1) * slotBytes(this.p));
    this.slots.push(slotViews(this.memory, this.at.slots, this.p, index));
    return index;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  /** A slot's histogram. */
  slot(index: number): Float64Array {
    return this.slots[index][0];
  }

  /** A slot's candidate split per feature (CANDIDATE_WORDS each), as the last job's search left them. */
  candidates(index: number): Float64Array {
    return this.slots[index][1];
  }

  /**
   * Fills each listed node's slot with the histogram of its positions [start, end), then each
   * pair's parent slot with parent - child, then each searched node's candidates with its
   * features' best splits (among the tree's features; see useFeatures). At most MAX_JOBS of each.
   */
  async build(
    nodes: readonly { slot: number; start: number; end: number }[],
    pairs: readonly { parent: number; child: number }[] = [],
    searches: readonly { slot: number; g: number; h: number; lo: number; hi: number }[] = [],
  ): Promise<void> {
    if (Math.max(nodes.length, pairs.length, searches.length) > MAX_JOBS) throw new RangeError(`a histogram job holds at most ${MAX_JOBS} nodes, pairs and searches`);
    nodes.forEach((n, i) => {
      this.jobs[JOB_WORDS * i] = n.slot;
      this.jobs[JOB_WORDS * i + 1] = n.start;
      this.jobs[JOB_WORDS * i + 2] = n.end;
    });
    pairs.forEach((d, i) => {
      this.pairs[2 * i] = d.parent;
      this.pairs[2 * i + 1] = d.child;
    });
    searches.forEach((n, i) => {
      this.searches[i] = n.slot;
      this.stats.set([n.g, n.h, n.lo, n.hi], 4 * i);
    });
    Atomics.store(this.control, PAIRS, pairs.length);
    Atomics.store(this.control, SEARCHES, searches.length);
    await this.run(HISTOGRAMS, nodes.length, 0, 0);
  }

  /**
   * Stable partition of each node's positions [start, end) of the order and gradients by its
   * split on `feature` (left: bin <= cut, missing when `missingLeft`); returns each node's first
   * right position.
   */
  async partition(nodes: readonly { start: number; end: number; feature: number; cut: number; missingLeft: boolean }[]): Promise<number[]> {
    const mids: number[] = [];
    for (let from = 0; from < nodes.length; from += MAX_JOBS) {
      const part = nodes.slice(from, from + MAX_JOBS);
      part.forEach((n, i) => {
        const w = JOB_WORDS * i;
        this.jobs[w] = n.start;
        this.jobs[w + 1] = n.end;
        this.jobs[w + 2] = n.feature;
        this.jobs[w + 3] = n.cut;
        this.jobs[w + 4] = n.missingLeft ? 1 : 0;
      });
      await this.run(PARTITIONS, part.length, Math.min(...part.map((n) => n.start)), Math.max(...part.map((n) => n.end)));
      part.forEach((_, i) => mids.push(this.jobs[JOB_WORDS * i + 5]));
    }
    return mids;
  }

  /** Adds each leaf's value to the margins of its rows: `leaves` (node, start, end) per leaf, over positions of the order; `value` by node. */
  async addLeafValues(leaves: readonly number[], value: readonly number[], positions: number): Promise<void> {
    for (let from = 0; from < leaves.length / 3; from += MAX_JOBS) {
      const count = Math.min(MAX_JOBS, leaves.length / 3 - from);
      for (let l = 0; l < count; l++) {
        const at = 3 * (from + l);
        this.jobs[2 * l] = leaves[at + 1];
        this.jobs[2 * l + 1] = leaves[at + 2];
        this.values[l] = value[leaves[at]];
      }
      await this.run(LEAF_VALUES, count, 0, positions);
    }
  }

  /**
   * Each row's (gradient, hessian) at its margin, at positions [0, count) of the order. Once a
   * round, the caller yields to the event loop here: a worker's death is an event on it, and
   * without a turn of it a worker that died before claiming a block would go unnoticed while this
   * thread does its blocks.
   */
  async newtonStep(count: number): Promise<void> {
    await this.run(NEWTON, 0, 0, count);
    if (this.threads === 1) return;
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failure !== null) throw this.failure;
  }

  /** Runs one job on every thread; settles when all its blocks are done. */
  private async run(kind: number, count: number, from: number, to: number): Promise<void> {
    await this.ready;
    const { control } = this;
    Atomics.store(control, KIND, kind);
    Atomics.store(control, JOBS, count);
    Atomics.store(control, FROM, from);
    Atomics.store(control, TO, to);
    if (this.threads === 1) {
      this.work(0);
      return;
    }
    if (this.failure !== null) throw this.failure;
    // Every block of the previous job is done, so no thread reads the job words now; a worker
    // late for that job claims a block of this one, which it does as this one's.
    Atomics.store(control, DONE, 0);
    Atomics.store(control, CLAIMED, 0);
    Atomics.add(control, SEQ, 1);
    Atomics.notify(control, SEQ);
    runBlocks(this.shared(), 0, this.work);
    await this.allDone();
    const failed = Atomics.load(control, FAILED);
    if (failed !== 0) throw new WorkerError('model', this.names[failed - 1], 'failed (its message is above)', null);
  }

  private shared(): PoolShared {
    return {
      memory: this.memory, at: this.at, p: this.p, rows: this.rows, control: this.control, jobs: this.jobs, values: this.values, pairs: this.pairs,
      searches: this.searches, stats: this.stats, settings: this.settings, valueBins: this.valueBins, monotone: this.monotone, features: this.features, blocks: this.blocks,
    };
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
