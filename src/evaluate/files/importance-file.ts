/**
 * importance.json: per model, permutation importance on the test split and the model's own view
 * (forest impurity and out-of-bag AUC, boosting's gain, odds ratios, hazard ratios). The models
 * hand their own view over as `GlobalImportance`, the section this schema holds; the report reads
 * it back.
 */
import { z } from 'zod';
import { proportionalHazardsTestSchema } from '../../models/cox-ph-test.js';
import { runFile } from './run-file.js';

/** A linear model's term: coefficient, Wald test and 95% interval of exp(coef). */
const ratio = { feature: z.string(), coef: z.number(), se: z.number(), z: z.number(), p: z.number(), ci_low: z.number(), ci_high: z.number() };

/** What a model says of its own features (ChurnModel.globalImportance). */
const globalImportanceSchema = z.object({
  impurity: z.array(z.object({ feature: z.string(), importance: z.number() })).optional(),
  oob_auc: z.number().nullable().optional(),
  /** Gradient boosting: total split gain per feature, and the round the folds chose. */
  gain: z.array(z.object({ feature: z.string(), importance: z.number() })).optional(),
  best_round: z.number().int().optional(),
  odds_ratios: z.array(z.object({ ...ratio, odds_ratio: z.number() })).optional(),
  hazard_ratios: z.array(z.object({ ...ratio, hazard_ratio: z.number() })).optional(),
  /** Linear models: each text column's reference level (treatment coding) and the terms dropped as collinear. */
  reference_levels: z.array(z.object({ column: z.string(), level: z.string() })).optional(),
  aliased: z.array(z.object({ feature: z.string(), with: z.array(z.string()) })).optional(),
  /** Cox: the proportional-hazards test per covariate and globally. */
  proportional_hazards: proportionalHazardsTestSchema.optional(),
});

/** SHAP values of the top drivers over sampled test customers (src/evaluate/shap-summary.ts), for the report's SHAP charts. */
const shapSchema = z.object({
  scale: z.string(),
  base: z.number(),
  rows: z.number().int().min(0),
  drivers: z.array(z.object({ feature: z.string(), mean_abs: z.number(), shap: z.array(z.number()), value: z.array(z.number().nullable()) })),
});

const modelImportanceSchema = globalImportanceSchema.extend({
  permutation: z.array(z.object({ feature: z.string(), mean: z.number(), sd: z.number() })),
  shap: shapSchema.optional(),
});

export const IMPORTANCE_FORMAT = 'churnscope-importance';
export const IMPORTANCE_VERSION = 1;

const importanceSchema = z.object({
  format: z.literal(IMPORTANCE_FORMAT),
  version: z.literal(IMPORTANCE_VERSION),
  models: z.record(z.string(), modelImportanceSchema),
});

export type GlobalImportance = z.output<typeof globalImportanceSchema>;
export type ModelImportance = z.output<typeof modelImportanceSchema>;
export type Importance = z.output<typeof importanceSchema>;

const FILE = runFile('importance.json', IMPORTANCE_FORMAT, IMPORTANCE_VERSION, importanceSchema, 'the importance file');

/** importance.json of a run directory, validated. */
export const readImportance = FILE.read;
