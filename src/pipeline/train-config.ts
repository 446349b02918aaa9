/**
 * Training from a config file: a customer table, or an operator panel trained out of time.
 */
import { loadAnyConfig, type AnyConfig } from '../config/any-config.js';
import { tenureUnitOf } from '../config/units.js';
import { checkWritable } from '../io/atomic.js';
import { checkApart, checkFolderOutput, type NamedPath } from '../io/output-guard.js';
import { addDerivedFeatures, derivableFeatures } from '../features/derived.js';
import { pruneDerived } from '../features/prune-derived.js';
import { readCustomerTable } from '../ingest/read-table.js';
import type { TableConfig } from '../config/schema.js';
import type { CustomerTable } from '../ingest/table.js';
import { panelSurvivalBuilder, panelTableConfig, readPanelTraining, trainPanel } from './train-panel.js';
import { prepareTraining, trainTable, type PreparedData, type TrainOptions, type TrainResult } from './train.js';

/** The files a config makes training read, for the output checks. */
export function configInputs(configPath: string, loaded: AnyConfig): NamedPath[] {
  const tables = loaded.kind === 'panel'
    ? Object.entries(loaded.config.tables).flatMap(([name, files]) => (files === undefined ? [] : [files].flat().map((path) => ({ path, what: `the ${name} table` }))))
    : [{ path: loaded.config.source, what: 'the training data' }];
  return [{ path: configPath, what: 'the config' }, ...tables];
}

/** A customer table as training reads it: derived features added, those that come out constant pruned. */
async function readTrainingTable(config: TableConfig): Promise<CustomerTable> {
  return pruneDerived(addDerivedFeatures(await readCustomerTable(config), config.roles, tenureUnitOf(config)), derivableFeatures(config.roles));
}

export async function trainFromConfigFile(configPath: string, outDir: string, options: TrainOptions = {}): Promise<TrainResult> {
  const loaded = loadAnyConfig(configPath);
  checkApart([{ path: outDir, what: 'the run folder' }], configInputs(configPath, loaded));
  checkFolderOutput(outDir, 'run');
  await checkWritable(outDir);
  if (loaded.kind === 'panel') return trainPanel(loaded.config, outDir, options);
  return trainTable(loaded.config, await readTrainingTable(loaded.config), outDir, options);
}

/** The config's training and test sides, split and encoded as `train` does (for tuning and benchmarks). */
export async function prepareFromConfigFile(configPath: string): Promise<PreparedData & { config: TableConfig }> {
  const loaded = loadAnyConfig(configPath);
  if (loaded.kind === 'panel') {
    const config = panelTableConfig(loaded.config);
    return { config, ...prepareTraining(config, (await readPanelTraining(loaded.config)).table, panelSurvivalBuilder(loaded.config)) };
  }
  return { config: loaded.config, ...prepareTraining(loaded.config, await readTrainingTable(loaded.config)) };
}
