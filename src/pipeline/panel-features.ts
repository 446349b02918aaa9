/**
 * Writes the feature snapshot of one month for scoring: one row per active customer, the same
 * columns training used, as CSV or Parquet.
 */
import { loadAnyConfig } from '../config/any-config.js';
import { PANEL_ROLES } from '../config/panel-schema.js';
import { ConfigError } from '../errors.js';
import { addDerivedFeatures } from '../features/derived.js';
import { buildSnapshot } from '../features/panel/snapshot.js';
import { openPanel } from '../ingest/panel/open-panel.js';
import { writeTable, type OutColumn } from '../io/table-writer.js';

export async function writePanelFeatures(configPath: string, month: string | undefined, out: string): Promise<{ rows: number; month: string }> {
  const loaded = loadAnyConfig(configPath);
  if (loaded.kind !== 'panel') throw new ConfigError('features needs a panel config ("kind": "panel")', { file: configPath, key: 'kind' });
  const panel = await openPanel(loaded.config.tables);
  try {
    const at = month ?? panel.lastMonth;
    const { table } = await buildSnapshot(panel, at, { window: loaded.config.window });
    const withDerived = addDerivedFeatures(table, PANEL_ROLES);
    const columns: OutColumn[] = [
      { name: 'customer_id', type: 'text', values: withDerived.ids },
      ...withDerived.columns.map((c): OutColumn => (c.kind === 'numeric' ? { name: c.name, type: 'double', values: c.values } : { name: c.name, type: 'text', values: c.values })),
    ];
    await writeTable(out, columns);
    return { rows: table.rows, month: at };
  } finally {
    panel.close();
  }
}
