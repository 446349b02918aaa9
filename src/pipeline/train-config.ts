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
import { trainPanel } from './train-panel.js';
import { trainTable, type TrainOptions, type TrainResult } from './train.js';

/** The files a config makes training read, for the output checks. */
export function configInputs(configPath: string, loaded: AnyConfig): NamedPath[] {
  const tables = loaded.kind === 'panel'
    ? Object.entries(loaded.config.tables).flatMap(([name, files]) => (files === undefined ? [] : [files].flat().map((path) => ({ path, what: `the ${name} table` }))))
    : [{ path: loaded.config.source, what: 'the training data' }];
  return [{ path: configPath, what: 'the config' }, ...tables];
}

export async function trainFromConfigFile(configPath: string, outDir: string, options: TrainOptions = {}): Promise<TrainResult> {
  const loaded = loadAnyConfig(configPath);
  checkApart([{ path: outDir, what: 'the run folder' }], configInputs(configPath, loaded));
  checkFolderOutput(outDir, 'run');
  await checkWritable(outDir);
  if (loaded.kind === 'panel') return trainPanel(loaded.config, outDir, options);
  const config = loaded.config;
  const table = pruneDerived(addDerivedFeatures(await readCustomerTable(config), config.roles, tenureUnitOf(config)), derivableFeatures(config.roles));
  return trainTable(config, table, outDir, options);
}
