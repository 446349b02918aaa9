/** A generated operator panel turned into out-of-time training and test data, as `train` prepares it. */
import { join } from 'node:path';
import { parsePanelConfig } from '../../src/config/any-config.js';
import type { PanelConfig } from '../../src/config/panel-schema.js';
import { generatePanel } from '../../src/generate/operator.js';
import { openPanel } from '../../src/ingest/panel/open-panel.js';
import { panelTableConfig, panelTrainingTable } from '../../src/pipeline/train-panel.js';
import { prepareTraining, type PreparedData } from '../../src/pipeline/train.js';

export async function generatedPanelConfig(dir: string, customers: number, months: number, seed: number, extra: Record<string, unknown> = {}): Promise<PanelConfig> {
  await generatePanel({ customers, months, seed, out: dir });
  const tables = { customers: join(dir, 'customers.csv'), usage: join(dir, 'usage_monthly.csv'), complaints: join(dir, 'complaints.csv') };
  return parsePanelConfig({ kind: 'panel', tables, models: ['logistic', 'sequence'], ...extra }, join(dir, 'panel.json'));
}

export async function panelTraining(config: PanelConfig): Promise<PreparedData> {
  const panel = await openPanel(config.tables);
  try {
    const { table } = await panelTrainingTable(config, panel);
    return prepareTraining(panelTableConfig(config), table);
  } finally {
    panel.close();
  }
}
