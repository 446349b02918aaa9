/**
 * Integrated gradients (Sundararajan, Taly & Yan 2017) of the sequence network's logit, from a
 * baseline customer with every month observed at the training mean of every channel and static:
 * part_j = (x_j − x'_j) · ∫₀¹ ∂logit/∂x_j (x' + α (x − x')) dα. The integral is taken by
 * Gauss–Legendre quadrature (the network is smooth, so a few nodes reach 1e-6), all nodes of a
 * block of rows in one batched gradient. The parts sum to logit(x) − logit(x') (completeness).
 */
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import type { SequenceBatch } from './layout.js';
import { logits, type Shape, type Weights } from './network.js';
import type { Tf } from './runtime.js';

/** Nodes and weights of the n-point Gauss–Legendre rule on [0, 1]. */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // Newton's method on P_n from the Chebyshev-like first guess.
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const pn = n === 1 ? x : p1;
      const pPrev = n === 1 ? 1 : p0;
      dp = (n * (x * pn - pPrev)) / (x * x - 1);
      const dx = pn / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-15) break;
    }
    nodes[i] = (1 - x) / 2;
    weights[i] = 1 / ((1 - x * x) * dp * dp);
  }
  return { nodes, weights };
}

/** The baseline's logit: all months observed, every input at its training mean (0 once scaled). */
export function baselineLogit(tf: Tf, shape: Shape, weights: Weights): number {
  return tf.tidy(() => logits(tf, shape, weights, tf.zeros([1, shape.months, shape.channels]), tf.ones([1, shape.months]), tf.zeros([1, shape.statics])).dataSync()[0]);
}

/**
 * Parts per input of each row, row-major in the model's feature order (cells oldest month first,
 * then masks, then statics), as float64.
 */
export function integratedGradients(tf: Tf, shape: Shape, weights: Weights, batch: SequenceBatch, steps: number): Float64Array {
  const { months: W, channels: C, statics: S } = shape;
  const B = batch.rows;
  const P = W * C + W + S;
  const out = new Float64Array(B * P);
  if (B === 0) return out;
  const { nodes, weights: quad } = gaussLegendre(steps);
  const m = steps;
  const [gc, gm, gs] = tf.tidy(() => {
    const cells = tf.tensor3d(batch.cells, [B, W, C]);
    const mask = tf.tensor2d(batch.mask, [B, W]);
    const statics = tf.tensor2d(batch.statics, [B, S]);
    const alpha = tf.tensor1d(Float32Array.from(nodes));
    // Every node's point on the path, stacked node-major: [m·B, ...].
    const at = <T extends Tensor>(x: T, base: number): T => {
      const a = tf.reshape(alpha, [m, ...x.shape.map(() => 1)]);
      const path = tf.add(base, tf.mul(a, tf.sub(x, base)));
      return tf.reshape(path, [m * B, ...x.shape.slice(1)]) as unknown as T;
    };
    const f = (c: Tensor, k: Tensor, s: Tensor): Tensor => tf.sum(logits(tf, shape, weights, c as Tensor3D, k as Tensor2D, s as Tensor2D));
    const grads = tf.grads(f)([at(cells, 0), at(mask, 1), at(statics, 0)]);
    const q = tf.tensor1d(Float32Array.from(quad));
    // Σ_k w_k · grad(α_k), times (x − x').
    const integrate = (g: Tensor, x: Tensor, base: number): Tensor => {
      const rest = x.shape.slice(1).reduce((a, b) => a * b, 1);
      const summed = tf.sum(tf.mul(tf.reshape(g, [m, B * rest]), tf.reshape(q, [m, 1])), 0);
      return tf.mul(tf.reshape(summed, x.shape), tf.sub(x, base));
    };
    return [integrate(grads[0], cells, 0), integrate(grads[1], mask, 1), integrate(grads[2], statics, 0)];
  });
  const c = gc.dataSync();
  const k = gm.dataSync();
  const s = gs.dataSync();
  gc.dispose();
  gm.dispose();
  gs.dispose();
  for (let i = 0; i < B; i++) {
    const row = i * P;
    for (let j = 0; j < W * C; j++) out[row + j] = c[i * W * C + j];
    for (let j = 0; j < W; j++) out[row + W * C + j] = k[i * W + j];
    for (let j = 0; j < S; j++) out[row + W * C + W + j] = s[i * S + j];
  }
  return out;
}
