/**
 * Training from a config file: a customer table (issue: customer-table path) for now.
 */
import { loadConfig } from '../config/load.js';
import { addDerivedFeatures } from '../features/derived.js';
import { readCustomerTable } from '../ingest/read-table.js';
import { trainTable, type TrainOptions, type TrainResult } from './train.js';

export async function trainFromConfigFile(configPath: string, outDir: string, options: TrainOptions = {}): Promise<TrainResult> {
  const config = loadConfig(configPath);
  const table = addDerivedFeatures(await readCustomerTable(config), config.roles);
  return trainTable(config, table, outDir, options);
}
