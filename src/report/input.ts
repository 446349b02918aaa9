/**
 * What the report reads: the run directory written by `churnscope train` and, optionally, a
 * scored retention list for economics, the factor matrix's shares and the segment sections.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { SavedModel } from '../models/artifact.js';

export interface ModelMetrics { [metric: string]: number }

export interface EvaluationFile {
  dataset: { source: string; rows: number; churn_rate: number; features: number };
  split: { kind: string; train_rows: number; test_rows: number };
  models: Record<string, ModelMetrics>;
  champion: string;
  champion_metric: string;
  warnings: string[];
}

export interface ModelCurves {
  roc: { x: number; y: number }[];
  pr: { x: number; y: number }[];
  gains: { x: number; y: number }[];
  lift: { x: number; y: number }[];
  calibration: { bin: number; count: number; mean_predicted: number; observed: number }[];
}

export type KaplanMeierGroups = Record<string, Record<string, { times: number[]; survival: number[] }>>;

/** A linear model's term: coefficient, Wald test and 95% interval of exp(coef). */
export interface TermRow { feature: string; coef: number; se: number; z: number; p: number; ci_low: number; ci_high: number }

export interface ModelImportance {
  permutation: { feature: string; mean: number; sd: number }[];
  impurity?: { feature: string; importance: number }[];
  odds_ratios?: (TermRow & { odds_ratio: number })[];
  hazard_ratios?: (TermRow & { hazard_ratio: number })[];
  reference_levels?: { column: string; level: string }[];
  aliased?: { feature: string; with: string[] }[];
}

export interface ReportInput {
  runDir: string;
  evaluation: EvaluationFile;
  curves: Record<string, ModelCurves>;
  kaplanMeier: KaplanMeierGroups;
  importance: Record<string, ModelImportance>;
  roles: Record<string, string>;
  /** Summed roles (added column -> its parts), for improvability and wording by role. */
  role_sums: Record<string, string[]>;
  /** How the champion's lists value customers, and the configured improvability. */
  value: ValueDefinition;
  improvability: Record<string, number>;
  list: string | null; // path of a scored list
}

/** What a list's value is: monthly revenue from a column × months, in a currency. */
export interface ValueDefinition { column: string | null; months: number; currency: string | null }

function readJson<T>(file: string): T {
  if (!existsSync(file)) throw new InputError('the run directory lacks this file: run churnscope train first', { file });
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    throw new InputError('the file is not valid JSON', { file });
  }
}

export async function loadReportInput(runDir: string, list: string | null = null): Promise<ReportInput> {
  const evaluation = readJson<EvaluationFile>(join(runDir, 'evaluation.json'));
  const rawCurves = readJson<Record<string, unknown>>(join(runDir, 'curves.json'));
  const { kaplan_meier: km, ...curves } = rawCurves;
  const importance = readJson<Record<string, ModelImportance>>(join(runDir, 'importance.json'));
  const champion = readJson<SavedModel>(join(runDir, 'models', 'champion.json'));
  if (list !== null && !existsSync(list)) throw new InputError('the scored list does not exist', { file: list });
  return {
    runDir,
    evaluation,
    curves: curves as Record<string, ModelCurves>,
    kaplanMeier: (km ?? {}) as KaplanMeierGroups,
    importance,
    roles: champion.encoder.roles,
    role_sums: champion.encoder.role_sums ?? {},
    value: {
      column: champion.scoring.retention.value_column ?? champion.encoder.roles.revenue ?? null,
      months: champion.scoring.retention.value_months,
      currency: champion.scoring.retention.currency ?? null,
    },
    improvability: champion.scoring.retention.improvability ?? {},
    list,
  };
}
