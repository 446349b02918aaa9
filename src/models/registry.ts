/**
 * The models churnscope trains, by name: how to fit each and how to load it back from JSON.
 */
import type { TrainingData } from '../data/matrix.js';
import { ModelError } from '../errors.js';
import type { Rng } from '../rng.js';
import { CoxModel, DEFAULT_COX_PARAMS, fitCox } from './cox.js';
import { DEFAULT_FOREST_PARAMS, ForestModel, fitForest } from './forest/forest.js';
import { DEFAULT_LOGISTIC_PARAMS, LogisticModel, fitLogistic } from './logistic.js';
import { BlendModel, type BlendState } from './blend.js';
import type { ChurnModel, ModelKind, ModelState } from './model.js';
import { fitSequence } from './sequence/fit.js';
import { SequenceModel, type SequenceState } from './sequence/model.js';
import { DEFAULT_SEQUENCE_PARAMS } from './sequence/params.js';
import { loadRuntime, type BackendChoice } from './sequence/runtime.js';

export const MODEL_KINDS: readonly ModelKind[] = ['logistic', 'random_forest', 'cox', 'sequence'];

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

/** Rebuilds a fitted model and starts what it runs on (the sequence model's TensorFlow.js backend). */
export async function loadModel(state: ModelState): Promise<ChurnModel> {
  const backend = tfBackend(state);
  if (backend !== null) await loadRuntime(backend);
  return modelFromState(state);
}

/** The backend a model asked for when it was fitted (a model file made on "wasm" scores on it), or null without TensorFlow.js. */
function tfBackend(state: ModelState): BackendChoice | null {
  if (state.kind === 'sequence') return (state as SequenceState).params.backend ?? DEFAULT_SEQUENCE_PARAMS.backend;
  if (state.kind !== 'blend') return null;
  for (const m of (state as BlendState).members) {
    const b = tfBackend(m.state);
    if (b !== null) return b;
  }
  return null;
}
