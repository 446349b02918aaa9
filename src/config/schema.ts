/**
 * The customer-table config, validated with zod: one table per customer, its target, optional
 * duration, the columns that carry the telecom signals (roles), and training settings.
 */
import { z } from 'zod';
import { DEFAULT_MISSING_VALUES } from '../ingest/cells.js';
import type { DurationUnit } from '../labels/survival.js';
import { MODEL_PARAM_SCHEMAS } from '../models/param-schemas.js';
import { resolveRoles } from './roles.js';

export const ROLE_NAMES = [
  'tenure', 'out_calls', 'in_calls', 'out_minutes', 'in_minutes', 'minutes', 'minutes_change',
  'revenue', 'revenue_change', 'complaints', 'distinct_called', 'dropped_calls', 'contract',
] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/** A role names one column, or several whose values are summed (day, evening, night and international minutes). */
const roleColumns = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const roleShape = Object.fromEntries(ROLE_NAMES.map((r) => [r, roleColumns.optional()])) as Record<RoleName, z.ZodOptional<typeof roleColumns>>;
const rolesSchema = z.strictObject(roleShape, {
  error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown role ${iss.keys.map((k) => `"${k}"`).join(', ')}; the roles are: ${ROLE_NAMES.join(', ')}` : undefined),
});

/** Units a time on network may be counted in (durations and the tenure role); see labels/survival.ts. */
const TIME_UNITS = ['days', 'weeks', 'months'] as const satisfies readonly DurationUnit[];
export type TimeUnit = DurationUnit;

const modelNames = z.enum(['logistic', 'random_forest', 'gradient_boosting', 'cox', 'sequence']);


/**
 * Suggested actions by role and derived feature, so any table mapped to roles gets them: a column
 * mapped to a role takes its role's action (Telco's Contract the contract's, MonthlyCharges the
 * revenue's); derived and panel features take the entry with the longest prefix of their name.
 */
export const DEFAULT_ACTIONS: Record<string, string> = {
  contract: 'offer a longer contract with a loyalty discount',
  has_contract: 'offer a contract with a loyalty discount',
  months_to_contract_end: 'renewal offer before the contract ends',
  complaints: 'call back and close the open complaint',
  complaints_coverage: 'open a network ticket for the customer’s area',
  complaints_billing: 'account review with billing',
  unresolved_complaints: 'escalate the unresolved complaint',
  dropped_call: 'open a network ticket for the customer’s area',
  dropped_calls: 'open a network ticket for the customer’s area',
  revenue: 'price review: a better-fitting plan',
  revenue_change: 'price review: a better-fitting plan',
  revenue_per_minute: 'price review: a plan that fits how little the customer uses',
  plan: 'price review: a better-fitting plan',
  call_ratio: 'usage offer: bundle of minutes to frequent contacts',
  out_calls: 'usage offer: bundle of minutes to frequent contacts',
  in_calls: 'usage offer: bundle of minutes to frequent contacts',
  traffic: 'check service quality and offer a usage bundle',
  minutes: 'check service quality and offer a usage bundle',
  minutes_change: 'check service quality and offer a usage bundle',
  out_minutes: 'check service quality and offer a usage bundle',
  in_minutes: 'check service quality and offer a usage bundle',
  minutes_ratio: 'usage offer: bundle of minutes to frequent contacts',
  distinct_called: 'family and friends offer',
  tenure: 'tenure offer: welcome call if new, loyalty reward if long-standing',
  // The sequence model's channels (its months summed per channel).
  data_mb: 'data bundle offer',
  unresolved: 'escalate the unresolved complaint',
  active: 'welcome call: a new customer’s first months',
};

/** How the retention list values customers, ranks them, flags early warnings and suggests actions. */
export const retentionSchema = z.strictObject({
  value_column: z.string().min(1).optional().describe('Column holding monthly revenue per customer; default: the revenue role. Without either the list ranks by probability.'),
  value_months: z.number().positive().default(12).describe('Value = monthly revenue × this many months.'),
  currency: z.string().min(1).optional().describe('Currency of the value column, as reports should state it (e.g. EUR, USD).'),
  rank_by: z.enum(['value_at_risk', 'probability']).default('value_at_risk').describe('How the list is ranked; value_at_risk needs a value (revenue role or value_column).'),
  segment_column: z.string().min(1).default('segment').describe('Input column naming each customer\'s segment, when present.'),
  early_warning: z.strictObject({
    probability_rise: z.number().min(0).max(1).default(0.1),
    traffic_drop: z.number().min(0).max(1).default(0.3),
    call_ratio_drop: z.number().min(0).max(1).default(0.3),
    complaints: z.number().int().min(1).default(1),
  }).default({ probability_rise: 0.1, traffic_drop: 0.3, call_ratio_drop: 0.3, complaints: 1 }),
  /** Feature name prefix -> suggested action; the longest matching prefix wins. */
  improvability: z.record(z.string(), z.number().min(0).max(1)).default({}).describe('How easily the operator can move a driver, 0 (not at all) to 1 (fully), per role, derived feature or feature-name prefix; entries here override the defaults (src/report/factors.ts), and the report says which value came from where.'),
  actions: z.record(z.string(), z.string()).describe('Suggested action per role (the columns mapped to it), derived feature or feature-name prefix: a column mapped to a role takes its role\'s action, any other feature the longest matching prefix.').default(DEFAULT_ACTIONS),
});

export type RetentionSettings = z.output<typeof retentionSchema>;

/** How the survival model reads the labels: see src/labels/survival.ts. */
const survivalSchema = z.strictObject({
  strata: z.array(z.string().min(1)).default([]), // text columns, each level with its own baseline hazard
  entry: z.enum(['window_start', 'origin']).default('window_start'), // when a row joins the risk sets
});

/** Scoring refuses an input whose population stability index on any feature exceeds this. */
export const DEFAULT_DRIFT_LIMIT = 0.25;

export const tableConfigObject = z.strictObject({
  $schema: z.string().optional(), // an editor's pointer to schema/config.schema.json; ignored
  source: z.string().min(1).describe('The customer table (CSV or Parquet), relative to the config file.'),
  id: z.string().min(1).optional().describe('Unique customer id column; without it rows are numbered.'),
  target: z.strictObject({
    column: z.string().min(1).describe('The two-valued churn column.'),
    churned: z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v)).describe('The value meaning churned (compared as trimmed, case-insensitive text).'),
    /** The months the label covers, ending at the snapshot (Telco: "left within the last month"). */
    window_months: z.number().positive().max(120).default(1),
  }),
  duration: z.string().min(1).optional().describe('Time on network, for the survival model (cox).'),
  duration_unit: z.enum(TIME_UNITS).default('months'),
  roles: rolesSchema.default({}).describe('Columns carrying telecom signals; a list of columns is summed. Derived features and default actions key on these.'),
  tenure_unit: z.enum(TIME_UNITS).optional().describe('Unit of the tenure role; derived features convert it to months. Default: duration_unit when tenure is the duration, else months.'),
  drop: z.array(z.string()).default([]).describe('Columns not used as features.'),
  missing_values: z.array(z.string()).default([...DEFAULT_MISSING_VALUES]).describe('Cells read as missing (after trimming), in training and, through the model file, in scoring; other text in a numeric column is refused at training and its row rejected at scoring.'),
  exclude_from_survival: z.array(z.string()).default([]).describe('Columns the survival model leaves out (lifetime totals that grow with tenure).'),
  survival: survivalSchema.default({ strata: [], entry: 'window_start' }),
  seed: z.number().int().nonnegative().default(42),
  split: z.strictObject({
    test_fraction: z.number().min(0).lt(1).default(0.2), // 0: fit on every row, no test metrics
    folds: z.number().int().min(0).max(20).default(0),
  }).default({ test_fraction: 0.2, folds: 0 }),
  models: z.array(modelNames).min(1).default(['logistic', 'random_forest', 'gradient_boosting', 'cox']).describe('Models to train; the champion is chosen by champion_metric.'),
  model_params: z.strictObject(
    Object.fromEntries(Object.entries(MODEL_PARAM_SCHEMAS).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof MODEL_PARAM_SCHEMAS]: z.ZodOptional<(typeof MODEL_PARAM_SCHEMAS)[K]> },
    { error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown model ${iss.keys.map((k) => `"${k}"`).join(', ')} in model_params; the models are: ${modelNames.options.join(', ')}` : undefined) },
  ).default({}).describe('Parameters per model, in snake_case (README, "Model parameters"); unknown or mistyped keys are refused.'),
  champion_metric: z.enum(['auc', 'pr_auc', 'lift_at_10', 'capture_at_20', 'brier', 'log_loss', 'empc']).default('auc'),
  tiers: z.strictObject({ high: z.number().min(0).max(1), medium: z.number().min(0).max(1) })
    .refine((t) => t.medium <= t.high, { message: 'tiers.medium must not exceed tiers.high' })
    .default({ high: 0.5, medium: 0.25 }),
  drift_limit: z.number().positive().default(DEFAULT_DRIFT_LIMIT).describe('Scoring refuses an input whose PSI on any feature exceeds this.'),
  max_levels: z.number().int().min(1).max(1000).default(20).describe('Text columns keep this many most frequent levels; the rest encode as "other" (with a warning).'),
  retention: retentionSchema.default(retentionSchema.parse({})),
});

/** Roles resolved to one column each: a role over several columns reads their sum, `total_<role>`. */
export const tableConfigSchema = tableConfigObject.transform((c) => ({ ...c, ...resolveRoles(c.roles) }));

export type TableConfig = z.output<typeof tableConfigSchema>;
