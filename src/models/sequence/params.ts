/** The sequence model's parameters, with their defaults. */
import type { BackendChoice } from './runtime.js';
import { DEFAULT_STATIC } from './layout.js';

export interface SequenceParams {
  hidden: number; // GRU state size
  dense: number; // units of the layer joining the GRU state and the statics
  learning_rate: number; // Adam
  batch_size: number;
  max_epochs: number;
  patience: number; // epochs without a better validation loss before stopping
  validation_fraction: number; // of the training rows, stratified and seeded
  positive_weight: 'balanced' | number; // churners' weight in the loss (2: measured best; balanced = stayers / churners, ~19, measured worst)
  l2: number; // penalty on the kernels
  average_decay: number; // of the moving average of the weights that is validated and kept
  ig_steps: number; // integrated-gradients quadrature nodes to start from; doubled for a customer whose parts miss completeness
  static_features: string[]; // names, or one-hot prefixes ending in "="
  backend: BackendChoice;
}

export const DEFAULT_SEQUENCE_PARAMS: SequenceParams = {
  hidden: 32,
  dense: 32,
  learning_rate: 0.003,
  batch_size: 256,
  max_epochs: 30,
  patience: 4,
  validation_fraction: 0.15,
  positive_weight: 2,
  l2: 1e-4,
  average_decay: 0.99,
  ig_steps: 16,
  static_features: DEFAULT_STATIC,
  backend: 'auto',
};
