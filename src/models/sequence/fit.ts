/**
 * Fitting the sequence network: Adam on the class-weighted log loss (churn is ~5% of rows, so the
 * churners' weight is raised), seeded batches, early stopping on a seeded stratified validation
 * part of the training rows with the best epoch's weights kept, then the logit recalibrated on
 * that validation part (Platt scaling, folded into the output layer) so the probabilities are
 * probabilities again and not the weighted odds.
 */
import type { Scalar } from '@tensorflow/tfjs';
import type { TrainingData } from '../../data/matrix.js';
import { ModelError } from '../../errors.js';
import type { Rng } from '../../rng.js';
import { fitScaling, layoutFeatures, layoutOf, RELATIVE_CHANNELS, toBatch, type SequenceBatch } from './layout.js';
import { initialWeights, logits, readWeights, saveWeights, toVariables, WEIGHT_NAMES, type Shape, type WeightName } from './network.js';
import { SequenceKernel } from './kernel.js';
import { loadRuntime } from './runtime.js';
import { SequenceModel, type SequenceState } from './model.js';
import type { SequenceParams } from './params.js';
import { selectFeatures } from '../../data/matrix.js';

/**
 * A seeded split of row indices, about `fraction` to validation, stratified by class. With
 * `groups` (a panel's customers, one row per reference month) a customer's rows stay on one side:
 * a validation customer seen in training under another month would flatter the validation loss.
 */
function validationSplit(y: Uint8Array, fraction: number, rng: Rng, groups?: Int32Array): { train: Int32Array; validation: Int32Array } {
  const train: number[] = [];
  const validation: number[] = [];
  // A group is a churner when any of its rows churned: the classes stay balanced across the split.
  const group = groups ?? Int32Array.from({ length: y.length }, (_, i) => i);
  const groupCount = group.reduce((a, g) => Math.max(a, g + 1), 0);
  const churned = new Uint8Array(groupCount);
  for (let i = 0; i < y.length; i++) if (y[i] === 1) churned[group[i]] = 1;
  const held = new Uint8Array(groupCount);
  for (const cls of [0, 1]) {
    const members: number[] = [];
    const seen = new Uint8Array(groupCount);
    for (let i = 0; i < y.length; i++) {
      const g = group[i];
      if (churned[g] === cls && seen[g] === 0) {
        seen[g] = 1;
        members.push(g);
      }
    }
    rng.shuffle(members);
    const cut = Math.round(members.length * fraction);
    for (let k = 0; k < cut; k++) held[members[k]] = 1;
  }
  for (let i = 0; i < y.length; i++) (held[group[i]] === 1 ? validation : train).push(i);
  return { train: Int32Array.from(train), validation: Int32Array.from(validation) };
}

/** Copies rows `index[from..to)` of a packed batch into `out` (reused between batches). */
function gather(src: SequenceBatch, shape: Shape, index: Int32Array, from: number, to: number, out: SequenceBatch): void {
  const cellSize = shape.months * shape.channels;
  for (let i = from; i < to; i++) {
    const r = index[i];
    const k = i - from;
    out.cells.set(src.cells.subarray(r * cellSize, (r + 1) * cellSize), k * cellSize);
    out.mask.set(src.mask.subarray(r * shape.months, (r + 1) * shape.months), k * shape.months);
    out.statics.set(src.statics.subarray(r * shape.statics, (r + 1) * shape.statics), k * shape.statics);
  }
}

const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

/** Mean log loss of logits, the churners weighted by `positive`. */
function weightedLogLoss(z: Float32Array, y: Uint8Array, positive: number): number {
  let s = 0;
  let w = 0;
  for (let i = 0; i < z.length; i++) {
    const wi = y[i] === 1 ? positive : 1;
    s += wi * (y[i] === 1 ? softplus(-z[i]) : softplus(z[i]));
    w += wi;
  }
  return s / w;
}

/** Platt scaling: a, b minimising the log loss of sigmoid(a z + b), by Newton's method. */
function plattScaling(z: Float32Array, y: Uint8Array): { scale: number; shift: number } {
  let a = 1;
  let b = 0;
  for (let it = 0; it < 50; it++) {
    let ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    for (let i = 0; i < z.length; i++) {
      const p = 1 / (1 + Math.exp(-(a * z[i] + b)));
      const r = p - y[i];
      const v = Math.max(p * (1 - p), 1e-12);
      ga += r * z[i];
      gb += r;
      haa += v * z[i] * z[i];
      hab += v * z[i];
      hbb += v;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-10 && Math.abs(db) < 1e-10) break;
  }
  return { scale: a, shift: b };
}

export async function fitSequence(data: TrainingData, params: SequenceParams, rng: Rng): Promise<SequenceModel> {
  const { tf, backend } = await loadRuntime(params.backend);
  const layout = layoutOf(data.x.features, params.static_features);
  const x = selectFeatures(data.x, layoutFeatures(layout));

  const split = validationSplit(data.y, params.validation_fraction, rng.fork(1), data.groups);
  if (split.train.length === 0 || split.validation.length === 0) throw new ModelError(`the sequence model needs training and validation rows; it has ${data.y.length} rows`, { key: 'models' });
  const trainX = { rows: split.train.length, features: x.features, columns: x.columns.map((c) => Float64Array.from(split.train, (i) => c[i])) };
  const scaling = fitScaling(trainX, layout);
  const relative = layout.channels.flatMap((c, channel) => (RELATIVE_CHANNELS.includes(c) ? [{ channel, mean: scaling.channel_mean[channel], sd: scaling.channel_sd[channel] }] : []));
  const shape: Shape = { months: layout.months, channels: layout.channels.length, statics: layout.statics.length, hidden: params.hidden, dense: params.dense, relative };
  const train = toBatch(trainX, layout, scaling);
  const trainY = Uint8Array.from(split.train, (i) => data.y[i]);
  const validation = toBatch(x, layout, scaling, split.validation);
  const validationY = Uint8Array.from(split.validation, (i) => data.y[i]);
  const positives = trainY.reduce((a, b) => a + b, 0);
  if (positives === 0 || positives === trainY.length) throw new ModelError('the sequence model needs churners and stayers among its training rows', { key: 'models' });
  const positive = params.positive_weight === 'balanced' ? (trainY.length - positives) / positives : params.positive_weight;

  const vars = toVariables(tf, shape, initialWeights(shape, rng.fork(2)));
  const varList = WEIGHT_NAMES.map((n) => vars[n]);
  const kernels = [vars.gru_input, vars.gru_recurrent, vars.dense, vars.output, vars.wide];
  const optimizer = tf.train.adam(params.learning_rate);
  const batchSize = Math.min(params.batch_size, train.rows);
  const buffer: SequenceBatch = {
    rows: batchSize,
    cells: new Float32Array(batchSize * shape.months * shape.channels),
    mask: new Float32Array(batchSize * shape.months),
    statics: new Float32Array(batchSize * shape.statics),
  };
  const order = Int32Array.from({ length: train.rows }, (_, i) => i);
  const shuffler = rng.fork(3);

  // An exponential moving average of the weights is what is validated and kept: the epoch-to-epoch
  // noise of the raw weights (and of the early-stopping choice) mostly averages out.
  const average = toVariables(tf, shape, initialWeights(shape, rng.fork(2)));
  // Validated by the scoring kernel: the logits the list will carry, without TensorFlow.js's copies.
  const validationLogits = (weights: ReadonlyMap<WeightName, Float32Array>): Float32Array => new SequenceKernel(shape, weights).logits(validation);
  let best = { epoch: 0, loss: Number.POSITIVE_INFINITY, weights: readWeights(average) };
  let epochs = 0;
  let step = 0;
  for (let epoch = 1; epoch <= params.max_epochs; epoch++) {
    shuffler.shuffle(order);
    for (let from = 0; from < train.rows; from += batchSize) {
      const to = Math.min(train.rows, from + batchSize);
      const n = to - from;
      gather(train, shape, order, from, to, buffer);
      tf.tidy(() => {
        const cells = tf.tensor3d(buffer.cells.subarray(0, n * shape.months * shape.channels), [n, shape.months, shape.channels]);
        const mask = tf.tensor2d(buffer.mask.subarray(0, n * shape.months), [n, shape.months]);
        const statics = tf.tensor2d(buffer.statics.subarray(0, n * shape.statics), [n, shape.statics]);
        const y = tf.tensor1d(Float32Array.from({ length: n }, (_, k) => trainY[order[from + k]]));
        const w = tf.add(tf.mul(y, positive - 1), 1);
        const wsum = tf.sum(w);
        optimizer.minimize(() => {
          const z = logits(tf, shape, vars, cells, mask, statics);
          const perRow = tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
          const data = tf.div(tf.sum(tf.mul(w, perRow)), wsum);
          const penalty = tf.mul(params.l2, tf.addN(kernels.map((k) => tf.sum(tf.square(k)))));
          return tf.add(data, penalty) as Scalar;
        }, false, varList);
        // Warmed up as TensorFlow's moving averages are: early on the average follows the weights closely.
        step++;
        const decay = Math.min(params.average_decay, (1 + step) / (10 + step));
        for (const n of WEIGHT_NAMES) average[n].assign(tf.add(tf.mul(average[n], decay), tf.mul(vars[n], 1 - decay)));
      });
    }
    epochs = epoch;
    const weights = readWeights(average);
    const loss = weightedLogLoss(validationLogits(weights), validationY, positive);
    if (loss < best.loss) best = { epoch, loss, weights };
    else if (epoch - best.epoch >= params.patience) break;
  }
  optimizer.dispose();
  for (const n of WEIGHT_NAMES) {
    vars[n].dispose();
    average[n].dispose();
  }

  // The best epoch's weights, recalibrated on the validation rows and folded into the output layer.
  const z = validationLogits(best.weights);
  const validationPositives = validationY.reduce((a, b) => a + b, 0);
  const calibration = validationPositives >= 5 && validationPositives < validationY.length ? plattScaling(z, validationY) : { scale: 1, shift: -Math.log(positive) };
  const weights = new Map<WeightName, Float32Array>(best.weights);
  weights.set('output', Float32Array.from(best.weights.get('output') as Float32Array, (v) => v * calibration.scale));
  weights.set('output_bias', Float32Array.from(best.weights.get('output_bias') as Float32Array, (v) => v * calibration.scale + calibration.shift));
  weights.set('wide', Float32Array.from(best.weights.get('wide') as Float32Array, (v) => v * calibration.scale));

  const state: SequenceState = {
    kind: 'sequence',
    params,
    features: x.features.slice(),
    layout,
    scaling,
    shape,
    weights: saveWeights(shape, weights),
    training: {
      epochs,
      best_epoch: best.epoch,
      validation_loss: best.loss,
      validation_rows: validationY.length,
      positive_weight: positive,
      calibration,
    },
  };
  return new SequenceModel(state, backend);
}

