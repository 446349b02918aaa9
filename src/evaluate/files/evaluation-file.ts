/**
 * evaluation.json, the run directory's summary: the data, the split, every model's test metrics
 * and the champion. One schema: train writes its type, the report and the pipelines read it back
 * through it.
 */
import { z } from 'zod';
import { DEACTIVATION_REASONS } from '../../ingest/panel/open-panel.js';
import { runFile } from './run-file.js';

const count = z.number().int().min(0);

/** A test metric: NaN when there is no test split (`split.test_fraction: 0`), written as null. */
const metric = z.number().nullable().transform((v) => v ?? Number.NaN);

const modelEvaluationSchema = z.object({
  auc: metric,
  pr_auc: metric,
  lift_at_10: metric,
  capture_at_20: metric,
  brier: metric,
  log_loss: metric,
  empc: metric,
  empc_fraction: metric,
  fit_seconds: z.number(),
  c_index: metric.optional(),
  // Survival models (src/evaluate/survival-evaluation.ts):
  uno_c: metric.optional(),
  td_auc_3m: metric.optional(),
  td_auc_6m: metric.optional(),
  td_auc_12m: metric.optional(),
  ibs: metric.optional(),
  ibs_kaplan_meier: metric.optional(),
  ibs_months: z.number().optional(),
  ipcw_skipped: z.string().optional(), // why the three above were not computed (delayed entry)
  cv_auc_mean: metric.optional(), // NaN (null in the file) when a fold holds no churner
  cv_auc_sd: metric.optional(),
  backend: z.string().optional(), // the compute backend (the sequence model's TensorFlow.js backend)
});

/** A panel's reference month: who was active, labelled, churned, and who was left out and why. */
const monthCountsSchema = z.object({
  month: z.string(),
  active: count,
  labelled: count,
  churned: count,
  excluded_involuntary: count,
  excluded_left_in_gap: count,
  excluded_other: count,
});

/** A panel's monthly churn trend (src/labels/churn-trend.ts): per month, per segment and month, and by reason. */
export const churnTrendSchema = z.object({
  months: z.array(z.object({
    month: z.string(),
    active: count,
    churned: z.object(Object.fromEntries(DEACTIVATION_REASONS.map((r) => [r, count])) as Record<(typeof DEACTIVATION_REASONS)[number], typeof count>),
    churn_rate: z.number(),
    voluntary_rate: z.number(),
    retention_rate: z.number(),
  })),
  by_segment: z.array(z.object({ month: z.string(), segment: z.string(), active: count, churned: count, voluntary: count, churn_rate: z.number(), voluntary_rate: z.number() })),
  reasons: z.array(z.object({ reason: z.enum(DEACTIVATION_REASONS), customers: count, share: z.number() })),
});

export const EVALUATION_FORMAT = 'churnscope-evaluation';
export const EVALUATION_VERSION = 1;

const evaluationSchema = z.object({
  format: z.literal(EVALUATION_FORMAT),
  version: z.literal(EVALUATION_VERSION),
  dataset: z.object({ source: z.string(), rows: count, churn_rate: z.number(), features: count }),
  split: z.object({
    kind: z.enum(['stratified', 'out_of_time', 'kfold']),
    train_rows: count,
    test_rows: count,
    test_fraction: z.number().optional(),
    test_period: z.number().int().optional(), // out of time: the test month as YYYYMM
  }),
  models: z.record(z.string(), modelEvaluationSchema),
  champion: z.string(),
  champion_metric: z.string(),
  warnings: z.array(z.string()),
  seed: z.number().int(),
  panel: z.object({ months: z.array(monthCountsSchema), trend: churnTrendSchema.optional() }).optional(),
});

export type ModelEvaluation = z.output<typeof modelEvaluationSchema>;
export type Evaluation = z.output<typeof evaluationSchema>;

const FILE = runFile('evaluation.json', EVALUATION_FORMAT, EVALUATION_VERSION, evaluationSchema, 'the evaluation file');

/** evaluation.json of a run directory, validated. */
export const readEvaluation = FILE.read;
