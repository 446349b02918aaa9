/**
 * What a node's split does to its rows, the references for the WebAssembly kernels the fit runs
 * (histogram.wat), bit for bit. The stable partition (partition): positions [start, end) of `order` and
 * their (gradient, hessian) pairs in `gh`, rows whose bin in `column` (the split feature's bins,
 * by row) is at most `cut` first in their order (missing ones when `missingLeft`), then the
 * others in theirs. Returns the first right position.
 */
import { MISSING_BIN } from './histogram.js';

export function partitionRows(
  column: Uint8Array, order: Int32Array, gh: Float64Array, scratchOrder: Int32Array, scratchGh: Float64Array,
  start: number, end: number, cut: number, missingLeft: boolean,
): number {
  let l = start;
  let r = 0;
  for (let k = start; k < end; k++) {
    const row = order[k];
    const b = column[row];
    const goesLeft = b === MISSING_BIN ? missingLeft : b <= cut;
    if (goesLeft) {
      order[l] = row;
      gh[2 * l] = gh[2 * k];
      gh[2 * l + 1] = gh[2 * k + 1];
      l++;
    } else {
      scratchOrder[r] = row;
      scratchGh[2 * r] = gh[2 * k];
      scratchGh[2 * r + 1] = gh[2 * k + 1];
      r++;
    }
  }
  order.set(scratchOrder.subarray(0, r), l);
  gh.set(scratchGh.subarray(0, 2 * r), 2 * l);
  return l;
}

/**
 * The last split of a tree's rows when both children are leaves, the reference for the
 * WebAssembly kernel (histogram.wat, splitToLeaves): no partition, each row of positions [start,
 * end) of `order` takes its child's value into its margin; returns how many went left.
 */
export function splitToLeaves(
  column: Uint8Array, order: Int32Array, margin: Float64Array, start: number, end: number, cut: number, missingLeft: boolean, valueLeft: number, valueRight: number,
): number {
  let lefts = 0;
  for (let k = start; k < end; k++) {
    const row = order[k];
    const b = column[row];
    const goesLeft = b === MISSING_BIN ? missingLeft : b <= cut;
    margin[row] += goesLeft ? valueLeft : valueRight;
    if (goesLeft) lefts++;
  }
  return lefts;
}
