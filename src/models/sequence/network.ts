/**
 * The network, wide and deep: a GRU over the months (oldest first; a masked month leaves the state
 * as it was) whose last state joins the static features in a small tanh layer, plus a linear term
 * in every input, summed into one logit. Every activation is smooth (sigmoid, tanh), so integrated
 * gradients converge fast in the number of steps. Written with TensorFlow.js ops so that training
 * gets its gradients for free; scoring and attributions run the same network by hand in kernel.wat
 * (tested against this to float32 rounding).
 */
import type { GradSaveFunc, Tensor, Tensor1D, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs';
import type { Rng } from '../../rng.js';
import type { Tf } from './runtime.js';
import type { SavedTensor } from './weights.js';
import { decodeFloat32, encodeFloat32 } from './weights.js';

export interface Shape {
  months: number;
  channels: number;
  statics: number;
  hidden: number;
  dense: number;
  /**
   * Usage channels also read relative to the customer's own level: (x + 1) / (mean over the
   * customer's active months + 1) − 1, the shape the hand-made summaries compare against. Computed
   * inside the network from the scaled log values (their training mean and sd), so gradients and
   * attributions still land on the months themselves.
   */
  relative: { channel: number; mean: number; sd: number }[];
}

const inputs = (s: Shape): number => s.channels + s.relative.length;

/** The weights in a fixed order: GRU input and recurrent kernels with their biases, then the head. */
export const WEIGHT_NAMES = ['gru_input', 'gru_input_bias', 'gru_recurrent', 'gru_recurrent_bias', 'dense', 'dense_bias', 'output', 'output_bias', 'wide'] as const;
export type WeightName = (typeof WEIGHT_NAMES)[number];

function weightShapes(s: Shape): Record<WeightName, number[]> {
  return {
    gru_input: [inputs(s), 3 * s.hidden],
    gru_input_bias: [3 * s.hidden],
    gru_recurrent: [s.hidden, 3 * s.hidden],
    gru_recurrent_bias: [3 * s.hidden],
    dense: [s.hidden + s.statics, s.dense],
    dense_bias: [s.dense],
    output: [s.dense, 1],
    output_bias: [1],
    wide: [s.months * inputs(s) + s.months + s.statics, 1],
  };
}

/** Glorot-uniform kernels from the seeded generator; zero biases and a zero wide part. */
export function initialWeights(s: Shape, rng: Rng): Map<WeightName, Float32Array> {
  const out = new Map<WeightName, Float32Array>();
  for (const [name, shape] of Object.entries(weightShapes(s)) as [WeightName, number[]][]) {
    const size = shape.reduce((a, b) => a * b, 1);
    const w = new Float32Array(size);
    if (shape.length === 2 && name !== 'wide') {
      const limit = Math.sqrt(6 / (shape[0] + shape[1]));
      for (let i = 0; i < size; i++) w[i] = (2 * rng.next() - 1) * limit;
    }
    out.set(name, w);
  }
  return out;
}

export type Weights = Record<WeightName, Tensor>;

export function toTensors(tf: Tf, s: Shape, values: ReadonlyMap<WeightName, Float32Array>): Weights {
  const shapes = weightShapes(s);
  return Object.fromEntries(WEIGHT_NAMES.map((n) => [n, tf.tensor(values.get(n) as Float32Array, shapes[n], 'float32')])) as Weights;
}

export function toVariables(tf: Tf, s: Shape, values: ReadonlyMap<WeightName, Float32Array>): Record<WeightName, Variable> {
  const shapes = weightShapes(s);
  return Object.fromEntries(WEIGHT_NAMES.map((n) => [n, tf.variable(tf.tensor(values.get(n) as Float32Array, shapes[n], 'float32'), true, undefined, 'float32')])) as Record<WeightName, Variable>;
}

export function readWeights(weights: Weights): Map<WeightName, Float32Array> {
  return new Map(WEIGHT_NAMES.map((n) => [n, weights[n].dataSync() as Float32Array]));
}

export function saveWeights(s: Shape, values: ReadonlyMap<WeightName, Float32Array>): SavedTensor[] {
  const shapes = weightShapes(s);
  return WEIGHT_NAMES.map((name) => ({ name, shape: shapes[name], data: encodeFloat32(values.get(name) as Float32Array) }));
}

export function loadWeights(s: Shape, saved: readonly SavedTensor[]): Map<WeightName, Float32Array> {
  const shapes = weightShapes(s);
  const byName = new Map(saved.map((t) => [t.name, t]));
  return new Map(WEIGHT_NAMES.map((name) => {
    const t = byName.get(name);
    const expected = shapes[name];
    if (t === undefined || t.shape.length !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
      throw new Error(`the sequence model's weight "${name}" is missing or not of shape [${expected.join(', ')}]`);
    }
    return [name, decodeFloat32(t)];
  }));
}

/**
 * a · b, differentiated through products of explicitly transposed operands. matMul's own gradient
 * asks the WebAssembly backend for products with a transpose flag, which take a slow path: at the
 * training step's shapes a transpose and a plain product cost a fifth to an eighth of one, so the
 * backward pass (three quarters of a step) runs in about half the time.
 */
function dotOf(tf: Tf): (a: Tensor2D, b: Tensor2D) => Tensor2D {
  return tf.customGrad((a: Tensor | GradSaveFunc, b: Tensor | GradSaveFunc, save: Tensor | GradSaveFunc) => {
    const [x, y] = [a as Tensor2D, b as Tensor2D];
    (save as GradSaveFunc)([x, y]);
    return {
      value: tf.matMul(x, y),
      gradFunc: (dz: Tensor2D, [sx, sy]: Tensor[]) => [tf.matMul(dz, tf.transpose(sy as Tensor2D)), tf.matMul(tf.transpose(sx as Tensor2D), dz)],
    };
  }) as (a: Tensor2D, b: Tensor2D) => Tensor2D;
}

/** The relative channels [B, months, relative]: 0 in months the customer was not active. */
function relativeLevels(tf: Tf, s: Shape, cells: Tensor3D, mask: Tensor2D, dot: (a: Tensor2D, b: Tensor2D) => Tensor2D): Tensor3D {
  const B = cells.shape[0];
  const R = s.relative.length;
  // The relative channels picked by a 0/1 matrix (a gather's gradient has no WebAssembly kernel).
  const pick = new Float32Array(s.channels * R);
  s.relative.forEach((r, k) => { pick[r.channel * R + k] = 1; });
  const picked = tf.reshape(dot(tf.reshape(cells, [B * s.months, s.channels]), tf.tensor2d(pick, [s.channels, R])), [B, s.months, R]);
  const sd = tf.tensor1d(Float32Array.from(s.relative, (r) => r.sd));
  const mean = tf.tensor1d(Float32Array.from(s.relative, (r) => r.mean));
  const m = tf.reshape(mask, [B, s.months, 1]);
  // x + 1 = exp(log(1 + x)), the log value being the scaled cell undone.
  const level = tf.mul(tf.exp(tf.add(tf.mul(picked, sd), mean)), m);
  const own = tf.div(tf.sum(level, 1, true), tf.maximum(tf.sum(m, 1, true), 1));
  return tf.mul(tf.sub(tf.div(level, tf.maximum(own, 1e-6)), 1), m) as Tensor3D;
}

/**
 * Logits of a batch: cells [B, months, channels], mask [B, months] (1 = observed; fractions are
 * allowed, as integrated gradients walk from an all-observed baseline), statics [B, statics].
 */
export function logits(tf: Tf, s: Shape, w: Weights, cells: Tensor3D, mask: Tensor2D, statics: Tensor2D): Tensor1D {
  const B = cells.shape[0];
  const H = s.hidden;
  const dot = dotOf(tf);
  const all = s.relative.length === 0 ? cells : tf.concat([cells, relativeLevels(tf, s, cells, mask, dot)], 2);
  const xw = tf.add(dot(tf.reshape(all, [B * s.months, inputs(s)]), w.gru_input as Tensor2D), w.gru_input_bias);
  const steps = tf.split(tf.reshape(xw, [B, s.months, 3 * H]), s.months, 1);
  const maskSteps = tf.split(mask, s.months, 1);
  let h: Tensor2D = tf.zeros([B, H]);
  for (let t = 0; t < s.months; t++) {
    const [xz, xr, xn] = tf.split(tf.reshape(steps[t], [B, 3 * H]), 3, 1);
    const hu = tf.add(dot(h, w.gru_recurrent as Tensor2D), w.gru_recurrent_bias);
    const [hz, hr, hn] = tf.split(hu, 3, 1);
    const z = tf.sigmoid(tf.add(xz, hz));
    const r = tf.sigmoid(tf.add(xr, hr));
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
    const next = tf.add(n, tf.mul(z, tf.sub(h, n)));
    h = tf.add(h, tf.mul(maskSteps[t], tf.sub(next, h))) as Tensor2D;
  }
  const joined = tf.concat([h, statics], 1);
  const hidden = tf.tanh(tf.add(dot(joined, w.dense as Tensor2D), w.dense_bias)) as Tensor2D;
  // The wide part: a linear term in every input, so differences of log usage between months
  // (log ratios, what the hand-made summaries compute) are there from the first epoch.
  const flat = tf.concat([tf.reshape(all, [B, s.months * inputs(s)]), mask, statics], 1);
  const deep = tf.add(dot(hidden, w.output as Tensor2D), w.output_bias);
  return tf.reshape(tf.add(deep, dot(flat as Tensor2D, w.wide as Tensor2D)), [B]);
}
