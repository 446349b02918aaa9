/**
 * The fitted sequence model: predicts P(churn) for a batch from the months themselves, explains a
 * batch by integrated gradients on the log-odds, and saves itself as versioned JSON with its
 * scaling statistics and its weights (float32, little-endian, base64). TensorFlow.js trains it;
 * scoring and reasons run on the hand-written kernel (kernel.wat), which needs no runtime loaded.
 */
import type { FeatureMatrix } from '../../data/matrix.js';
import type { BatchExplanation, ChurnModel, ModelState, ReasonParts } from '../model.js';
import { integratedGradients } from './integrated-gradients.js';
import { SequenceKernel } from './kernel.js';
import { toBatch, type Scaling, type SequenceLayout } from './layout.js';
import { loadWeights, type Shape } from './network.js';
import { monthlyReasonNames, monthlyReasonParts } from './reasons.js';
import type { SequenceParams } from './params.js';
import type { BackendName } from './runtime.js';
import type { SavedTensor } from './weights.js';
import { sigmoid } from '../sigmoid.js';

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


export class SequenceModel implements ChurnModel {
  readonly kind = 'sequence' as const;
  readonly features: readonly string[];
  /** Reasons per channel (its months summed), the activity mask, and each static feature. */
  readonly reasonNames: readonly string[];
  private compiled: SequenceKernel | null = null;
  private base: number | null = null;

  /** `fittedOn`: the TensorFlow.js backend that trained it (a model read from a file needs none). */
  constructor(readonly state: SequenceState, private readonly fittedOn: BackendName | null = null) {
    this.features = state.features;
    this.reasonNames = monthlyReasonNames(state.features).names;
  }

  static fromJSON(state: ModelState): SequenceModel {
    return new SequenceModel(state as SequenceState);
  }

  /** The TensorFlow.js backend the model was trained on, when it was trained in this process. */
  get backend(): BackendName | undefined {
    return this.fittedOn ?? undefined;
  }

  /** This thread's kernel over the model's weights, built on first use. */
  private kernel(): SequenceKernel {
    this.compiled ??= new SequenceKernel(this.state.shape, loadWeights(this.state.shape, this.state.weights));
    return this.compiled;
  }

  logOdds(x: FeatureMatrix): Float32Array {
    return this.kernel().logits(toBatch(x, this.state.layout, this.state.scaling));
  }

  predictProba(x: FeatureMatrix): Float64Array {
    return Float64Array.from(this.logOdds(x), sigmoid);
  }

  /** The logit of the baseline customer the parts are measured from: every month observed, every input at its training mean (0 once scaled). */
  baseLogit(): number {
    if (this.base === null) {
      const { months: W, channels: C, statics: S } = this.state.shape;
      this.base = this.kernel().logits({ rows: 1, cells: new Float32Array(W * C), mask: new Float32Array(W).fill(1), statics: new Float32Array(S) })[0];
    }
    return this.base;
  }

  /** Parts on the log-odds scale summing to each row's logit minus the baseline's (within COMPLETENESS_TOLERANCE), and the probabilities. */
  explainBatch(x: FeatureMatrix): BatchExplanation {
    const batch = toBatch(x, this.state.layout, this.state.scaling);
    const z = this.kernel().logits(batch);
    const base = this.baseLogit();
    const contributions = integratedGradients(this.kernel(), batch, z, base, this.state.params.ig_steps);
    return { scale: 'log_odds', base, contributions, probability: Float64Array.from(z, sigmoid) };
  }

  reasonParts(x: FeatureMatrix, e: BatchExplanation): ReasonParts {
    return monthlyReasonParts(x, e);
  }

  toJSON(): SequenceState {
    return this.state;
  }
}
