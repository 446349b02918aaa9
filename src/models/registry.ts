/**
 * The models churnscope trains, by name: how to fit each and how to load it back from JSON.
 */
import type { TrainingData } from '../data/matrix.js';
import { ModelError } from '../errors.js';
import type { Rng } from '../rng.js';
import { BoostingModel, fitBoosting } from './boosting/boosting.js';
import { boostingParamsSchema } from './boosting/params.js';
import { parseModelParams } from './params.js';
import { CoxModel, DEFAULT_COX_PARAMS, fitCox } from './cox.js';
import { DEFAULT_FOREST_PARAMS, ForestModel, fitForest } from './forest/forest.js';
import { DEFAULT_LOGISTIC_PARAMS, LogisticModel, fitLogistic } from './logistic.js';
import { BlendModel } from './blend.js';
import type { ChurnModel, ModelKind, ModelState } from './model.js';
import { fitSequence } from './sequence/fit.js';
import { SequenceModel } from './sequence/model.js';
import { DEFAULT_SEQUENCE_PARAMS } from './sequence/params.js';

export const MODEL_KINDS: readonly ModelKind[] = ['logistic', 'random_forest', 'gradient_boosting', 'cox', 'sequence'];

export function isModelKind(s: string): s is ModelKind {
  return (MODEL_KINDS as readonly string[]).includes(s);
}

/** Fits one model; `params` overrides the model's defaults key by key. */
export async function fitModel(kind: ModelKind, data: TrainingData, params: Record<string, unknown>, rng: Rng): Promise<ChurnModel> {
  switch (kind) {
    case 'logistic':
      return fitLogistic(data, { ...DEFAULT_LOGISTIC_PARAMS, ...params }, rng);
    case 'random_forest':
      return await fitForest(data, { ...DEFAULT_FOREST_PARAMS, ...params }, rng);
    case 'gradient_boosting':
      return await fitBoosting(data, parseModelParams(boostingParamsSchema, params, kind), rng);
    case 'cox':
      return fitCox(data, { ...DEFAULT_COX_PARAMS, ...params }, rng);
    case 'sequence':
      return await fitSequence(data, { ...DEFAULT_SEQUENCE_PARAMS, ...params }, rng);
    case 'blend':
      throw new ModelError('a blend is made from fitted models (BlendModel.of), not fitted itself', { key: 'models' });
  }
}

/** Rebuilds a fitted model from the state its `toJSON` wrote. */
export function modelFromState(state: ModelState): ChurnModel {
  switch (state.kind) {
    case 'logistic':
      return LogisticModel.fromJSON(state);
    case 'random_forest':
      return ForestModel.fromJSON(state);
    case 'gradient_boosting':
      return BoostingModel.fromJSON(state);
    case 'cox':
      return CoxModel.fromJSON(state);
    case 'sequence':
      return SequenceModel.fromJSON(state);
    case 'blend':
      return BlendModel.fromJSON(state, modelFromState);
    default:
      throw new ModelError(`unknown model kind "${String((state as { kind: unknown }).kind)}"`);
  }
}

/** Rebuilds a fitted model (asynchronous for models that must start a runtime first; none does since the sequence model scores on its own kernel). */
export async function loadModel(state: ModelState): Promise<ChurnModel> {
  return modelFromState(state);
}
