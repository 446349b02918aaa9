/**
 * The panel config: an operator's tables, the windows that define features and labels, and the
 * same model and scoring settings as a customer-table config.
 */
import { z } from 'zod';
import { tableConfigObject } from './schema.js';

const month = z.string().regex(/^\d{4}-\d{2}$/, 'expected a month as YYYY-MM');

export const panelConfigSchema = tableConfigObject
  .omit({ source: true, id: true, target: true, duration: true, duration_unit: true, roles: true, tenure_unit: true, drop: true })
  .extend({
    kind: z.literal('panel'),
    tables: z.strictObject({
      customers: z.string().min(1),
      usage: z.string().min(1).optional(),
      complaints: z.string().min(1).optional(),
      cdr: z.string().min(1).optional(),
    }),
    window: z.number().int().min(1).max(24).default(6),
    gap: z.number().int().min(0).max(12).default(1),
    outcome_months: z.number().int().min(1).max(12).default(2),
    label: z.enum(['churn', 'value_downgrade']).default('churn'),
    top_value_band: z.number().gt(0).lt(1).default(0.2),
    test_month: month.optional(), // default: the last month whose outcome window is in the data
    train_months: z.number().int().min(1).max(24).default(3),
    split_kind: z.enum(['out_of_time', 'stratified']).default('out_of_time'),
    drop: z.array(z.string()).default([]),
  });

export type PanelConfig = z.output<typeof panelConfigSchema>;

/** Roles of the panel's features, for derived features and reports. */
export const PANEL_ROLES = {
  tenure: 'tenure_months',
  revenue: 'revenue',
  complaints: 'complaints_6m',
  dropped_calls: 'dropped_call_rate',
  distinct_called: 'distinct_called',
  out_calls: 'out_calls',
  in_calls: 'in_calls',
  minutes: 'minutes',
} as const;
