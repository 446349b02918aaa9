/**
 * The saved-model file: versioned JSON holding everything scoring needs (feature list, encoder,
 * the model's learnt state) and what training measured. No timings, no absolute paths, so the
 * same data, config and seed give a byte-identical file.
 */
import { z } from 'zod';
import { DEFAULT_DRIFT_LIMIT, retentionSchema, type RetentionSettings } from '../config/schema.js';
import type { DriftReference } from '../data/drift-reference.js';
import type { EncoderState } from '../data/encoder.js';
import { DEFAULT_MISSING_VALUES } from '../ingest/cells.js';
import type { ModelKind, ModelState } from './model.js';
import { finite, MODEL_STATE_SCHEMAS } from './state-schemas.js';

export const MODEL_FORMAT = 'churnscope-model';
/**
 * 2 added `drift_reference` and `scoring.drift_limit`; 3 dropped `scoring.horizon_months` (a Cox
 * model carries its label's window) and changed the Cox state. Older files load by migration,
 * but for Cox models, which must be retrained.
 */
export const MODEL_FORMAT_VERSION = 3;

export interface SavedModel {
  format: typeof MODEL_FORMAT;
  version: number;
  name: string; // e.g. "logistic", "random_forest", "cox"
  kind: ModelKind;
  features: string[]; // matrix column order
  encoder: EncoderState; // raw columns -> matrix
  scoring: ScoringSettings;
  model: ModelState;
  metrics: Record<string, number>; // test-split metrics measured at training
  drift_reference: DriftReference | null; // training distributions per raw column; null when migrated from version 1
}

/** What the score command needs besides the model: ids, tiers, the drift limit. */
export interface ScoringSettings {
  id: string | null; // id column; null = row number
  tiers: { high: number; medium: number }; // churn probability thresholds
  duration: string | null; // survival models: the tenure column scoring conditions on
  retention: RetentionSettings; // value, ranking, early warning and actions for the list
  drift_limit: number; // scoring refuses an input whose PSI on a feature exceeds this (unless --allow-drift)
  missing_values: string[]; // cells read as missing, as in training (files without it: the defaults)
}

const encoderSchema: z.ZodType<EncoderState> = z.looseObject({
  columns: z.array(z.discriminatedUnion('kind', [
    z.looseObject({ kind: z.literal('numeric'), column: z.string(), median: finite }),
    z.looseObject({ kind: z.literal('categorical'), column: z.string(), levels: z.array(z.string()) }),
  ])).min(1),
  features: z.array(z.string()).min(1),
  derived: z.array(z.string()),
  roles: z.record(z.string(), z.string()),
  role_sums: z.record(z.string(), z.array(z.string()).min(1)).optional(),
}).superRefine((e, ctx) => {
  // The matrix columns are the encoder's columns expanded: a number as itself, text as one column per level.
  const expected = e.columns.flatMap((c) => (c.kind === 'numeric' ? [c.column] : c.levels.map((l) => `${c.column}=${l}`)));
  const k = expected.findIndex((f, i) => e.features[i] !== f);
  if (k >= 0 || expected.length !== e.features.length) {
    ctx.addIssue({ code: 'custom', message: `the encoder's feature list does not match its columns (${expected.length} features from the columns, ${e.features.length} listed)`, path: ['features'] });
  }
});

const share = z.number().min(0).max(1);
const driftReferenceSchema: z.ZodType<DriftReference> = z.looseObject({
  rows: z.number().int().min(0),
  columns: z.array(z.discriminatedUnion('kind', [
    z.looseObject({ kind: z.literal('numeric'), column: z.string(), edges: z.array(finite), shares: z.array(share) })
      .refine((c) => c.shares.length === c.edges.length + 2, { message: 'a numeric reference needs one share per bin and one for missing values' }),
    z.looseObject({ kind: z.literal('categorical'), column: z.string(), levels: z.array(z.string()), shares: z.array(share) })
      .refine((c) => c.shares.length === c.levels.length + 1, { message: 'a categorical reference needs one share per level and one for the rest' }),
  ])),
});

const scoringSchema: z.ZodType<ScoringSettings, unknown> = z.looseObject({
  id: z.string().min(1).nullable(),
  tiers: z.looseObject({ high: share, medium: share }),
  duration: z.string().min(1).nullable(),
  retention: retentionSchema,
  drift_limit: z.number().positive().default(DEFAULT_DRIFT_LIMIT),
  missing_values: z.array(z.string()).default([...DEFAULT_MISSING_VALUES]),
});

/** The `model` section: checked by its own kind's schema (an unknown kind is named). */
const modelStateSchema = z.looseObject({ kind: z.string() }).transform((state, ctx) => {
  const schema = MODEL_STATE_SCHEMAS[state.kind as ModelKind] as z.ZodType<ModelState> | undefined;
  if (schema === undefined) {
    ctx.addIssue({ code: 'custom', message: `unknown model kind "${state.kind}"; this churnscope reads ${Object.keys(MODEL_STATE_SCHEMAS).join(', ')}`, path: ['kind'] });
    return z.NEVER;
  }
  const parsed = schema.safeParse(state);
  if (!parsed.success) {
    for (const i of parsed.error.issues) ctx.addIssue({ code: 'custom', message: i.message, path: i.path });
    return z.NEVER;
  }
  return parsed.data;
});

/**
 * The whole model file, as the writer (pipeline/train) builds it and the loader checks it. Beyond
 * each part's shape: the kind stated twice agrees, the model reads the features the file lists,
 * and those are features the encoder makes.
 */
export const savedModelSchema: z.ZodType<SavedModel, unknown> = z.looseObject({
  format: z.literal(MODEL_FORMAT),
  version: z.number().int(),
  name: z.string().min(1),
  kind: z.string().refine((k): k is ModelKind => k in MODEL_STATE_SCHEMAS, { message: `expected a model kind this churnscope reads (${Object.keys(MODEL_STATE_SCHEMAS).join(', ')})` }),
  features: z.array(z.string()).min(1),
  encoder: encoderSchema,
  scoring: scoringSchema,
  model: modelStateSchema,
  metrics: z.record(z.string(), z.union([z.number(), z.null().transform(() => Number.NaN)])),
  drift_reference: driftReferenceSchema.nullable(),
}).superRefine((m, ctx) => {
  if (m.model.kind !== m.kind) ctx.addIssue({ code: 'custom', message: `the file says kind "${m.kind}" but its model section is a ${m.model.kind} model`, path: ['kind'] });
  const stateFeatures = (m.model as ModelState & { features?: unknown }).features;
  if (Array.isArray(stateFeatures) && (stateFeatures.length !== m.features.length || stateFeatures.some((f, i) => f !== m.features[i]))) {
    ctx.addIssue({ code: 'custom', message: `the file lists ${m.features.length} features but its model was fitted on ${stateFeatures.length}`, path: ['features'] });
  }
  const made = new Set(m.encoder.features);
  const unknown = m.features.find((f) => !made.has(f));
  if (unknown !== undefined) ctx.addIssue({ code: 'custom', message: `the feature "${unknown}" is not one the encoder makes`, path: ['features'] });
});
