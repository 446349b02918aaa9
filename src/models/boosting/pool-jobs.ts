/**
 * The jobs of boosting's pool: the words that describe one in memory shared by the threads, and
 * what a thread does with a block of one. A job is a level's histograms with its siblings' by
 * subtraction and each feature's best split (cut into blocks of features), a level's partitions
 * (a block is the nodes that start in its positions), or the per-row work between trees (leaf
 * values into the margins, then the next gradients; blocks of positions). A histogram's feature
 * is summed by one thread in position order, a feature's best split is found by one thread, a
 * node is partitioned by one thread, a row's figures come from its own values: the results are
 * the same bytes whichever thread does which block.
 */
import { instantiateOver, type Kernel, type WasmMemory } from '../trees/wasm.js';
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
export const KIND = 6;
export const FROM = 7;
export const TO = 8;
export const PAIRS = 9;
export const SEARCHES = 10;
export const CONTROL_WORDS = 11;

/** What a job does, and the words it gives each of its nodes or leaves. */
export const HISTOGRAMS = 0; // (slot, start, end) per node built, (parent, child) slots per pair, a slot per search; a block is features
export const PARTITIONS = 1; // (start, end, feature, cut, missing left, first right) per node; a block is the nodes starting in its positions
export const LEAF_VALUES = 2; // (start, end) per leaf, its value in `values`; a block is positions
export const NEWTON = 3; // no words; a block is positions
export const JOB_WORDS = 6;
/** Nodes a job holds at most (a call with more runs as several jobs). */
export const MAX_JOBS = 4096;

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
 * Blocks a job is cut into: one per thread. Each histogram block reads every row of its nodes
 * again (a cache line per row, the kernel's dearest load), so fewer blocks cost less: 4 per
 * thread took 5-20% more CPU and wall on 2 threads than 1, even on a busy machine. A thread that
 * has not started leaves its block to the caller, which claims it. Every kind of job has the same
 * count, so a claim a late worker makes on the job before is never a block of this one.
 */
export function blockCount(p: number, threads: number): number {
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

