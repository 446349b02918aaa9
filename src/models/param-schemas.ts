/** Every trainable model's parameter schema, by the name the config gives the model. */
import { boostingParamsSchema } from './boosting/params.js';
import { forestParamsSchema } from './forest/params.js';
import { coxParamsSchema, logisticParamsSchema } from './linear-params.js';
import { sequenceParamsSchema } from './sequence/params.js';

export const MODEL_PARAM_SCHEMAS = {
  logistic: logisticParamsSchema,
  random_forest: forestParamsSchema,
  gradient_boosting: boostingParamsSchema,
  cox: coxParamsSchema,
  sequence: sequenceParamsSchema,
};

export type TrainableKind = keyof typeof MODEL_PARAM_SCHEMAS;
