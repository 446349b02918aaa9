/**
 * The retrain pipeline on a customer table: ingest -> derived features -> split -> encode ->
 * fit every configured model -> evaluate on the held-out split -> write the run directory
 * (models, champion, evaluation, curves, importance) atomically.
 */
import { join } from 'node:path';
import type { TableConfig } from '../config/schema.js';
import { fitDriftReference } from '../data/drift-reference.js';
import { encode, fitEncoder } from '../data/encoder.js';
import { selectFeatures, takeTraining, type FeatureMatrix, type TrainingData } from '../data/matrix.js';
import { checkSplit, stratifiedSplit, outOfTimeSplit, stratifiedFolds, type Split } from '../data/split.js';
import { binaryMetrics, auc } from '../evaluate/metrics.js';
import { chooseChampion } from '../evaluate/champion.js';
import { empc } from '../evaluate/empc.js';
import { harrellC } from '../evaluate/concordance.js';
import { evaluateSurvival, type SurvivalCurves } from '../evaluate/survival-evaluation.js';
import { parseSequenceColumn } from '../features/panel/sequence.js';
import { ConfigError } from '../errors.js';
import type { CustomerTable } from '../ingest/table.js';
import { takeTableRows } from '../ingest/table.js';
import { toCompactJson, toStableJson, withAtomicDir, writeFileAtomic } from '../io/atomic.js';
import { checkFolderOutput } from '../io/output-guard.js';
import { progressLine } from '../io/progress.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type SavedModel } from '../models/artifact.js';
import { atWindowStart, durationUnitWarnings, tableSurvival, type SurvivalLabels } from '../labels/survival.js';
import { durationLeaks } from '../models/duration-leak.js';
import { CoxModel } from '../models/cox.js';
import { FOLLOW_UP_MONTHS, followUpWarning } from '../models/follow-up.js';
import { aliasWarning } from '../models/linear-design.js';
import type { ChurnModel, ModelKind } from '../models/model.js';
import { fitModel, isModelKind, MODEL_KINDS, type FitContext } from '../models/registry.js';
import { Rng } from '../rng.js';
import { tenureUnitOf } from '../config/units.js';
import { NO_VALUE } from '../score/list/ranking.js';
import { blendCandidate } from './blend-candidate.js';
import { EVALUATION_FORMAT, EVALUATION_VERSION, type Evaluation, type ModelEvaluation } from '../evaluate/files/evaluation-file.js';
import { buildRunArtifacts, type FittedModel } from './run-artifacts.js';

export interface TrainOptions {
  seed?: number;
  /** A panel's per-month counts, for evaluation.json. */
  panel?: Evaluation['panel'];
  /** Survival labels of a labelled table; default: a customer table's (the window ends at the duration). */
  survival?: SurvivalBuilder;
}

export type SurvivalBuilder = (t: CustomerTable) => SurvivalLabels | undefined;

function tableSurvivalBuilder(config: TableConfig): SurvivalBuilder {
  return (t) => (t.duration === undefined || config.duration === undefined
    ? undefined
    : tableSurvival(t.duration, config.duration, config.target.window_months, config.duration_unit, config.survival.entry));
}

export type { Evaluation, ModelEvaluation };

export interface TrainResult {
  evaluation: Evaluation;
  outDir: string;
}

/** Features the survival model may not use: the duration itself and what is computed from it. */
export function survivalExcluded(config: TableConfig, features: readonly string[]): Set<string> {
  const out = new Set<string>();
  const duration = config.duration;
  const tenureIsDuration = duration !== undefined && config.roles.tenure === duration;
  for (const f of features) {
    const base = f.includes('=') ? f.slice(0, f.indexOf('=')) : f;
    if (base === duration || config.exclude_from_survival.includes(base)) out.add(f);
    if (tenureIsDuration && (base === 'tenure_band' || base === 'complaints_per_tenure_month')) out.add(f);
  }
  return out;
}

function churnRate(y: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i];
  return y.length === 0 ? 0 : s / y.length;
}

/** A stable per-model seed, so adding a model does not change the others. */
export function modelSeed(seed: number, kind: ModelKind): number {
  let h = seed >>> 0;
  for (const ch of kind) h = (Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0);
  return h;
}

/** A model's parameters as the config gives them (checked against the model's schema when the config was read). */
export function configParams(config: TableConfig, kind: ModelKind): Record<string, unknown> {
  return (config.model_params as Partial<Record<ModelKind, Record<string, unknown>>>)[kind] ?? {};
}

export interface PreparedData {
  table: CustomerTable;
  split: Split;
  train: TrainingData;
  test: TrainingData;
  testIds: string[];
}

function requireTarget(table: CustomerTable): Uint8Array {
  if (table.target === undefined) throw new ConfigError('the training table has no target', { file: table.source });
  return table.target;
}

/** Splits a labelled table and encodes both sides with an encoder fitted on the training side. */
export function prepareTraining(config: TableConfig, table: CustomerTable, survival: SurvivalBuilder = tableSurvivalBuilder(config)): PreparedData & { encoder: ReturnType<typeof fitEncoder> } {
  const y = requireTarget(table);
  const split = table.period !== undefined
    ? outOfTimeSplit(table.period, latestPeriod(table.period))
    : stratifiedSplit(y, config.split.test_fraction, config.seed);
  // split.test_fraction 0 asks for no test: every row trains (panels always test out of time).
  checkSplit(split, y, table.source, table.period !== undefined || config.split.test_fraction > 0);
  const trainTable = takeTableRows(table, split.train);
  const testTable = takeTableRows(table, split.test);
  const encoder = fitEncoder(trainTable, { maxLevels: config.max_levels, roles: config.roles, role_sums: config.role_sums, tenure_unit: tenureUnitOf(config), warnings: table.warnings });
  const toData = (t: CustomerTable): TrainingData => ({ x: encode(encoder, t), y: requireTarget(t), duration: t.duration, survival: survival(t), groups: t.groups });
  return { table, split, train: toData(trainTable), test: toData(testTable), testIds: testTable.ids, encoder };
}

/** A model's test metrics from the probabilities it gave the test rows. */
function testMetrics(y: Uint8Array, p: Float64Array, seconds: number, model: ChurnModel): ModelEvaluation {
  const profit = empc(y, p);
  const m: ModelEvaluation = { ...binaryMetrics(y, p), empc: round(profit.empc, 6), empc_fraction: round(profit.fraction, 6), fit_seconds: round(seconds, 3) };
  if (model.backend !== undefined) m.backend = model.backend;
  return m;
}

/** A model's numeric metrics (the backend's name aside). */
function numericMetrics(m: ModelEvaluation): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) if (typeof v === 'number') out[k] = v;
  return out;
}

function withoutSequences(d: TrainingData): TrainingData {
  return { ...d, x: selectFeatures(d.x, d.x.features.filter((f) => parseSequenceColumn(f) === null)) };
}

/** The Cox model's columns: the survival covariates, and the tenure its baseline is read at. */
function coxView(x: FeatureMatrix, excluded: Set<string>, tenure: string): FeatureMatrix {
  return selectFeatures(x, x.features.filter((f) => f === tenure || !excluded.has(f)));
}

/** A model's view of labelled rows: what it is fitted on, and the matrix it is evaluated with. */
export interface ModelView { fit: TrainingData; test: TrainingData; score: (d: TrainingData) => FeatureMatrix }

export function modelView(kind: ModelKind, all: { train: TrainingData; test: TrainingData }, excluded: Set<string>): ModelView {
  // The months themselves are the sequence model's alone; the others read the summaries.
  const { train, test } = kind === 'sequence' ? all : { train: withoutSequences(all.train), test: withoutSequences(all.test) };
  if (kind !== 'cox' || train.survival === undefined) return { fit: train, test, score: (d) => d.x };
  const tenure = train.survival.time.feature;
  const view = (d: TrainingData): TrainingData => ({ ...d, x: coxView(d.x, excluded, tenure) });
  // A labelled row is scored as the list would have scored it at the start of its label's window.
  return { fit: view(train), test: view(test), score: (d) => (d.survival === undefined ? d.x : atWindowStart(d.x, d.survival)) };
}

/** Trains, evaluates and writes the run directory for a customer table already read. */
export async function trainTable(config: TableConfig, table: CustomerTable, outDir: string, options: TrainOptions = {}): Promise<TrainResult> {
  checkFolderOutput(outDir, 'run'); // before minutes of fitting, not after
  const seed = options.seed ?? config.seed;
  const cfg = { ...config, seed };
  const prepared = prepareTraining(cfg, table, options.survival ?? tableSurvivalBuilder(cfg));
  const warnings = [...table.warnings];
  // A customer table's durations in the configured unit (a panel's are months we computed).
  if (options.survival === undefined && table.duration !== undefined && cfg.duration !== undefined) warnings.push(...durationUnitWarnings(table.duration, cfg.duration, cfg.duration_unit));
  if (cfg.retention.value_column === undefined && cfg.roles.revenue === undefined) warnings.push(NO_VALUE);
  const { train, test, split, encoder } = prepared;

  const kinds = cfg.models.map((m) => {
    if (!isModelKind(m)) throw new ConfigError(`unknown model "${m}"; expected one of ${MODEL_KINDS.join(', ')}`, { key: 'models' });
    return m;
  });
  const excluded = survivalExcluded(cfg, train.x.features);

  const fitted = new Map<ModelKind, FittedModel>();
  const evaluations: Record<string, ModelEvaluation> = {};
  const testScores = new Map<ModelKind, Float64Array>();
  const survivalCurves = new Map<ModelKind, SurvivalCurves>();
  for (const kind of kinds) {
    if (kind === 'cox' && (train.survival === undefined || test.survival === undefined)) {
      warnings.push('cox skipped: the config declares no duration column');
      continue;
    }
    const view = modelView(kind, { train, test }, excluded);
    const params = configParams(cfg, kind);
    const context = { strata: cfg.survival.strata };
    if (kind === 'cox' && train.duration !== undefined) {
      for (const leak of durationLeaks(coxView(train.x, excluded, ''), train.duration)) {
        const msg = `survival covariate "${leak.feature}" is close to a function of the duration (correlation ${leak.correlation.toFixed(3)} with ${leak.via}); it leaks the outcome into the Cox model: list it in exclude_from_survival`;
        warnings.push(msg);
      }
    }
    const started = performance.now();
    const model = await fitModel(kind, view.fit, params, new Rng(modelSeed(seed, kind)), context);
    const seconds = (performance.now() - started) / 1000;
    const alias = aliasWarning(kind, model.linearDesign?.().aliased ?? []);
    if (alias !== null) warnings.push(alias);
    if (model instanceof CoxModel) {
      const beyond = followUpWarning(model, model.beyondFollowUp(selectFeatures(train.x, model.features), FOLLOW_UP_MONTHS), train.x.rows, 'training');
      if (beyond !== null) warnings.push(beyond);
    }
    const testX = selectFeatures(view.score(view.test), model.features);
    let m = testMetrics(new Uint8Array(), new Float64Array(), seconds, model); // no test rows: NaN
    if (test.x.rows > 0) {
      const p = model.predictProba(testX);
      testScores.set(kind, p);
      m = testMetrics(test.y, p, seconds, model);
      if (test.survival !== undefined && kind === 'cox') m.c_index = harrellC(test.survival.exit, test.y, p);
      if (model.survival !== undefined && view.fit.survival !== undefined && view.test.survival !== undefined) {
        const curve = model.survival.bind(model);
        const s = evaluateSurvival(curve, testX, p, { train: view.fit.y, test: view.test.y }, { train: view.fit.survival, test: view.test.survival });
        Object.assign(m, s.metrics);
        survivalCurves.set(kind, s.curves);
      }
    }
    if (cfg.split.folds > 1) Object.assign(m, await crossValidate(kind, cfg.split.folds, view, params, seed, context));
    evaluations[kind] = m;
    fitted.set(kind, { model, features: [...model.features], seconds, testX });
    progressLine(`${kind}: fitted in ${seconds.toFixed(1)} s${Number.isNaN(m.auc) ? '' : `, test AUC ${m.auc.toFixed(3)}`}`);
  }
  if (fitted.size === 0) throw new ConfigError('no model was trained', { key: 'models' });

  const blend = test.x.rows === 0 ? null : blendCandidate(fitted, Object.fromEntries(Object.entries(evaluations).map(([k, v]) => [k, numericMetrics(v)])), cfg.champion_metric);
  if (blend !== null) {
    const testX = selectFeatures(test.x, blend.model.features);
    const p = blend.model.predictProba(testX);
    const seconds = blend.members.reduce((a, k) => a + (fitted.get(k)?.seconds ?? 0), 0);
    testScores.set('blend', p);
    evaluations.blend = testMetrics(test.y, p, seconds, blend.model);
    fitted.set('blend', { model: blend.model, features: [...blend.model.features], seconds, testX });
  }

  // Without a test split nothing can choose: the first configured model is the champion, and the run says so.
  const champion = test.x.rows === 0 ? [...fitted.keys()][0] : chooseChampion(
    Object.fromEntries(Object.entries(evaluations).map(([k, v]) => [k, numericMetrics(v)])),
    cfg.champion_metric,
  );
  if (test.x.rows === 0) {
    warnings.push(`split.test_fraction is 0: every model is fitted on all ${split.train.length.toLocaleString('en')} rows; there are no test metrics, and the champion is the first model configured (${champion})`);
  }

  const evaluation: Evaluation = {
    format: EVALUATION_FORMAT,
    version: EVALUATION_VERSION,
    dataset: { source: table.source, rows: table.rows, churn_rate: round(churnRate(requireTarget(table)), 6), features: train.x.features.length },
    split: {
      kind: split.kind,
      train_rows: split.train.length,
      test_rows: split.test.length,
      ...(split.kind === 'out_of_time' && table.period !== undefined ? { test_period: latestPeriod(table.period) } : { test_fraction: cfg.split.test_fraction }),
    },
    models: evaluations,
    champion,
    champion_metric: cfg.champion_metric,
    warnings,
    seed,
    ...(options.panel === undefined ? {} : { panel: options.panel }),
  };

  // Training rows only: the distributions the models learnt from, which scoring compares against.
  const driftReference = fitDriftReference(encoder, table, split.train);
  const saved = new Map<ModelKind, SavedModel>();
  for (const [kind, f] of fitted) {
    const { fit_seconds: _seconds, ...metrics } = numericMetrics(evaluations[kind]);
    saved.set(kind, {
      format: MODEL_FORMAT,
      version: MODEL_FORMAT_VERSION,
      name: kind,
      kind,
      features: f.features,
      encoder,
      scoring: {
        id: cfg.id ?? null,
        tiers: cfg.tiers,
        duration: cfg.duration ?? null,
        retention: cfg.retention,
        drift_limit: cfg.drift_limit,
        missing_values: cfg.missing_values,
      },
      model: f.model.toJSON(),
      metrics,
      drift_reference: driftReference,
    });
  }

  await withAtomicDir(outDir, 'run', async (dir) => {
    for (const [kind, s] of saved) await writeFileAtomic(join(dir, 'models', `${kind}.json`), toCompactJson(s));
    const championModel = saved.get(champion as ModelKind);
    if (championModel !== undefined) await writeFileAtomic(join(dir, 'models', 'champion.json'), toCompactJson(championModel));
    await writeFileAtomic(join(dir, 'evaluation.json'), toStableJson(evaluation));
    await buildRunArtifacts(dir, { config: cfg, prepared, fitted, testScores, survivalCurves, excluded, seed });
  });
  return { evaluation, outDir };
}

/** k-fold cross-validated AUC of a model on its training rows (the test split unseen). */
export async function crossValidate(kind: ModelKind, folds: number, view: ModelView, params: Record<string, unknown>, seed: number, context: FitContext): Promise<{ cv_auc_mean: number; cv_auc_sd: number }> {
  const data = view.fit;
  const scores: number[] = [];
  for (const fold of stratifiedFolds(data.y, folds, seed)) {
    const tr = takeTraining(data, fold.train);
    const te = takeTraining(data, fold.test);
    const model = await fitModel(kind, tr, params, new Rng(modelSeed(seed, kind)), context);
    scores.push(auc(te.y, model.predictProba(selectFeatures(view.score(te), model.features))));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, scores.length - 1));
  return { cv_auc_mean: round(mean, 6), cv_auc_sd: round(sd, 6) };
}

/** The latest period (a loop: spreading a million-row array into Math.max overflows the stack). */
function latestPeriod(period: Int32Array): number {
  let max = -Infinity;
  for (let i = 0; i < period.length; i++) if (period[i] > max) max = period[i];
  return max;
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
