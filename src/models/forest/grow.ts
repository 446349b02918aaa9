/**
 * Grows a set of trees (by index) on shared binned data; the same code runs in the main thread
 * and in workers, and tree t depends only on the forest seed and t.
 */
import type { Binned } from './binning.js';
import { growTree, leafOf, type Tree, type TreeParams } from './tree.js';

export interface GrowJob {
  binned: Binned;
  y: Uint8Array;
  params: TreeParams;
  forestSeed: number;
  treeIndices: number[];
}

/** A worker's message that one more tree is grown. */
export const TREE_DONE = 'tree';

export interface GrownEntry {
  index: number;
  tree: Tree;
  importance: Float64Array;
  inBag: Uint8Array;
}

export function treeSeed(forestSeed: number, t: number): number {
  return (Math.imul(forestSeed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(t + 1, 0xc2b2ae35)) >>> 0;
}

/** Out-of-bag rows are scored on their bins: the cut points of the binned data are the thresholds. */
export function leafOfBinned(tree: Tree, binned: Binned, row: number): number {
  let node = 0;
  while (tree.feature[node] >= 0) {
    const f = tree.feature[node];
    const b = binned.bins[f][row];
    // left when value <= threshold, i.e. the row's bin upper cut is <= threshold
    node = b < binned.thresholds[f].length && binned.thresholds[f][b] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  }
  return node;
}

/** Grows the job's trees; `onTree` is called after each (progress). */
export function growTrees(job: GrowJob, onTree: () => void = () => {}): GrownEntry[] {
  return job.treeIndices.map((t) => {
    const grown = growTree(job.binned, job.y, job.params, treeSeed(job.forestSeed, t));
    onTree();
    return { index: t, tree: grown.tree, importance: grown.importance, inBag: grown.inBag };
  });
}

export { leafOf };
