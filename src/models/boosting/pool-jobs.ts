/**
 * The jobs of boosting's pool: the words that describe one in memory shared by the threads, and
 * what a thread does with a block of one. A job is a level's histograms (items: each node's row
 * blocks; the thread that ends a node's last block adds them up, derives its sibling by
 * subtraction and searches both for each feature's best split), a level's partitions (items: its
 * nodes), or the per-row work between trees (leaf values into the margins, then the next
 * gradients; blocks of positions). Threads claim items largest first, one at a time, so they
 * end together. A node's row blocks depend on its row count alone, each is summed by one thread
 * in position order and the blocks are added in block order; a node is partitioned by one thread;
 * a row's figures come from its own values: the results are the same bytes whichever thread does
 * which item or block, for any number of threads.
 */
import { instantiateOver, type Kernel, type WasmMemory } from '../trees/wasm.js';
import { addHistogram, FEATURE_STRIDE, subtractHistogram } from './histogram.js';
import { WASM_BASE64 } from './histogram-wasm.js';
import { addLeafValues, newtonStep } from './newton-step.js';
import { CANDIDATE_WORDS, featureSplits, type SplitSettings } from './split.js';

/**
 * Control words: the job's sequence number, its node count, stop flag, the thread of a worker's
 * error, the next unclaimed block, the blocks done, what the job does, the positions [0, POSITIONS)
 * it spans (the per-row jobs), its items and the next unclaimed one.
 */
export const SEQ = 0;
export const JOBS = 1;
export const STOP = 2;
export const FAILED = 3;
export const CLAIMED = 4;
export const DONE = 5;
export const KIND = 6;
export const POSITIONS = 7;
export const ITEMS = 8;
export const NEXT_ITEM = 9;
export const CONTROL_WORDS = 10;

/** What a job does, and the words it gives each of its nodes or leaves. */
export const HISTOGRAMS = 0; // NODE_WORDS per node built, (node, row block) per item
export const PARTITIONS = 1; // (start, end, feature, cut, missing left, first right, to leaves) per node, a node per item; a split to leaves' values in `stats`
export const LEAF_VALUES = 2; // (start, end) per leaf, its value in `values`; a block is positions
export const NEWTON = 3; // no words; the positions cut into ITEMS row blocks (histogramBlockRows), an item each, its sums in `sums`
export const JOB_WORDS = 7;
/** A histogram job's words per node: its slot, positions [start, end), its sibling's slot (parent - it; -1: none), row blocks, first scratch slot in `scratch`, what to search (SEARCH_*). */
export const NODE_WORDS = 7;
export const SEARCH_NODE = 1;
export const SEARCH_SIBLING = 2;
/** Nodes a job holds at most (a call with more runs as several jobs). */
export const MAX_JOBS = 4096;
/** Row blocks of a histogram job at most beyond one a node (see histogramBlockRows). */
export const MAX_EXTRA_BLOCKS = 64;

/**
 * Rows of a histogram's row block (the last of a node's blocks may be shorter): a node of more is
 * summed block by block by the threads, each block into a slot of its own, then added in block
 * order. Fixed by the training rows alone, so the sums are the same bytes for any thread count;
 * at least 8,192 rows (a block's own slot costs its bins to clear and add, which a few thousand
 * rows repay; a node of up to 8,192 rows is summed in one pass, as before the blocks), and enough
 * that a job's blocks beyond one a node stay within MAX_EXTRA_BLOCKS (so do the scratch slots
 * they fill).
 */
export function histogramBlockRows(rows: number): number {
  return Math.max(8192, Math.ceil(rows / MAX_EXTRA_BLOCKS));
}

/**
 * Byte addresses in the shared memory: bins (row-major rows × p), columns (the same, feature-major),
 * order (i32 row per position), gh ((gradient, hessian) per position), the partition's scratch for
 * both (a node's at its own positions), the margins and labels (by row), each feature's value
 * bins (i32), then the histogram slots.
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
  valueBins: number;
  slots: number;
}

export interface PoolShared {
  memory: WasmMemory;
  at: PoolLayout;
  p: number;
  rows: number;
  control: Int32Array;
  jobs: Int32Array; // JOB_WORDS per node or leaf (NODE_WORDS in a histogram job)
  items: Int32Array; // an item job's items, in the order they are claimed: (node, row block) for histograms, a node for partitions
  remaining: Int32Array; // per node of a histogram job: its row blocks not yet summed
  scratch: Int32Array; // the slots of the nodes' row blocks past the first
  values: Float64Array; // a leaf's value per leaf
  sums: Float64Array; // (gradient, hessian) sums per row block of a NEWTON job
  stats: Float64Array; // (g, h, lo, hi) per node searched, then per sibling searched, 8 a node
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
export function slotBytes(p: number): number {
  return 8 * p * (FEATURE_STRIDE + CANDIDATE_WORDS);
}

/** A slot's views (histogram, candidates) in `memory`, from the slots at `at`. */
export function slotViews(memory: WasmMemory, at: number, p: number, index: number): [Float64Array, Float64Array] {
  const from = at + index * slotBytes(p);
  return [new Float64Array(memory.buffer, from, p * FEATURE_STRIDE), new Float64Array(memory.buffer, from + 8 * p * FEATURE_STRIDE, p * CANDIDATE_WORDS)];
}

/** Items [from, to) of block b when `n` items are cut into `blocks` contiguous blocks of nearly equal size. */
export function blockOf(n: number, blocks: number, b: number): [number, number] {
  return [Math.floor((b * n) / blocks), Math.floor(((b + 1) * n) / blocks)];
}

/**
 * Blocks a job is cut into: one per thread (a histogram job's block claims items until none is
 * left, so its count only bounds the threads that take part). A thread that has not started
 * leaves its block to the caller, which claims it. Every kind of job has the same count, so a
 * claim a late worker makes on the job before is never a block of this one; items are claimed
 * only inside a block, and every block of a job is done before the next job resets the items.
 */
export function blockCount(p: number, threads: number): number {
  return Math.min(p, threads);
}

/** This thread's work on block b of the current job, over the pool's memory with its own instance of the kernels. */
export function blockWork(shared: PoolShared): (b: number) => void {
  const { at, p, rows, control, jobs, items, remaining, scratch, values, sums, stats, settings, valueBins, monotone, features, blocks } = shared;
  const kernels = instantiateOver(WASM_BASE64, shared.memory);
  const histogram = kernels.histogram as Kernel;
  const partition = kernels.partition as unknown as (...args: number[]) => number;
  const splitToLeaves = kernels.splitToLeaves as unknown as (...args: number[]) => number;
  const { buffer } = shared.memory;
  const order = new Int32Array(buffer, at.order, rows);
  const gh = new Float64Array(buffer, at.gh, 2 * rows);
  const margin = new Float64Array(buffer, at.margin, rows);
  const labels = new Uint8Array(buffer, at.labels, rows);
  const bytes = slotBytes(p);
  // Slots are made as the fit needs them; a view of one made once stays valid as the memory grows.
  const views: [Float64Array, Float64Array][] = [];
  const slot = (index: number): [Float64Array, Float64Array] => (views[index] ??= slotViews(shared.memory, at.slots, p, index));
  /** Node i's sibling by subtraction and its searches, once its histogram is whole. */
  const finish = (i: number): void => {
    const w = NODE_WORDS * i;
    const [hist, candidates] = slot(jobs[w]);
    const sibling = jobs[w + 3];
    if (sibling >= 0) subtractHistogram(slot(sibling)[0], hist, valueBins);
    const s: SplitSettings = { l2: settings[0], minChildHessian: settings[1], minSplitGain: settings[2], valueBins, monotone };
    const search = jobs[w + 6];
    if ((search & SEARCH_NODE) !== 0) featureSplits(hist, { g: stats[8 * i], h: stats[8 * i + 1], lo: stats[8 * i + 2], hi: stats[8 * i + 3] }, features, s, candidates);
    if ((search & SEARCH_SIBLING) !== 0) {
      const [siblingHist, siblingCandidates] = slot(sibling);
      featureSplits(siblingHist, { g: stats[8 * i + 4], h: stats[8 * i + 5], lo: stats[8 * i + 6], hi: stats[8 * i + 7] }, features, s, siblingCandidates);
    }
  };
  /** Node i's histogram once each of its row blocks is summed: the blocks past the first added to it in order, then finish. */
  const sumBlocks = (i: number): void => {
    const w = NODE_WORDS * i;
    const hist = slot(jobs[w])[0];
    for (let block = 1; block < jobs[w + 4]; block++) addHistogram(hist, slot(scratch[jobs[w + 5] + block - 1])[0], valueBins);
    finish(i);
  };
  return (b) => {
    const count = Atomics.load(control, JOBS);
    const kind = Atomics.load(control, KIND);
    if (kind !== LEAF_VALUES) {
      // Items, not the block: a thread claims the next until none is left.
      const itemCount = Atomics.load(control, ITEMS);
      for (let k = Atomics.add(control, NEXT_ITEM, 1); k < itemCount; k = Atomics.add(control, NEXT_ITEM, 1)) {
        if (kind === NEWTON) {
          const [from, to] = blockOf(Atomics.load(control, POSITIONS), itemCount, k);
          newtonStep(margin, labels, order, gh, from, to, sums, 2 * k);
          continue;
        }
        if (kind === PARTITIONS) {
          const i = items[k];
          const w = JOB_WORDS * i;
          const start = jobs[w];
          const column = at.columns + jobs[w + 2] * rows;
          jobs[w + 5] = jobs[w + 6] === 1
            ? start + splitToLeaves(column, at.order, at.margin, start, jobs[w + 1], jobs[w + 3], jobs[w + 4], stats[8 * i], stats[8 * i + 1])
            : partition(column, at.order, at.gh, at.scratchOrder + 4 * start, at.scratchGh + 16 * start, start, jobs[w + 1], jobs[w + 3], jobs[w + 4]);
          continue;
        }
        const i = items[2 * k];
        const block = items[2 * k + 1];
        const w = NODE_WORDS * i;
        const start = jobs[w + 1];
        const parts = jobs[w + 4];
        const [from, to] = blockOf(jobs[w + 2] - start, parts, block);
        const into = block === 0 ? jobs[w] : scratch[jobs[w + 5] + block - 1];
        histogram(at.bins, p, at.order, at.gh, start + from, start + to, at.slots + into * bytes, at.valueBins);
        // The thread that sums a node's last block finds the others' sums there (the atomic orders them).
        if (Atomics.sub(remaining, i, 1) === 1) sumBlocks(i);
      }
      return;
    }
    const [from, to] = blockOf(Atomics.load(control, POSITIONS), blocks, b);
    addLeafValues(margin, order, jobs, values, count, from, to);
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

