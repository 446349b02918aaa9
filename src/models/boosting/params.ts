/**
 * The gradient-boosting model's parameters, in snake_case as the config names them, with their
 * ranges and defaults: the schema is the documentation (README's parameter table) and the check.
 */
import { z } from 'zod';
import { modelParamsObject } from '../params.js';

export const boostingParamsSchema = modelParamsObject('gradient_boosting', {
  init: z.enum(['logistic', 'prior']).default('logistic').describe('the margin the trees start from: a penalised logistic fit, or the churn rate alone'),
  init_l2: z.number().min(0).default(30).describe('L2 penalty of the starting logistic fit (standardized coefficients)'),
  learning_rate: z.number().gt(0).max(1).default(0.1).describe('shrinkage applied to every leaf value'),
  rounds: z.number().int().min(1).max(10_000).default(1000).describe('boosting rounds at most (early stopping keeps the best)'),
  max_depth: z.number().int().min(0).max(16).default(3).describe('deepest split level; 0 = no limit (leaf-wise growth only)'),
  max_leaves: z.number().int().min(0).max(65_536).default(0).describe('leaves per tree at most; 0 = no limit (depth-wise only)'),
  growth: z.enum(['depthwise', 'leafwise']).default('depthwise').describe('split level by level (XGBoost) or the best leaf first (LightGBM)'),
  min_child_hessian: z.number().min(0).default(1).describe('smallest sum of hessians p(1-p) in a child'),
  l2: z.number().min(0).default(1).describe('L2 penalty on leaf values'),
  min_split_gain: z.number().min(0).default(0).describe('smallest loss reduction for a split'),
  subsample: z.number().gt(0).max(1).default(1).describe('share of training rows drawn for each tree'),
  colsample: z.number().gt(0).max(1).default(1).describe('share of features drawn for each tree'),
  colsample_bynode: z.number().gt(0).max(1).default(1).describe("share of the tree's features drawn afresh for each split"),
  early_stopping_rounds: z.number().int().min(0).default(50).describe('stop after this many rounds without a better validation log loss; 0 = never'),
  stopping_folds: z.number().int().min(1).max(20).default(5).describe('early stopping: each of these stratified folds of the training rows picks a best round; all rows are then boosted for their mean'),
  validation_fraction: z.number().gt(0).lt(1).default(0.1).describe('with stopping_folds 1: the share of training rows held out'),
  monotone: z.record(z.string(), z.union([z.literal(-1), z.literal(0), z.literal(1)])).default({}).describe('feature -> 1 (risk never falls as it rises) or -1'),
  bins: z.number().int().min(2).max(255).default(255).describe('histogram bins per feature (one more is kept for missing values)'),
  workers: z.number().int().min(0).max(64).default(0).describe('threads building histograms; 0 = one per core'),
});

export type BoostingParams = z.output<typeof boostingParamsSchema>;

export const DEFAULT_BOOSTING_PARAMS: BoostingParams = boostingParamsSchema.parse({});
