/**
 * curves.json: what the report draws for every model on the test split (ROC, precision–recall,
 * gains, lift, calibration; survival models' calibration at 12 months) and the Kaplan–Meier
 * curves of customer groups. One schema for the writer (training) and the reader (the report).
 */
import { z } from 'zod';
import { runFile } from './run-file.js';

const points = z.array(z.object({ x: z.number(), y: z.number() }));

const modelCurvesSchema = z.object({
  roc: points,
  pr: points,
  gains: points,
  lift: points,
  calibration: z.array(z.object({ bin: z.number().int(), lower: z.number(), upper: z.number(), count: z.number().int(), mean_predicted: z.number(), observed: z.number() })),
  /** Survival models: P(churn by 12 months) per decile against Kaplan–Meier (src/evaluate/survival-evaluation.ts). */
  calibration_12m: z.array(z.object({ decile: z.number().int(), rows: z.number().int(), mean_predicted: z.number(), observed: z.number() })).optional(),
});

const months = z.number().nullable(); // null: not reached
/** A Kaplan–Meier curve in months; the Greenwood band (log-log) and the median's interval where the run has them. */
const survivalCurve = z.object({
  times: z.array(z.number()),
  survival: z.array(z.number()),
  lower: z.array(z.number()).optional(),
  upper: z.array(z.number()).optional(),
  median: z.object({ median: months, lower: months, upper: months }).optional(),
});

export const CURVES_FORMAT = 'churnscope-curves';
export const CURVES_VERSION = 1;

const curvesSchema = z.object({
  format: z.literal(CURVES_FORMAT),
  version: z.literal(CURVES_VERSION),
  models: z.record(z.string(), modelCurvesSchema),
  /** Group (contract, complaints) -> level -> curve. */
  kaplan_meier: z.record(z.string(), z.record(z.string(), survivalCurve)),
});

export type ModelCurves = z.output<typeof modelCurvesSchema>;
export type SurvivalCurve = z.output<typeof survivalCurve>;
export type KaplanMeierGroups = Curves['kaplan_meier'];
export type Curves = z.output<typeof curvesSchema>;

const FILE = runFile('curves.json', CURVES_FORMAT, CURVES_VERSION, curvesSchema, 'the curves file');

/** curves.json of a run directory, validated. */
export const readCurves = FILE.read;
