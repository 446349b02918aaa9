/**
 * Integrated gradients (Sundararajan, Taly & Yan 2017) of the sequence network's logit, from a
 * baseline customer with every month observed at the training mean of every channel and static:
 * part_j = (x_j − x'_j) · ∫₀¹ ∂logit/∂x_j (x' + α (x − x')) dα, the integral by Gauss–Legendre
 * quadrature. The parts sum to logit(x) − logit(x') (completeness) up to the quadrature's error,
 * which each customer's own sum measures: a customer whose sum misses by more than the tolerance
 * is integrated again with twice the nodes. On the demo's operator 16 nodes leave 4% of customers
 * above 1e-3 (their months sharp enough that the integrand bends fast), 32 nodes none.
 */
import { gaussLegendre } from '../gauss-legendre.js';
import type { SequenceKernel } from './kernel.js';
import type { SequenceBatch } from './layout.js';

/** The largest gap a customer's parts may leave between their sum and logit − base. */
export const COMPLETENESS_TOLERANCE = 1e-4;
/** Nodes are doubled up to this many (none of the demo's 39k customers needed more than 64); the most ig_steps may ask. */
export const MOST_NODES = 256;

/** How far a row's parts miss logit − base. */
function gap(parts: Float64Array, row: number, width: number, logit: number, base: number): number {
  let s = 0;
  for (let j = 0; j < width; j++) s += parts[row * width + j];
  return Math.abs(s - (logit - base));
}

/** The n-point rule on [0, 1], or on [0, kink] and [kink, 1] with n points each. */
function rule(n: number, kink: number | null): { nodes: Float64Array; weights: Float64Array } {
  const { nodes, weights } = gaussLegendre(n);
  if (kink === null) return { nodes, weights };
  const both = { nodes: new Float64Array(2 * n), weights: new Float64Array(2 * n) };
  for (let k = 0; k < n; k++) {
    both.nodes[k] = kink * nodes[k];
    both.weights[k] = kink * weights[k];
    both.nodes[n + k] = kink + (1 - kink) * nodes[k];
    both.weights[n + k] = (1 - kink) * weights[k];
  }
  return both;
}

/**
 * Parts per input of each row, row-major in the model's feature order (cells oldest month first,
 * then masks, then statics), from `steps` nodes upwards until every row is complete within the
 * tolerance. A row's parts depend on the row alone, never on the batch it came in.
 */
export function integratedGradients(kernel: SequenceKernel, batch: SequenceBatch, logits: Float32Array, base: number, steps: number): Float64Array {
  const P = kernel.parts;
  const W = kernel.shape.months;
  const out = new Float64Array(batch.rows * P);
  // A row observed in no month of its window: on the path its masks sum to W (1 − α), which the
  // network clamps at 1 (the mean over active months), so the gradient jumps at α = (W − 1) / W;
  // the integral is split there (elsewhere the network is smooth).
  const smooth: number[] = [];
  const kinked: number[] = [];
  for (let i = 0; i < batch.rows; i++) {
    let active = 0;
    for (let t = 0; t < W; t++) active += batch.mask[i * W + t];
    (active === 0 && W > 1 ? kinked : smooth).push(i);
  }
  for (const [rows, kink] of [[smooth, null], [kinked, (W - 1) / W]] as const) {
    let open = Int32Array.from(rows);
    for (let n = steps; open.length > 0; n *= 2) {
      const { nodes, weights } = rule(n, kink);
      kernel.explain(batch, nodes, weights, out, open);
      if (2 * n > MOST_NODES) break;
      open = open.filter((r) => gap(out, r, P, logits[r], base) > COMPLETENESS_TOLERANCE);
    }
  }
  return out;
}
