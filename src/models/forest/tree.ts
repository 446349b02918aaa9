/**
 * One classification tree grown on binned features: bootstrap rows, a fresh random feature subset
 * at every split, Gini histogram split search. Nodes are flat arrays; a leaf has feature -1.
 */
import { Rng } from '../../rng.js';
import type { Binned } from './binning.js';

export interface TreeParams {
  maxDepth: number;
  minSamplesLeaf: number;
  mtry: number; // features tried per split
}

export interface Tree {
  feature: number[]; // -1 at leaves
  threshold: number[]; // raw units: go left when !(x > threshold)
  left: number[];
  right: number[];
  value: number[]; // P(churn) among the node's bootstrap rows, rounded to 1e-9
  n: number[]; // bootstrap rows in the node
}

export interface GrownTree {
  tree: Tree;
  importance: Float64Array; // Gini decrease per feature (weighted by rows)
  inBag: Uint8Array; // bootstrap count per row (capped at 255), 0 = out of bag
}

const round9 = (v: number): number => Math.round(v * 1e9) / 1e9;

export function growTree(data: Binned, y: Uint8Array, params: TreeParams, seed: number): GrownTree {
  const rng = new Rng(seed);
  const n = data.rows;
  const p = data.bins.length;
  const rows = new Int32Array(n);
  const inBag = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = rng.int(n);
    rows[i] = r;
    if (inBag[r] < 255) inBag[r]++;
  }
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [], n: [] };
  const importance = new Float64Array(p);
  const cnt = new Float64Array(256);
  const pos = new Float64Array(256);
  const featurePool = Int32Array.from({ length: p }, (_, j) => j);

  const addNode = (count: number, positives: number): number => {
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(round9(positives / count));
    tree.n.push(count);
    return tree.feature.length - 1;
  };

  // Explicit stack of (node, start, end, depth) over the shared rows array.
  let rootPos = 0;
  for (let i = 0; i < n; i++) rootPos += y[rows[i]];
  const stack: [number, number, number, number, number][] = [[addNode(n, rootPos), 0, n, 0, rootPos]];
  while (stack.length > 0) {
    const [node, start, end, depth, nodePos] = stack.pop() as [number, number, number, number, number];
    const count = end - start;
    if (depth >= params.maxDepth || count < 2 * params.minSamplesLeaf || nodePos === 0 || nodePos === count) continue;

    const parentImpurity = count - (nodePos * nodePos + (count - nodePos) * (count - nodePos)) / count; // count × Gini
    let bestGain = 1e-12;
    let bestFeature = -1;
    let bestBin = -1;
    // Partial Fisher–Yates: the first mtry entries of the pool are this split's features.
    for (let k = 0; k < params.mtry && k < p; k++) {
      const swap = k + rng.int(p - k);
      const t = featurePool[k];
      featurePool[k] = featurePool[swap];
      featurePool[swap] = t;
      const f = featurePool[k];
      const nb = data.thresholds[f].length + 1;
      if (nb < 2) continue;
      cnt.fill(0, 0, nb);
      pos.fill(0, 0, nb);
      const bins = data.bins[f];
      for (let s = start; s < end; s++) {
        const r = rows[s];
        const b = bins[r];
        cnt[b]++;
        pos[b] += y[r];
      }
      let nl = 0;
      let pl = 0;
      for (let b = 0; b < nb - 1; b++) {
        nl += cnt[b];
        pl += pos[b];
        const nr = count - nl;
        if (nl < params.minSamplesLeaf) continue;
        if (nr < params.minSamplesLeaf) break;
        const pr = nodePos - pl;
        const childImpurity = nl - (pl * pl + (nl - pl) * (nl - pl)) / nl + nr - (pr * pr + (nr - pr) * (nr - pr)) / nr;
        const gain = parentImpurity - childImpurity;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestBin = b;
        }
      }
    }
    if (bestFeature < 0) continue;

    // Partition rows[start, end) by bin <= bestBin.
    const bins = data.bins[bestFeature];
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (bins[rows[i]] <= bestBin) i++;
      else {
        const t = rows[i];
        rows[i] = rows[j];
        rows[j] = t;
        j--;
      }
    }
    let leftPos = 0;
    for (let s = start; s < i; s++) leftPos += y[rows[s]];
    importance[bestFeature] += bestGain;
    tree.feature[node] = bestFeature;
    tree.threshold[node] = data.thresholds[bestFeature][bestBin];
    const l = addNode(i - start, leftPos);
    const r = addNode(end - i, nodePos - leftPos);
    tree.left[node] = l;
    tree.right[node] = r;
    stack.push([r, i, end, depth + 1, nodePos - leftPos], [l, start, i, depth + 1, leftPos]);
  }
  return { tree, importance, inBag };
}

/** The leaf a row lands in. */
export function leafOf(tree: Tree, columns: readonly Float64Array[], row: number): number {
  let node = 0;
  while (tree.feature[node] >= 0) {
    node = columns[tree.feature[node]][row] > tree.threshold[node] ? tree.right[node] : tree.left[node];
  }
  return node;
}
