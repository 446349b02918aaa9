/**
 * The fitted sequence model: predicts P(churn) for a batch from the months themselves, explains a
 * batch by integrated gradients on the log-odds, and saves itself as versioned JSON with its
 * scaling statistics and its weights (float32, little-endian, base64).
 */
import type { FeatureMatrix } from '../../data/matrix.js';
import type { BatchExplanation, ChurnModel, ModelState, ReasonParts } from '../model.js';
import { baselineLogit, integratedGradients } from './integrated-gradients.js';
import { toBatch, type Scaling, type SequenceLayout } from './layout.js';
import { loadWeights, predictLogits, toTensors, type Shape, type Weights } from './network.js';
import { monthlyReasonNames, monthlyReasonParts } from './reasons.js';
import type { SequenceParams } from './params.js';
import { runtime, type BackendName } from './runtime.js';
import type { SavedTensor } from './weights.js';

export interface SequenceState extends ModelState {
  kind: 'sequence';
  params: SequenceParams;
  features: string[];
  layout: SequenceLayout;
  scaling: Scaling;
  shape: Shape;
  weights: SavedTensor[];
  training: {
    epochs: number; // epochs run before stopping
    best_epoch: number; // the epoch whose weights are kept
    validation_loss: number; // its weighted validation log loss
    validation_rows: number;
    positive_weight: number;
    calibration: { scale: number; shift: number }; // Platt scaling, folded into the output layer
  };
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Rows explained per gradient call: with 16 nodes, 16k points through the network at once. */
const EXPLAIN_ROWS = 1024;

export class SequenceModel implements ChurnModel {
  readonly kind = 'sequence' as const;
  readonly features: readonly string[];
  /** Reasons per channel (its months summed), the activity mask, and each static feature. */
  readonly reasonNames: readonly string[];
  private tensors: Weights | null = null;
  private base: number | null = null;

  /** `backend`: what it was fitted on; a model read from a file runs on whatever this process loaded. */
  constructor(readonly state: SequenceState, private readonly fittedOn: BackendName | null = null) {
    this.features = state.features;
    this.reasonNames = monthlyReasonNames(state.features).names;
  }

  static fromJSON(state: ModelState): SequenceModel {
    return new SequenceModel(state as SequenceState);
  }

  /** The TensorFlow.js backend the model computes on. */
  get backend(): BackendName {
    return this.fittedOn ?? runtime().backend;
  }

  private weights(): Weights {
    this.tensors ??= toTensors(runtime().tf, this.state.shape, loadWeights(this.state.shape, this.state.weights));
    return this.tensors;
  }

  logOdds(x: FeatureMatrix): Float32Array {
    return predictLogits(runtime().tf, this.state.shape, this.weights(), toBatch(x, this.state.layout, this.state.scaling));
  }

  predictProba(x: FeatureMatrix): Float64Array {
    const z = this.logOdds(x);
    return Float64Array.from(z, sigmoid);
  }

  /** The logit of the baseline customer the parts are measured from. */
  baseLogit(): number {
    this.base ??= baselineLogit(runtime().tf, this.state.shape, this.weights());
    return this.base;
  }

  explainBatch(x: FeatureMatrix): BatchExplanation {
    const { tf } = runtime();
    const batch = toBatch(x, this.state.layout, this.state.scaling);
    const P = this.features.length;
    const contributions = new Float64Array(x.rows * P);
    for (let from = 0; from < x.rows; from += EXPLAIN_ROWS) {
      const to = Math.min(x.rows, from + EXPLAIN_ROWS);
      const { months: W, channels: C, statics: S } = this.state.shape;
      const block = {
        rows: to - from,
        cells: batch.cells.subarray(from * W * C, to * W * C),
        mask: batch.mask.subarray(from * W, to * W),
        statics: batch.statics.subarray(from * S, to * S),
      };
      contributions.set(integratedGradients(tf, this.state.shape, this.weights(), block, this.state.params.ig_steps), from * P);
    }
    return { scale: 'log_odds', base: this.baseLogit(), contributions };
  }

  reasonParts(x: FeatureMatrix, e: BatchExplanation): ReasonParts {
    return monthlyReasonParts(x, e);
  }

  toJSON(): SequenceState {
    return this.state;
  }
}
