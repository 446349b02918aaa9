/**
 * What the report reads besides evaluation.json: curves per model on the test split, Kaplan–Meier
 * curves by customer group, and global importance per model. Written into the run directory.
 */
import { join } from 'node:path';
import type { TableConfig } from '../config/schema.js';
import { takeRows, type FeatureMatrix } from '../data/matrix.js';
import { calibrationTable } from '../evaluate/calibration.js';
import { gainsCurve, liftCurve, prCurve, rocCurve } from '../evaluate/curves.js';
import { CURVES_FORMAT, CURVES_VERSION, type Curves, type KaplanMeierGroups, type SurvivalCurve } from '../evaluate/files/curves-file.js';
import { IMPORTANCE_FORMAT, IMPORTANCE_VERSION, type Importance } from '../evaluate/files/importance-file.js';
import { permutationImportance } from '../evaluate/permutation.js';
import { shapSummary } from '../evaluate/shap-summary.js';
import { findColumn, type CustomerTable } from '../ingest/table.js';
import { toStableJson, writeFileAtomic } from '../io/atomic.js';
import { kaplanMeier, medianInterval } from '../models/kaplan-meier.js';
import type { ChurnModel, ModelKind } from '../models/model.js';
import { Rng } from '../rng.js';
import type { SurvivalCurves } from '../evaluate/survival-evaluation.js';
import type { SurvivalLabels } from '../labels/survival.js';
import type { PreparedData } from './train.js';
import { progress } from '../io/progress.js';

const PERMUTATION_ROWS = 1000; // enough for a stable ranking; keeps big panels fast
const SHAP_ROWS = 300; // customers in the report's SHAP charts: the spread reads, the SVG stays small

/** A fitted model, its feature list and the matrix of test rows it was evaluated with. */
export interface FittedModel { model: ChurnModel; features: string[]; seconds: number; testX: FeatureMatrix }

export interface RunArtifactsInput {
  config: TableConfig;
  prepared: PreparedData;
  fitted: Map<ModelKind, FittedModel>;
  testScores: Map<ModelKind, Float64Array>;
  survivalCurves: Map<ModelKind, SurvivalCurves>;
  excluded: Set<string>;
  seed: number;
}

/** Each row's watched span in months, as the survival models are fitted on it (delayed entry); from joining without labels. */
export interface WatchedSpans { exit: Float64Array; entry: Float64Array; event: Uint8Array }

function km(spans: WatchedSpans, rows: number[]): SurvivalCurve {
  const fit = kaplanMeier(Float64Array.from(rows, (i) => spans.exit[i]), Uint8Array.from(rows, (i) => spans.event[i]), Float64Array.from(rows, (i) => spans.entry[i]));
  return { times: Array.from(fit.times), survival: Array.from(fit.survival), lower: Array.from(fit.lower), upper: Array.from(fit.upper), median: medianInterval(fit) };
}

/** Every row's span from the split's survival labels (train and test scattered back), in months. */
function watchedSpans(prepared: PreparedData): WatchedSpans | null {
  const { table, split, train, test } = prepared;
  if (table.target === undefined || train.survival === undefined) return null;
  const exit = new Float64Array(table.rows);
  const entry = new Float64Array(table.rows);
  const put = (idx: Int32Array, labels: SurvivalLabels | undefined): void => {
    if (labels === undefined) return;
    idx.forEach((row, k) => {
      exit[row] = labels.exit[k] / labels.time.month;
      entry[row] = labels.entry[k] / labels.time.month;
    });
  };
  put(split.train, train.survival);
  put(split.test, test.survival);
  return { exit, entry, event: table.target };
}

/**
 * Kaplan–Meier curves by contract and complaint count, where the data has them, over the spans the
 * survival models are fitted on, with Greenwood bands and the median's interval. No curves by
 * tenure band: when the duration is the tenure, a band of it is a band of the time axis itself.
 * Levels in their natural order (numbers by value).
 */
export function kaplanMeierGroups(table: CustomerTable, config: TableConfig, spans: WatchedSpans | null): KaplanMeierGroups {
  const out: KaplanMeierGroups = {};
  if (spans === null) return out;
  const group = (name: string, levelOf: (i: number) => string | null): void => {
    const rows = new Map<string, number[]>();
    for (let i = 0; i < table.rows; i++) {
      const level = levelOf(i);
      if (level === null) continue;
      let list = rows.get(level);
      if (list === undefined) rows.set(level, (list = []));
      list.push(i);
    }
    const curves: Record<string, SurvivalCurve> = {};
    for (const level of [...rows.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) curves[level] = km(spans, rows.get(level) ?? []);
    if (Object.keys(curves).length > 1) out[name] = curves;
  };
  const contract = config.roles.contract !== undefined ? findColumn(table, config.roles.contract) : undefined;
  if (contract !== undefined) {
    group('contract', (i) => (contract.kind === 'text' ? contract.values[i] : String(contract.values[i])));
  }
  const complaints = config.roles.complaints !== undefined ? findColumn(table, config.roles.complaints) : undefined;
  if (complaints !== undefined && complaints.kind === 'numeric') {
    group('complaints', (i) => {
      const c = complaints.values[i];
      return Number.isNaN(c) ? null : c >= 2 ? '2+' : String(c);
    });
  }
  return out;
}

export async function buildRunArtifacts(dir: string, input: RunArtifactsInput): Promise<void> {
  const { prepared, fitted, testScores, seed } = input;
  const y = prepared.test.y;
  const curves: Curves = { format: CURVES_FORMAT, version: CURVES_VERSION, models: {}, kaplan_meier: kaplanMeierGroups(prepared.table, input.config, watchedSpans(prepared)) };
  for (const [kind, p] of testScores) {
    curves.models[kind] = {
      roc: rocCurve(y, p),
      pr: prCurve(y, p),
      gains: gainsCurve(y, p),
      lift: liftCurve(y, p),
      calibration: calibrationTable(y, p, 10),
      ...input.survivalCurves.get(kind),
    };
  }
  await writeFileAtomic(join(dir, 'curves.json'), toStableJson(curves));

  // Permutation importance on a seeded subsample of the test split.
  const rng = new Rng(seed ^ 0x5eed);
  let rows: number[] = Array.from({ length: prepared.test.x.rows }, (_, i) => i);
  if (rows.length > PERMUTATION_ROWS) rows = rng.shuffle(rows).slice(0, PERMUTATION_ROWS).sort((a, b) => a - b);
  const ys = Uint8Array.from(rows, (i) => y[i]);
  const importance: Importance = { format: IMPORTANCE_FORMAT, version: IMPORTANCE_VERSION, models: {} };
  const bar = progress('permutation importance', fitted.size, 'models');
  for (const [kind, f] of fitted) {
    const x = takeRows(f.testX, rows);
    const shap = shapSummary(f.model, takeRows(x, evenlySpaced(x.rows, SHAP_ROWS)));
    importance.models[kind] = {
      permutation: rows.length === 0 ? [] : permutationImportance((m) => f.model.predictProba(m), x, ys, new Rng(seed), 5),
      ...f.model.globalImportance?.(),
      ...(shap === null ? {} : { shap }),
    };
    bar.tick();
  }
  bar.stop();
  await writeFileAtomic(join(dir, 'importance.json'), toStableJson(importance));
}

/** `count` row indices spread evenly over `rows` (all of them when there are no more). */
function evenlySpaced(rows: number, count: number): number[] {
  return rows <= count ? Array.from({ length: rows }, (_, i) => i) : Array.from({ length: count }, (_, k) => Math.floor((k * rows) / count));
}
