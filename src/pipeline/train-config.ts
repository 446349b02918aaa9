/**
 * Training from a config file: a customer table, or an operator panel trained out of time.
 */
import { loadAnyConfig } from '../config/any-config.js';
import { addDerivedFeatures } from '../features/derived.js';
import { readCustomerTable } from '../ingest/read-table.js';
import { trainPanel } from './train-panel.js';
import { trainTable, type TrainOptions, type TrainResult } from './train.js';

export async function trainFromConfigFile(configPath: string, outDir: string, options: TrainOptions = {}): Promise<TrainResult> {
  const loaded = loadAnyConfig(configPath);
  if (loaded.kind === 'panel') return trainPanel(loaded.config, outDir, options);
  const config = loaded.config;
  const table = addDerivedFeatures(await readCustomerTable(config), config.roles);
  return trainTable(config, table, outDir, options);
}
