/**
 * Boosting's work on every core: the pool of threads that do its jobs (pool-jobs.ts). Each thread
 * (the caller's and W - 1 workers) claims the next unclaimed block of a job, and within it the
 * next unclaimed item (a row block, a node), with atomic counters, so a worker that is asleep or
 * descheduled never holds the caller up: the caller takes what it has not claimed, and waits
 * only for work in progress. The bins, the row order,
 * the gradients, the margins and the histogram slots live in one WebAssembly memory shared by the
 * threads; a job is a few integers and a sequence number (Atomics), not a message. A worker that
 * dies (exits, runs out of memory) is reported on the event loop: the caller yields to it once a
 * round, its wait for a block in progress turns asynchronous after a few milliseconds, and the
 * fit waits for every worker at its end, so the fit fails with a WorkerError.
 */
import type { Worker } from 'node:worker_threads';
import { ModelError, WorkerError } from '../../errors.js';
import { siblingModule, startWorker, watchWorker } from '../../io/worker-thread.js';
import { Layout, PAGE, sharedMemory, type WasmMemory } from '../trees/wasm.js';
import type { TrainingBins } from './bin-rows.js';
import {
  blockCount, blockOf, blockWork, CLAIMED, CONTROL_WORDS, DONE, FAILED, histogramBlockRows, HISTOGRAMS, ITEMS, JOB_WORDS, JOBS, KIND, LEAF_VALUES,
  MAX_EXTRA_BLOCKS, MAX_JOBS, NEWTON, NEXT_ITEM, NODE_WORDS, PARTITIONS, runBlocks, SEARCH_NODE, SEARCH_SIBLING, SEQ, slotBytes, slotViews, STOP,
  POSITIONS, type PoolLayout, type PoolShared, type WorkerInit,
} from './pool-jobs.js';
import type { NodeStats, SplitSettings } from './split.js';

/**
 * A node whose histogram a job builds, in its slot, from its positions [start, end) of the order;
 * its sibling's (in the parent's slot, -1: none) by subtraction; the features' best splits of
 * either (`search`, `siblingSearch`: its statistics; null: none).
 */
export interface HistogramNode {
  slot: number;
  start: number;
  end: number;
  sibling: number;
  search: NodeStats | null;
  siblingSearch: NodeStats | null;
}

/** Items by rows, most first (ties in their order): the threads claim them so, and the last ones claimed are short. */
function largestFirst<T extends { rows: number }>(items: T[]): T[] {
  return items.sort((a, b) => b.rows - a.rows);
}

/** How long the caller waits for a worker on its own thread before waiting on the event loop, where deaths are reported. */
const BLOCKING_WAIT_MS = 5;

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
  private readonly state: PoolShared;
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
  private readonly items: Int32Array;
  private readonly remaining: Int32Array;
  private readonly scratch: Int32Array;
  private readonly values: Float64Array;
  private readonly sums: Float64Array;
  private readonly stats: Float64Array;
  private readonly settings: Float64Array;
  private readonly valueBins: Int32Array;
  private readonly monotone: Int8Array;
  private readonly features: Uint8Array;
  private readonly blocks: number;
  private readonly blockRows: number;
  private failure: WorkerError | null = null;
  private reportDeath: () => void = () => {};
  /** Settles when a worker dies. */
  private readonly death = new Promise<void>((resolve) => { this.reportDeath = resolve; });
  private readonly ready: Promise<void>;

  /**
   * Starts the pool's workers for `rows` × `p` bins without waiting for them: they load while the
   * caller bins the rows into `bins`, and each joins the jobs once it has loaded (until then the
   * caller does their blocks). `finish` waits for them.
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
      valueBins: layout.place(4 * p),
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
    this.jobs = new Int32Array(new SharedArrayBuffer(4 * Math.max(JOB_WORDS, NODE_WORDS) * MAX_JOBS));
    this.items = new Int32Array(new SharedArrayBuffer(4 * 2 * (MAX_JOBS + MAX_EXTRA_BLOCKS)));
    this.remaining = new Int32Array(new SharedArrayBuffer(4 * MAX_JOBS));
    this.scratch = new Int32Array(new SharedArrayBuffer(4 * MAX_EXTRA_BLOCKS));
    this.values = new Float64Array(new SharedArrayBuffer(8 * MAX_JOBS));
    this.sums = new Float64Array(new SharedArrayBuffer(8 * 2 * (MAX_EXTRA_BLOCKS + 1)));
    this.stats = new Float64Array(new SharedArrayBuffer(8 * 8 * MAX_JOBS));
    this.settings = new Float64Array(new SharedArrayBuffer(8 * 3));
    this.valueBins = new Int32Array(buffer, this.at.valueBins, p);
    this.monotone = new Int8Array(new SharedArrayBuffer(p));
    this.features = new Uint8Array(new SharedArrayBuffer(p));
    this.blocks = blockCount(p, threads);
    this.blockRows = histogramBlockRows(rows);
    // What every thread's blocks read: made once, as every job reads it.
    this.state = {
      memory: this.memory, at: this.at, p, rows, control: this.control, jobs: this.jobs, items: this.items, remaining: this.remaining, scratch: this.scratch,
      values: this.values, sums: this.sums, stats: this.stats, settings: this.settings, valueBins: this.valueBins, monotone: this.monotone, features: this.features, blocks: this.blocks,
    };
    this.work = blockWork(this.state);
    for (let t = 1; t < threads; t++) {
      const init: WorkerInit = { ...this.state, thread: t };
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
    // Awaited by `finish`; a fit that fails before it must not leave the rejection unhandled.
    this.ready.catch(() => {});
  }

  /** Settles once every worker listens (it has met every job posted before); a worker that died first is the pool's failure. */
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
   * Fills each node's slot with the histogram of its positions, then its sibling's slot (the
   * parent's histogram) with parent - node, then the candidates of the nodes searched with their
   * features' best splits (among the tree's features; see useFeatures). A node of more than one
   * row block (histogramBlockRows) is summed block by block, each into a slot of its own, then the
   * blocks added in order. At most MAX_JOBS nodes.
   */
  async build(nodes: readonly HistogramNode[]): Promise<void> {
    if (nodes.length > MAX_JOBS) throw new RangeError(`a histogram job holds at most ${MAX_JOBS} nodes`);
    const { jobs, stats } = this;
    const scratch: number[] = [];
    const items: { node: number; block: number; rows: number }[] = [];
    nodes.forEach((n, i) => {
      const w = NODE_WORDS * i;
      const parts = Math.max(1, Math.ceil((n.end - n.start) / this.blockRows));
      jobs[w] = n.slot;
      jobs[w + 1] = n.start;
      jobs[w + 2] = n.end;
      jobs[w + 3] = n.sibling;
      jobs[w + 4] = parts;
      jobs[w + 5] = scratch.length;
      jobs[w + 6] = (n.search === null ? 0 : SEARCH_NODE) | (n.siblingSearch === null ? 0 : SEARCH_SIBLING);
      this.remaining[i] = parts;
      if (n.search !== null) stats.set([n.search.g, n.search.h, n.search.lo, n.search.hi], 8 * i);
      if (n.siblingSearch !== null) stats.set([n.siblingSearch.g, n.siblingSearch.h, n.siblingSearch.lo, n.siblingSearch.hi], 8 * i + 4);
      for (let block = 0; block < parts; block++) {
        const [from, to] = blockOf(n.end - n.start, parts, block);
        items.push({ node: i, block, rows: to - from });
        if (block > 0) scratch.push(this.acquire());
      }
    });
    this.scratch.set(scratch);
    largestFirst(items).forEach((item, k) => {
      this.items[2 * k] = item.node;
      this.items[2 * k + 1] = item.block;
    });
    try {
      await this.run(HISTOGRAMS, nodes.length, 0, items.length);
    } finally {
      for (const slot of scratch) this.release(slot);
    }
  }

  /**
   * Stable partition of each node's positions [start, end) of the order and gradients by its
   * split on `feature` (left: bin <= cut, missing when `missingLeft`); returns each node's first
   * right position. A node split `toLeaves` (its children's values, both leaves) is not
   * partitioned: each of its rows takes its child's value into its margin.
   */
  async partition(nodes: readonly { start: number; end: number; feature: number; cut: number; missingLeft: boolean; toLeaves: [number, number] | null }[]): Promise<number[]> {
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
        this.jobs[w + 6] = n.toLeaves === null ? 0 : 1;
        if (n.toLeaves !== null) this.stats.set(n.toLeaves, 8 * i);
      });
      largestFirst(part.map((n, node) => ({ node, rows: n.end - n.start }))).forEach((item, k) => { this.items[k] = item.node; });
      await this.run(PARTITIONS, part.length, 0, part.length);
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
      await this.run(LEAF_VALUES, count, positions);
    }
  }

  /**
   * Each row's (gradient, hessian) at its margin, at positions [0, count) of the order; returns
   * their sums (the root's), each row block's (histogramBlockRows) added in block order. Once a
   * round, the caller yields to the event loop here: a worker's death is an event on it, and
   * without a turn of it a worker that died before claiming a block would go unnoticed while this
   * thread does its blocks.
   */
  async newtonStep(count: number): Promise<{ g: number; h: number }> {
    const parts = Math.max(1, Math.ceil(count / this.blockRows));
    await this.run(NEWTON, 0, count, parts);
    let g = 0;
    let h = 0;
    for (let k = 0; k < parts; k++) {
      g += this.sums[2 * k];
      h += this.sums[2 * k + 1];
    }
    if (this.threads > 1) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.failure !== null) throw this.failure;
    }
    return { g, h };
  }

  /**
   * Once the last job is done: waits until every worker has loaded, so a worker that died, even
   * before it took any block, fails the fit with its WorkerError.
   */
  async finish(): Promise<void> {
    await this.ready;
    if (this.failure !== null) throw this.failure;
  }

  /** Runs one job on every thread (`count` nodes or leaves, over positions [0, `positions`), in `items` items); settles when all its blocks are done. */
  private async run(kind: number, count: number, positions: number, items = 0): Promise<void> {
    const { control } = this;
    Atomics.store(control, KIND, kind);
    Atomics.store(control, JOBS, count);
    Atomics.store(control, POSITIONS, positions);
    Atomics.store(control, ITEMS, items);
    Atomics.store(control, NEXT_ITEM, 0);
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
    runBlocks(this.state, 0, this.work);
    await this.allDone();
    const failed = Atomics.load(control, FAILED);
    if (failed !== 0) throw new WorkerError('model', this.names[failed - 1], 'failed (its message is above)', null);
  }

  /** Waits until every block of the job is done: briefly on this thread (the usual case), then on the event loop. */
  private async allDone(): Promise<void> {
    for (let done = Atomics.load(this.control, DONE); done < this.blocks; done = Atomics.load(this.control, DONE)) {
      if (this.failure !== null) throw this.failure;
      if (Atomics.wait(this.control, DONE, done, BLOCKING_WAIT_MS) !== 'timed-out') continue;
      const waiting = Atomics.waitAsync(this.control, DONE, done);
      if (!waiting.async) continue;
      // A pending waitAsync does not keep Node's event loop alive, nor do the workers once they
      // have loaded (unref'd then, whenever that is): a timer does.
      const alive = setInterval(() => {}, 60_000);
      try {
        await Promise.race([waiting.value, this.death]);
      } finally {
        clearInterval(alive);
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

