/**
 * What the report reads: the run directory written by `churnscope train` and, optionally, a
 * scored retention list for economics, the factor matrix's shares and the segment sections.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TimeUnit } from '../config/schema.js';
import { InputError } from '../errors.js';
import { readCurves, type KaplanMeierGroups, type ModelCurves } from '../evaluate/files/curves-file.js';
import { readEvaluation, type Evaluation } from '../evaluate/files/evaluation-file.js';
import { readImportance, type ModelImportance } from '../evaluate/files/importance-file.js';
import type { ChurnTrend } from '../labels/churn-trend.js';
import { loadSavedModel } from '../models/load-model.js';

export type { KaplanMeierGroups, ModelCurves, ModelImportance };

export interface ReportInput {
  runDir: string;
  evaluation: Evaluation;
  curves: Record<string, ModelCurves>;
  kaplanMeier: KaplanMeierGroups;
  importance: Record<string, ModelImportance>;
  roles: Record<string, string>;
  /** Summed roles (added column -> its parts), for improvability and wording by role. */
  role_sums: Record<string, string[]>;
  /** What the tenure role counts, for its wording. */
  tenure_unit: TimeUnit;
  /** How the champion's lists value customers, and the configured improvability. */
  value: ValueDefinition;
  improvability: Record<string, number>;
  list: string | null; // path of a scored list
  /** Panels: the monthly churn trend the report opens with; null for a customer table. */
  trend: ChurnTrend | null;
}

/** What a list's value is: monthly revenue from a column × months, in a currency. */
export interface ValueDefinition { column: string | null; months: number; currency: string | null }

export async function loadReportInput(runDir: string, list: string | null = null): Promise<ReportInput> {
  const evaluation = readEvaluation(runDir);
  const curves = readCurves(runDir);
  const importance = readImportance(runDir);
  const champion = await loadSavedModel(join(runDir, 'models', 'champion.json'));
  if (list !== null && !existsSync(list)) throw new InputError('the scored list does not exist', { file: list });
  return {
    runDir,
    evaluation,
    curves: curves.models,
    kaplanMeier: curves.kaplan_meier,
    importance: importance.models,
    roles: champion.saved.encoder.roles,
    role_sums: champion.saved.encoder.role_sums ?? {},
    tenure_unit: champion.saved.encoder.tenure_unit ?? 'months',
    value: {
      column: champion.saved.scoring.retention.value_column ?? champion.saved.encoder.roles.revenue ?? null,
      months: champion.saved.scoring.retention.value_months,
      currency: champion.saved.scoring.retention.currency ?? null,
    },
    improvability: champion.saved.scoring.retention.improvability ?? {},
    list,
    trend: evaluation.panel?.trend ?? null,
  };
}
