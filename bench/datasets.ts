/**
 * The benchmark datasets on the project's default splits: IBM Telco and Iranian (80/20
 * stratified, seed 42) and a generated operator panel (12 months, trained out of time).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainingData } from '../src/data/matrix.js';
import { generatePanel } from '../src/generate/operator.js';
import { prepareFromConfigFile } from '../src/pipeline/train-config.js';

export interface BenchDataset {
  name: string;
  train: TrainingData;
  test: TrainingData;
}

/** The training and test sides a config trains and is evaluated on. */
export async function configDataset(name: string, configFile: string): Promise<BenchDataset> {
  const { train, test } = await prepareFromConfigFile(configFile);
  return { name, train, test };
}

/** A generated operator (customers × 12 months, seed 42), its default panel config, trained out of time. */
export async function panelDataset(customers: number): Promise<BenchDataset> {
  const dir = mkdtempSync(join(tmpdir(), 'churnscope-panel-'));
  try {
    await generatePanel({ customers, months: 12, seed: 42, out: dir });
    const configFile = join(dir, 'panel.json');
    writeFileSync(configFile, JSON.stringify({ kind: 'panel', tables: { customers: 'customers.csv', usage: 'usage_monthly.csv', complaints: 'complaints.csv' } }));
    return await configDataset(`generated panel (${customers.toLocaleString('en')} × 12, out of time)`, configFile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchDatasets(): Promise<BenchDataset[]> {
  return [
    await configDataset('IBM Telco', 'data/ibm-telco-churn.config.json'),
    await configDataset('Iranian', 'data/iranian-churn.config.json'),
    await panelDataset(10_000),
  ];
}
