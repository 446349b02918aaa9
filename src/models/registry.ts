/**
 * The models churnscope trains, by name: how to fit each and how to load it back from JSON.
 */
import type { TrainingData } from '../data/matrix.js';
import { ModelError } from '../errors.js';
import type { Rng } from '../rng.js';
import { BoostingModel, fitBoosting } from './boosting/boosting.js';
import { CoxModel, fitCox } from './cox.js';
import { ForestModel, fitForest } from './forest/forest.js';
import { forestParams } from './forest/params.js';
import { coxParams, logisticParams } from './linear-params.js';
import { LogisticModel, fitLogistic } from './logistic.js';
import { BlendModel } from './blend.js';
import type { ChurnModel, ModelKind, ModelState } from './model.js';
import { MODEL_PARAM_SCHEMAS } from './param-schemas.js';
import { parseModelParams } from './params.js';
import { fitSequence } from './sequence/fit.js';
import { SequenceModel } from './sequence/model.js';

export const MODEL_KINDS: readonly ModelKind[] = ['logistic', 'random_forest', 'gradient_boosting', 'cox', 'sequence'];

export function isModelKind(s: string): s is ModelKind {
  return (MODEL_KINDS as readonly string[]).includes(s);
}

/** What a model is fitted with besides its parameters: the survival model's strata (from the config's survival section). */
export interface FitContext { strata?: readonly string[] }

/**
 * Fits one model; `params` are its config parameters (snake_case), checked against its schema
 * (an unknown key or a wrong type is a config error naming the key), defaults filling the rest.
 */
export async function fitModel(kind: ModelKind, data: TrainingData, params: Record<string, unknown>, rng: Rng, context: FitContext = {}): Promise<ChurnModel> {
  switch (kind) {
    case 'logistic':
      return fitLogistic(data, logisticParams(parseModelParams(MODEL_PARAM_SCHEMAS.logistic, params, kind)), rng);
    case 'random_forest':
      return await fitForest(data, forestParams(parseModelParams(MODEL_PARAM_SCHEMAS.random_forest, params, kind)), rng);
    case 'gradient_boosting':
      return await fitBoosting(data, parseModelParams(MODEL_PARAM_SCHEMAS.gradient_boosting, params, kind), rng);
    case 'cox':
      return fitCox(data, coxParams(parseModelParams(MODEL_PARAM_SCHEMAS.cox, params, kind), context.strata ?? []), rng);
    case 'sequence':
      return await fitSequence(data, parseModelParams(MODEL_PARAM_SCHEMAS.sequence, params, kind), rng);
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
