/**
 * Boosting's per-row work between trees, cut into ranges of positions the pool's threads share:
 * a tree's leaf values added to its rows' margins, then each row's gradient and hessian of the
 * log-loss at its margin, and their sums over the range (the root's, added range by range). A
 * row's figures come from its own values alone, and the ranges are fixed by the row count, so the
 * bytes do not depend on which thread computes which range.
 */
import { sigmoid } from '../sigmoid.js';

/**
 * Positions [from, to) of `order`: each row's (gradient, hessian) at its margin, into `gh` at the
 * position; their sums, in position order, into sums[at] and sums[at + 1].
 */
export function newtonStep(margin: Float64Array, y: Uint8Array, order: Int32Array, gh: Float64Array, from: number, to: number, sums: Float64Array, at: number): void {
  let g = 0;
  let h = 0;
  for (let k = from; k < to; k++) {
    const i = order[k];
    const q = sigmoid(margin[i]);
    const gk = q - y[i];
    const hk = Math.max(q * (1 - q), 1e-16);
    gh[2 * k] = gk;
    gh[2 * k + 1] = hk;
    g += gk;
    h += hk;
  }
  sums[at] = g;
  sums[at + 1] = h;
}

/**
 * Adds leaf l's value (`values[l]`) to the margin of each row at positions [leaves[2l],
 * leaves[2l + 1]) of `order`, for the `count` leaves, within positions [from, to).
 */
export function addLeafValues(
  margin: Float64Array, order: Int32Array, leaves: Int32Array, values: Float64Array, count: number, from: number, to: number,
): void {
  for (let l = 0; l < count; l++) {
    const value = values[l];
    const end = Math.min(to, leaves[2 * l + 1]);
    for (let k = Math.max(from, leaves[2 * l]); k < end; k++) margin[order[k]] += value;
  }
}
