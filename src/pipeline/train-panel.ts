/**
 * Training on an operator panel: snapshots at several reference months train, a later unseen
 * month tests (out of time), through the same training pipeline as a customer table.
 */
import type { PanelConfig } from '../config/panel-schema.js';
import { PANEL_ROLES } from '../config/panel-schema.js';
import type { TableConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { addDerivedFeatures, derivableFeatures } from '../features/derived.js';
import { pruneDerived } from '../features/prune-derived.js';
import { historyMonths } from '../features/panel/families.js';
import { buildSnapshot, stackSnapshots, type Snapshot, type SnapshotCounts } from '../features/panel/snapshot.js';
import { monthIndex, monthName } from '../months.js';
import { openPanel, type Panel } from '../ingest/panel/open-panel.js';
import { findColumn, type CustomerTable } from '../ingest/table.js';
import { churnTrend, type ChurnTrend } from '../labels/churn-trend.js';
import { panelSurvival, type SurvivalLabels } from '../labels/survival.js';
import { progress } from '../io/progress.js';
import { trainTable, type TrainOptions, type TrainResult } from './train.js';

/** The customer-table settings a panel trains with: its features' roles and survival columns. */
export function panelTableConfig(config: PanelConfig): TableConfig {
  return {
    ...config,
    source: '',
    id: 'customer_id',
    target: { column: 'label', churned: '1', window_months: config.outcome_months },
    duration: 'tenure_months',
    duration_unit: 'months',
    roles: { ...PANEL_ROLES },
    role_sums: {},
    drop: config.drop,
    // months_observed is min(tenure + 1, window) for a customer without gaps in usage: a function of
    // the survival model's duration, which (now that every reference month has its whole window) it
    // would leak into the Cox model (its information matrix went singular on the 50k demo).
    exclude_from_survival: [...new Set([...config.exclude_from_survival, 'months_observed'])],
  };
}

/**
 * The reference months: test, configured or the last one whose outcome window the data covers;
 * training, up to `train_months` before it. Every one needs its whole look-back inside the data
 * (historyMonths: the usage window, the complaints' months), as it needs its whole outcome window:
 * a month near the start of the data would see fewer months of usage and complaints than the
 * month scored later, and its features (months observed, trends, months since a complaint) would
 * differ for that alone. Fewer full months than asked for are used with a warning; with none, the
 * latest months are used anyway, warned as cut short (the drift check will likely refuse to score
 * a month with its whole history against them).
 */
function panelMonths(config: PanelConfig, panel: Panel): { train: string[]; test: string; warnings: string[] } {
  const last = monthIndex(panel.lastMonth);
  const first = monthIndex(panel.firstMonth);
  const history = historyMonths(config.window);
  const earliest = first + history - 1;
  const test = config.test_month !== undefined ? monthIndex(config.test_month) : last - config.gap - config.outcome_months;
  // A training month's outcome window must close before the test month: no label from the test's future.
  const latestTrain = test - config.gap - config.outcome_months;
  const months = (from: number): string[] => {
    const out: string[] = [];
    for (let t = latestTrain; t > latestTrain - config.train_months && t >= from; t--) out.unshift(monthName(t));
    return out;
  };
  const full = months(earliest);
  if (full.length > 0 && full.length === months(first).length) return { train: full, test: monthName(test), warnings: [] };
  if (full.length > 0) {
    return { train: full, test: monthName(test), warnings: [`trained on ${full.length} reference month${full.length === 1 ? '' : 's'} (${full.join(', ')}), not train_months ${config.train_months}: earlier months lack their ${history} months of history in the data, which starts ${panel.firstMonth}`] };
  }
  const cut = months(first);
  if (cut.length === 0) {
    throw new ConfigError(`the data (${panel.firstMonth} to ${panel.lastMonth}) is too short to train before the test month ${monthName(test)} with gap ${config.gap} and outcome window ${config.outcome_months}`, { key: 'test_month' });
  }
  return { train: cut, test: monthName(test), warnings: [`no reference month before the test month has its ${history} months of history in the data (${panel.firstMonth} to ${panel.lastMonth}): trained on ${cut.join(', ')}, whose usage and complaint features are cut short by the start of the data; expect the drift check to flag months scored with their whole history`] };
}

export interface PanelTraining {
  table: CustomerTable;
  counts: SnapshotCounts[];
  months: { train: string[]; test: string };
  /** What the report opens with: the monthly churn an operator tracks, before any model. */
  trend: ChurnTrend;
}

export async function panelTrainingTable(config: PanelConfig, panel: Panel): Promise<PanelTraining> {
  const months = panelMonths(config, panel);
  const labels = { gap: config.gap, horizon: config.outcome_months, label: config.label, topBand: config.top_value_band };
  const snapshots: Snapshot[] = [];
  const all = [...months.train, months.test];
  const bar = progress('building snapshots', all.length);
  for (const month of all) {
    snapshots.push(await buildSnapshot(panel, month, { window: config.window, labels, sequence: config.models.includes('sequence') }));
    bar.tick();
  }
  bar.stop();
  const table = pruneDerived(addDerivedFeatures(stackSnapshots(snapshots), PANEL_ROLES), derivableFeatures(PANEL_ROLES));
  table.warnings.push(...panel.warnings, ...months.warnings);
  if (config.split_kind === 'stratified') table.period = undefined;
  const trend = await churnTrend(panel.con, panel.firstMonth, panel.lastMonth);
  return { table, counts: snapshots.map((s) => s.counts), months, trend };
}

/** A panel's survival labels for a set of its snapshot rows. */
export function panelSurvivalBuilder(config: PanelConfig): (t: CustomerTable) => SurvivalLabels | undefined {
  return (t) => {
    const tenure = findColumn(t, 'tenure_months');
    if (t.duration === undefined || t.target === undefined || tenure?.kind !== 'numeric') return undefined;
    return panelSurvival(tenure.values, t.duration, t.target, 'tenure_months', config.gap, config.outcome_months, config.survival.entry);
  };
}

/** The panel's stacked snapshots, read with the panel open only as long as it takes. */
export async function readPanelTraining(config: PanelConfig): Promise<PanelTraining> {
  const panel = await openPanel(config.tables);
  try {
    return await panelTrainingTable(config, panel);
  } finally {
    panel.close();
  }
}

export async function trainPanel(config: PanelConfig, outDir: string, options: TrainOptions = {}): Promise<TrainResult & { counts: SnapshotCounts[] }> {
  const { table, counts, trend } = await readPanelTraining(config);
  const result = await trainTable(panelTableConfig(config), table, outDir, { ...options, survival: panelSurvivalBuilder(config), panel: { months: counts, trend } });
  return { ...result, counts };
}
