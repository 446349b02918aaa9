/** The sequence model's parameters as the config names them, with ranges and defaults. */
import { z } from 'zod';
import { modelParamsObject } from '../params.js';
import type { BackendChoice } from './runtime.js';
import { DEFAULT_STATIC } from './layout.js';
import { MOST_NODES } from './integrated-gradients.js';

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

export const sequenceParamsSchema = modelParamsObject('sequence', {
  hidden: z.number().int().min(1).max(1024).default(32).describe('GRU state size'),
  dense: z.number().int().min(1).max(1024).default(32).describe('units of the layer joining the GRU state and the statics'),
  learning_rate: z.number().gt(0).max(1).default(0.003).describe('Adam step size'),
  batch_size: z.number().int().min(1).max(65_536).default(256).describe('customers per training step'),
  max_epochs: z.number().int().min(1).max(10_000).default(30).describe('passes over the training rows at most'),
  patience: z.number().int().min(1).default(4).describe('epochs without a better validation loss before stopping'),
  validation_fraction: z.number().gt(0).lt(1).default(0.15).describe('share of training rows held out (stratified, seeded)'),
  positive_weight: z.union([z.literal('balanced'), z.number().gt(0)]).default(2).describe('churners\' weight in the loss, or "balanced" (stayers / churners)'),
  l2: z.number().min(0).default(1e-4).describe('L2 penalty on the kernels'),
  average_decay: z.number().min(0).lt(1).default(0.99).describe('decay of the moving average of the weights that is validated and kept'),
  ig_steps: z.number().int().min(1).max(MOST_NODES).default(16).describe('integrated-gradients quadrature nodes to start from'),
  static_features: z.array(z.string().min(1)).default(DEFAULT_STATIC).describe('static inputs: feature names, or one-hot prefixes ending in "="'),
  backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto').describe('TensorFlow.js backend for fitting: auto, tensorflow (tfjs-node, if installed), wasm or cpu'),
});

export const DEFAULT_SEQUENCE_PARAMS: SequenceParams = sequenceParamsSchema.parse({});
