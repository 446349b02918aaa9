/**
 * The `model` section of a model file, one schema per kind, each checking what that kind's
 * scoring relies on: parameters in range, numbers where numbers are read, arrays as long as the
 * feature list, tree nodes that point inside their tree. Each schema is typed against the state
 * its model writes (`z.ZodType<LogisticState>`...), so a change to a state that the schema does
 * not follow fails the type check. A new kind adds its schema to MODEL_STATE_SCHEMAS.
 */
import { z } from 'zod';
import type { BoostingState } from './boosting/boosting.js';
import { boostingParamsSchema } from './boosting/params.js';
import type { CoxState } from './cox.js';
import { proportionalHazardsTestSchema } from './cox-ph-test.js';
import type { ForestState } from './forest/forest.js';
import type { LogisticState } from './logistic.js';
import type { ModelKind, ModelState } from './model.js';
import type { BlendState } from './blend.js';
import type { SequenceState } from './sequence/model.js';
import { MOST_NODES } from './sequence/integrated-gradients.js';
import { WEIGHT_NAMES } from './sequence/network.js';

/** A number scoring computes with: finite. */
export const finite = z.number();
/** A measured number that JSON may hold as null (NaN or ±Infinity when written): read back as NaN. */
export const measured = z.union([z.number(), z.null().transform(() => Number.NaN)]);
const positiveInt = z.number().int().min(1);
const count = z.number().int().min(0);

/** Reference levels and the aliased columns a linear model dropped (logistic, Cox). */
const designSchema = z.looseObject({
  references: z.array(z.looseObject({ column: z.string(), level: z.string() })),
  aliased: z.array(z.looseObject({ feature: z.string(), with: z.array(z.string()) })),
}).default({ references: [], aliased: [] }); // files written before the notes existed

type Refine = (ctx: z.RefinementCtx, message: string, path: (string | number)[]) => void;
const issue: Refine = (ctx, message, path) => ctx.addIssue({ code: 'custom', message, path });

/** Arrays named in `keys` must have `n` entries. */
function sameLength(ctx: z.RefinementCtx, state: Record<string, unknown>, n: number, keys: readonly string[], of: string): void {
  for (const k of keys) {
    const a = state[k];
    if (Array.isArray(a) && a.length !== n) issue(ctx, `has ${a.length} entries for ${n} ${of}`, [k]);
  }
}

/** Each kind's parameters as its model file records them (the config's snake_case ones are checked by src/models/param-schemas.ts). */
const logisticParams = z.looseObject({ l2: z.number().min(0), maxIter: positiveInt, tol: z.number().positive() });
const forestParams = z.looseObject({
    trees: positiveInt,
    maxDepth: positiveInt,
    minSamplesLeaf: positiveInt,
    maxFeatures: z.union([z.literal('sqrt'), z.number().positive()]),
    bins: z.number().int().min(2).max(255),
    workers: count,
  });
const coxParams = z.looseObject({
    l2: z.number().min(0),
    maxIter: positiveInt,
    tol: z.number().positive(),
    maxStep: z.number().positive(),
    ties: z.enum(['efron', 'breslow']),
    strata: z.array(z.string()),
  });
const sequenceParams = z.looseObject({
    hidden: positiveInt,
    dense: positiveInt,
    learning_rate: z.number().positive(),
    batch_size: positiveInt,
    max_epochs: positiveInt,
    patience: count,
    validation_fraction: z.number().gt(0).lt(1),
    positive_weight: z.union([z.literal('balanced'), z.number().positive()]),
    l2: z.number().min(0),
    average_decay: z.number().min(0).max(1),
    ig_steps: positiveInt.max(MOST_NODES),
    static_features: z.array(z.string()),
    backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']),
  });

const logisticStateSchema: z.ZodType<LogisticState> = z.looseObject({
  kind: z.literal('logistic'),
  params: logisticParams,
  features: z.array(z.string()).min(1),
  intercept: finite,
  coef: z.array(finite),
  se: z.array(measured),
  se_intercept: measured,
  mean: z.array(finite),
  design: designSchema,
  iterations: count,
  log_likelihood: measured,
  null_log_likelihood: measured.default(Number.NaN),
  concordance: measured.default(Number.NaN),
  rows: count.default(0),
}).superRefine((s, ctx) => sameLength(ctx, s, s.features.length, ['coef', 'se', 'mean'], 'features'));

/** A tree's nodes, children inside the tree; leaf values in `value`'s range. */
function treeSchema<V extends z.ZodNumber>(value: V) {
  return z.looseObject({
    feature: z.array(z.number().int().min(-1)),
    threshold: z.array(finite),
    left: z.array(z.number().int().min(-1)),
    right: z.array(z.number().int().min(-1)),
    value: z.array(value),
    n: z.array(count),
  }).superRefine(treeNodes);
}

function treeNodes(t: { feature: number[]; left: number[]; right: number[] }, ctx: z.RefinementCtx): void {
  const nodes = t.feature.length;
  if (nodes === 0) issue(ctx, 'a tree has no nodes', []);
  sameLength(ctx, t, nodes, ['threshold', 'left', 'right', 'value', 'n', 'default_left'], 'nodes');
  for (let k = 0; k < nodes; k++) {
    const leaf = t.feature[k] === -1;
    for (const side of ['left', 'right'] as const) {
      const child = t[side][k];
      if (leaf ? child !== -1 : !(child > k && child < nodes)) {
        issue(ctx, leaf ? 'a leaf has a child' : `node ${k} points to node ${child}, outside its tree`, [side, k]);
        return;
      }
    }
  }
}

/** Split features inside the model's feature list. */
function treeFeatures(trees: readonly { feature: number[] }[], features: number, ctx: z.RefinementCtx): void {
  trees.forEach((t, i) => {
    const bad = t.feature.findIndex((f) => f >= features);
    if (bad >= 0) issue(ctx, `node ${bad} splits on feature ${t.feature[bad]} of ${features}`, ['trees', i, 'feature', bad]);
  });
}

const forestStateSchema: z.ZodType<ForestState> = z.looseObject({
  kind: z.literal('random_forest'),
  params: forestParams,
  features: z.array(z.string()).min(1),
  trees: z.array(treeSchema(z.number().min(0).max(1))).min(1),
  base_rate: z.number().min(0).max(1),
  impurity_importance: z.array(measured),
  oob_auc: measured.nullable(),
}).superRefine((s, ctx) => {
  sameLength(ctx, s, s.features.length, ['impurity_importance'], 'features');
  treeFeatures(s.trees, s.features.length, ctx);
});

const boostTreeSchema = z.looseObject({
  feature: z.array(z.number().int().min(-1)),
  threshold: z.array(finite),
  default_left: z.array(z.union([z.literal(0), z.literal(1)])),
  left: z.array(z.number().int().min(-1)),
  right: z.array(z.number().int().min(-1)),
  value: z.array(finite),
  n: z.array(count),
}).superRefine((t, ctx) => {
  treeNodes(t, ctx);
  const apart = t.feature.findIndex((f, k) => f >= 0 && t.right[k] !== t.left[k] + 1);
  if (apart >= 0) issue(ctx, `node ${apart}'s right child does not follow its left one`, ['right', apart]);
});

const boostingStateSchema: z.ZodType<BoostingState> = z.looseObject({
  kind: z.literal('gradient_boosting'),
  params: boostingParamsSchema,
  features: z.array(z.string()).min(1),
  base_score: finite,
  linear: z.looseObject({ intercept: finite, coef: z.array(finite), mean: z.array(finite) }).nullable(),
  trees: z.array(boostTreeSchema),
  best_round: count,
  validation_log_loss: measured.nullable(),
  gain_importance: z.array(measured),
}).superRefine((s, ctx) => {
  sameLength(ctx, s, s.features.length, ['gain_importance'], 'features');
  if (s.linear !== null) sameLength(ctx, s.linear, s.features.length, ['coef', 'mean'], 'features');
  treeFeatures(s.trees, s.features.length, ctx);
});

const baselineSchema = z.looseObject({
  levels: z.array(z.string()),
  rows: count,
  events: count,
  last_time: finite,
  times: z.array(finite),
  cumhaz: z.array(z.number().min(0)),
}).superRefine((b, ctx) => sameLength(ctx, b, b.times.length, ['cumhaz'], 'event times'));

const coxStateSchema: z.ZodType<CoxState> = z.looseObject({
  kind: z.literal('cox'),
  params: coxParams,
  features: z.array(z.string()).min(1),
  covariates: z.array(z.string()),
  time: z.looseObject({ feature: z.string().min(1), offset: finite, window: z.number().positive(), month: z.number().positive() }),
  strata: z.array(z.looseObject({ column: z.string(), features: z.array(z.string()) })),
  coef: z.array(finite),
  se: z.array(measured),
  mean: z.array(finite),
  design: designSchema,
  baselines: z.array(baselineSchema).min(1),
  log_partial_likelihood: measured,
  null_log_partial_likelihood: measured,
  concordance: measured,
  proportional_hazards: proportionalHazardsTestSchema.optional(),
  rows: count,
  events: count,
  iterations: count,
}).superRefine((s, ctx) => {
  sameLength(ctx, s, s.covariates.length, ['coef', 'se', 'mean'], 'covariates');
  const features = new Set(s.features);
  for (const name of [...s.covariates, s.time.feature, ...s.strata.flatMap((x) => x.features)]) {
    if (!features.has(name)) issue(ctx, `names "${name}", which is not in the model's features`, ['covariates']);
  }
});

const tensorSchema = z.looseObject({ name: z.enum(WEIGHT_NAMES), shape: z.array(count), data: z.string() }).superRefine((t, ctx) => {
  const values = t.shape.reduce((a, b) => a * b, 1);
  if (Buffer.from(t.data, 'base64').length !== values * 4) issue(ctx, `holds ${Buffer.from(t.data, 'base64').length} bytes for ${values} float32 values of shape [${t.shape.join(', ')}]`, ['data']);
});

export const sequenceStateSchema: z.ZodType<SequenceState> = z.looseObject({
  kind: z.literal('sequence'),
  params: sequenceParams,
  features: z.array(z.string()).min(1),
  layout: z.looseObject({ months: positiveInt, channels: z.array(z.string()).min(1), statics: z.array(z.string()) }),
  scaling: z.looseObject({ channel_mean: z.array(finite), channel_sd: z.array(finite), static_mean: z.array(finite), static_sd: z.array(finite), static_log: z.array(z.boolean()) }),
  shape: z.looseObject({
    months: positiveInt, channels: positiveInt, statics: count, hidden: positiveInt, dense: positiveInt,
    relative: z.array(z.looseObject({ channel: count, mean: finite, sd: finite })),
  }),
  weights: z.array(tensorSchema).length(WEIGHT_NAMES.length),
  training: z.looseObject({
    epochs: count,
    best_epoch: count,
    validation_loss: measured,
    validation_rows: count,
    positive_weight: z.number(),
    calibration: z.looseObject({ scale: finite, shift: finite }),
  }),
}).superRefine((s, ctx) => {
  sameLength(ctx, s.scaling, s.layout.channels.length, ['channel_mean', 'channel_sd'], 'channels');
  sameLength(ctx, s.scaling, s.layout.statics.length, ['static_mean', 'static_sd', 'static_log'], 'statics');
  const names = s.weights.map((w) => w.name);
  if (WEIGHT_NAMES.some((n, i) => names[i] !== n)) issue(ctx, `the weights are ${names.join(', ')}; expected ${WEIGHT_NAMES.join(', ')}`, ['weights']);
});

/** A blend: its members' states, each checked by its own kind's schema. */
export const blendStateSchema: z.ZodType<BlendState> = z.looseObject({
  kind: z.literal('blend'),
  params: z.looseObject({}),
  features: z.array(z.string()).min(1),
  members: z.array(z.looseObject({
    name: z.enum(['logistic', 'random_forest', 'gradient_boosting', 'cox', 'sequence']),
    state: z.lazy(() => z.union([logisticStateSchema, forestStateSchema, boostingStateSchema, coxStateSchema, sequenceStateSchema])),
  })).min(1),
}).superRefine((s, ctx) => {
  s.members.forEach((m, i) => { if (m.state.kind !== m.name) issue(ctx, `member ${i} is named ${m.name} but holds a ${m.state.kind} model`, ['members', i]); });
}) as unknown as z.ZodType<BlendState>;

/** Every kind's state schema, by kind. */
export const MODEL_STATE_SCHEMAS: Record<ModelKind, z.ZodType<ModelState>> = {
  logistic: logisticStateSchema,
  random_forest: forestStateSchema,
  gradient_boosting: boostingStateSchema,
  cox: coxStateSchema,
  sequence: sequenceStateSchema,
  blend: blendStateSchema,
};
