/**
 * churnscope's public library API: the same functions the CLI runs, for notebooks and programs.
 */
export { loadConfig, parseConfig } from './config/load.js';
export { loadAnyConfig, parsePanelConfig } from './config/any-config.js';
export type { TableConfig, RetentionSettings } from './config/schema.js';
export type { PanelConfig } from './config/panel-schema.js';

export { readCustomerTable } from './ingest/read-table.js';
export type { CustomerTable, RawColumn } from './ingest/table.js';
export { findColumn, takeTableRows } from './ingest/table.js';
export { openPanel, type Panel, type PanelFiles } from './ingest/panel/open-panel.js';

export { addDerivedFeatures } from './features/derived.js';
export { CATALOGUE, DERIVED, catalogueEntry, describeFeature, tenureBandOf, type CatalogueEntry } from './features/catalogue.js';
export { buildSnapshot, stackSnapshots, type Snapshot, type SnapshotCounts } from './features/panel/snapshot.js';
export { PANEL_CATALOGUE } from './features/panel/families.js';

export { generatePanel, TRUE_DRIVERS, type GenerateOptions } from './generate/operator.js';

export { makeMatrix, selectFeatures, takeRows, takeTraining, type FeatureMatrix, type TrainingData } from './data/matrix.js';
export { encode, fitEncoder, type EncoderState } from './data/encoder.js';
export { stratifiedSplit, stratifiedFolds, outOfTimeSplit, type Split } from './data/split.js';

export type { ChurnModel, Explanation, Contribution, ModelKind } from './models/model.js';
export { fitLogistic, LogisticModel, DEFAULT_LOGISTIC_PARAMS, type LogisticParams } from './models/logistic.js';
export { fitForest, ForestModel, DEFAULT_FOREST_PARAMS, type ForestParams } from './models/forest/forest.js';
export { fitCox, CoxModel, DEFAULT_COX_PARAMS, type CoxParams } from './models/cox.js';
export { kaplanMeier, survivalAt, medianSurvival, type KaplanMeier } from './models/kaplan-meier.js';
export { atWindowStart, tableSurvival, panelSurvival, type SurvivalLabels, type SurvivalTime } from './labels/survival.js';
export type { SavedModel } from './models/artifact.js';

export { auc, averagePrecision, brier, logLoss, liftAt, captureAt, binaryMetrics } from './evaluate/metrics.js';
export { rocCurve, prCurve, gainsCurve, liftCurve } from './evaluate/curves.js';
export { calibrationTable } from './evaluate/calibration.js';
export { harrellC, concordance } from './evaluate/concordance.js';
export { empc } from './evaluate/empc.js';
export { permutationImportance } from './evaluate/permutation.js';
export { readEvaluation, type Evaluation, type ModelEvaluation } from './evaluate/files/evaluation-file.js';
export { readCurves, type Curves } from './evaluate/files/curves-file.js';
export { readImportance, type Importance, type ModelImportance } from './evaluate/files/importance-file.js';

export { trainTable, prepareTraining, type TrainResult } from './pipeline/train.js';
export { trainFromConfigFile } from './pipeline/train-config.js';
export { panelTrainingTable, trainPanel } from './pipeline/train-panel.js';
export { writePanelFeatures } from './pipeline/panel-features.js';
export { loadSavedModel, type LoadedModel } from './models/load-model.js';
export { modelMatrix } from './score/batch/model-matrix.js';
export { psi, measureDrift } from './score/drift/drift.js';
export { checkDrift, type DriftSummary } from './score/drift/drift-check.js';
export { runScoringJob, type BatchJobOptions } from './score/batch-job.js';
export { readScoreManifest, type Manifest, type MergeManifest, type Shard } from './score/manifest.js';
export { scoreToArrow, type ArrowJobOptions } from './score/score-to-arrow.js';
export { mergeLists } from './score/list/merge.js';
export { exportOnnx } from './export/onnx.js';

export { renderSvg } from './report/render-svg.js';
export { overlayChart, calibrationChart, kaplanMeierChart, importanceChart, ratioChart, barChart } from './report/charts.js';
export { loadReportInput } from './report/input.js';
export { writeReport } from './report/report.js';
export { consolidatedRanking, factorMatrix } from './report/factors.js';

export { Rng } from './rng.js';
export { ChurnscopeError, ConfigError, InputError, ModelError, ConvergenceError, DriftError } from './errors.js';
