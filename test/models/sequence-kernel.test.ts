import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gaussLegendre } from '../../src/models/gauss-legendre.js';
import { COMPLETENESS_TOLERANCE, integratedGradients } from '../../src/models/sequence/integrated-gradients.js';
import { SequenceKernel } from '../../src/models/sequence/kernel.js';
import type { SequenceBatch } from '../../src/models/sequence/layout.js';
import { initialWeights, logits, toTensors, type Shape, type WeightName } from '../../src/models/sequence/network.js';
import { loadRuntime } from '../../src/models/sequence/runtime.js';
import { Rng } from '../../src/rng.js';

const { tf } = await loadRuntime();

// Sizes off the f32x4 grid (5 hidden units, 3 dense, 3 relative channels, 3 statics): the kernel's padding is exact.
const shape: Shape = {
  months: 4, channels: 5, statics: 3, hidden: 5, dense: 3,
  relative: [{ channel: 0, mean: 1.5, sd: 0.8 }, { channel: 2, mean: 0.4, sd: 1.3 }, { channel: 3, mean: 2.1, sd: 0.5 }],
};
const rng = new Rng(5);
const values = initialWeights(shape, rng);
// Biases and the wide part are zero at initialisation: give them values so every weight is read.
for (const name of ['gru_input_bias', 'gru_recurrent_bias', 'dense_bias', 'output_bias', 'wide'] as WeightName[]) {
  const w = values.get(name) as Float32Array;
  for (let i = 0; i < w.length; i++) w[i] = 0.5 * rng.normal();
}
const output = values.get('output') as Float32Array;
for (let i = 0; i < output.length; i++) output[i] *= 3;

/** Rows with every kind of history: all months, a late start, one month, none; cells as scaled log values. */
function randomBatch(rows: number, seed: number): SequenceBatch {
  const r = new Rng(seed);
  const { months: W, channels: C, statics: S } = shape;
  const batch = { rows, cells: new Float32Array(rows * W * C), mask: new Float32Array(rows * W), statics: new Float32Array(rows * S) };
  for (let i = 0; i < rows; i++) {
    const first = [0, 0, 2, W - 1, W][i % 5];
    for (let t = 0; t < W; t++) {
      const on = t >= first ? 1 : 0;
      batch.mask[i * W + t] = on;
      for (let c = 0; c < C; c++) batch.cells[(i * W + t) * C + c] = on * 1.5 * r.normal();
    }
    for (let s = 0; s < S; s++) batch.statics[i * S + s] = r.normal();
  }
  return batch;
}

/** TensorFlow.js's gradient of the logit at the path point alpha, times (x − x'), in the kernel's part order. */
function tfjsPartsAt(batch: SequenceBatch, alpha: number): Float64Array {
  const { months: W, channels: C, statics: S } = shape;
  const B = batch.rows;
  const w = toTensors(tf, shape, values);
  const [gc, gm, gs] = tf.tidy(() => {
    const at = (x: Float32Array, base: number): Float32Array => Float32Array.from(x, (v) => base + alpha * (v - base));
    const f = (c: Tensor, m: Tensor, s: Tensor): Tensor => tf.sum(logits(tf, shape, w, c as Tensor3D, m as Tensor2D, s as Tensor2D));
    return tf.grads(f)([tf.tensor3d(at(batch.cells, 0), [B, W, C]), tf.tensor2d(at(batch.mask, 1), [B, W]), tf.tensor2d(at(batch.statics, 0), [B, S])]).map((g) => g.dataSync());
  });
  Object.values(w).forEach((t) => t.dispose());
  const P = W * C + W + S;
  const out = new Float64Array(B * P);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < W * C; j++) out[i * P + j] = batch.cells[i * W * C + j] * gc[i * W * C + j];
    for (let j = 0; j < W; j++) out[i * P + W * C + j] = (batch.mask[i * W + j] - 1) * gm[i * W + j];
    for (let j = 0; j < S; j++) out[i * P + W * C + W + j] = batch.statics[i * S + j] * gs[i * S + j];
  }
  return out;
}

/** The largest difference relative to the largest value: float32 sums in another order differ in their last bits. */
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  const scale = Math.max(1, ...Array.from(b, Math.abs));
  return Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0) / scale;
};

describe('the sequence network\'s scoring kernel (WebAssembly)', () => {
  const batch = randomBatch(60, 1);
  const kernel = new SequenceKernel(shape, values);

  it('computes the logits TensorFlow.js computes, to float32 rounding', () => {
    const w = toTensors(tf, shape, values);
    const expected = tf.tidy(() => logits(tf, shape, w, tf.tensor3d(batch.cells, [60, 4, 5]), tf.tensor2d(batch.mask, [60, 4]), tf.tensor2d(batch.statics, [60, 3])).dataSync());
    Object.values(w).forEach((t) => t.dispose());
    const z = kernel.logits(batch);
    expect(Math.max(...Array.from(z, Math.abs))).toBeGreaterThan(1); // not a degenerate network
    expect(maxDiff(z, expected)).toBeLessThan(1e-6);
  });

  it('computes TensorFlow.js\'s gradient at any point of the path, masks fractional on the way (one node of weight 1)', () => {
    for (const alpha of [1, 0.3, 0.9]) {
      const parts = new Float64Array(batch.rows * kernel.parts);
      kernel.explain(batch, [alpha], [1], parts);
      const expected = tfjsPartsAt(batch, alpha);
      expect(Math.max(...Array.from(expected, Math.abs))).toBeGreaterThan(0.1);
      expect(maxDiff(parts, expected), `alpha ${alpha}`).toBeLessThan(1e-6);
    }
  });

  it('integrates the quadrature\'s nodes: the weighted sum of the gradients at each', () => {
    const { nodes, weights } = gaussLegendre(3);
    const parts = new Float64Array(batch.rows * kernel.parts);
    kernel.explain(batch, nodes, weights, parts);
    const expected = new Float64Array(parts.length);
    nodes.forEach((alpha, k) => tfjsPartsAt(batch, alpha).forEach((v, j) => { expected[j] += weights[k] * v; }));
    expect(maxDiff(parts, expected)).toBeLessThan(1e-6);
  });

  it('gives a customer the same bits alone, in any batch, and in a list of rows', () => {
    const all = new Float64Array(batch.rows * kernel.parts);
    const { nodes, weights } = gaussLegendre(4);
    kernel.explain(batch, nodes, weights, all);
    const P = kernel.parts;
    const { months: W, channels: C, statics: S } = shape;
    for (const i of [0, 3, 59]) {
      const one = { rows: 1, cells: batch.cells.slice(i * W * C, (i + 1) * W * C), mask: batch.mask.slice(i * W, (i + 1) * W), statics: batch.statics.slice(i * S, (i + 1) * S) };
      const alone = new Float64Array(P);
      kernel.explain(one, nodes, weights, alone);
      expect(Array.from(alone)).toEqual(Array.from(all.subarray(i * P, (i + 1) * P)));
      expect(kernel.logits(one)[0]).toBe(kernel.logits(batch)[i]);
    }
    const picked = new Float64Array(batch.rows * P);
    kernel.explain(batch, nodes, weights, picked, Int32Array.of(59, 3));
    expect(Array.from(picked.subarray(3 * P, 4 * P))).toEqual(Array.from(all.subarray(3 * P, 4 * P)));
    expect(Array.from(picked.subarray(0, P))).toEqual(new Array(P).fill(0)); // rows not asked for are left alone
  });

  it('integrates each customer with more nodes until its parts sum to its logit minus the baseline\'s', () => {
    const { months: W, channels: C, statics: S } = shape;
    const base = kernel.logits({ rows: 1, cells: new Float32Array(W * C), mask: new Float32Array(W).fill(1), statics: new Float32Array(S) })[0];
    const z = kernel.logits(batch);
    const gaps = (parts: Float64Array): number[] => Array.from({ length: batch.rows }, (_, i) => Math.abs(parts.subarray(i * kernel.parts, (i + 1) * kernel.parts).reduce((a, b) => a + b, 0) - (z[i] - base)));
    // Two nodes alone leave most customers incomplete; doubling from two leaves none.
    const { nodes, weights } = gaussLegendre(2);
    const coarse = new Float64Array(batch.rows * kernel.parts);
    kernel.explain(batch, nodes, weights, coarse);
    expect(gaps(coarse).filter((g) => g > COMPLETENESS_TOLERANCE).length).toBeGreaterThan(30);
    expect(Math.max(...gaps(integratedGradients(kernel, batch, z, base, 2)))).toBeLessThanOrEqual(COMPLETENESS_TOLERANCE);
  });
});
