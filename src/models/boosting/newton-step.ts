/**
 * Boosting's per-row work between trees, cut into ranges of positions the pool's threads share:
 * a tree's leaf values added to its rows' margins, then each row's gradient and hessian of the
 * log-loss at its margin. A row's figures come from its own values alone, so the bytes do not
 * depend on which thread computes which range.
 */
import { sigmoid } from '../sigmoid.js';

/** Positions [from, to) of `order`: each row's (gradient, hessian) at its margin, into `gh` at the position. */
export function newtonStep(margin: Float64Array, y: Uint8Array, order: Int32Array, gh: Float64Array, from: number, to: number): void {
  for (let k = from; k < to; k++) {
    const i = order[k];
    const q = sigmoid(margin[i]);
    gh[2 * k] = q - y[i];
    gh[2 * k + 1] = Math.max(q * (1 - q), 1e-16);
  }
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
