/**
 * Writes the feature snapshot of one month for scoring: one row per active customer, the same
 * columns training used, as CSV or Parquet, with a manifest beside it (what it was built from),
 * both replaced together.
 */
import { rm, writeFile } from 'node:fs/promises';
import { loadAnyConfig } from '../config/any-config.js';
import { PANEL_ROLES } from '../config/panel-schema.js';
import { ConfigError } from '../errors.js';
import { addDerivedFeatures } from '../features/derived.js';
import { buildSnapshot } from '../features/panel/snapshot.js';
import { openPanel } from '../ingest/panel/open-panel.js';
import { checkWritable, removeStaleTemps, replaceFiles, tempPathFor, toStableJson } from '../io/atomic.js';
import { checkApart, checkFileOutput, ownedByManifest } from '../io/output-guard.js';
import { formatOf } from '../io/table-format.js';
import { writeTableFile, type OutColumn } from '../io/table-writer.js';
import { configInputs } from './train-config.js';

interface FeaturesManifest {
  format: 'churnscope-features-manifest';
  version: 1;
  config: string;
  month: string;
  rows: number;
  output: { file: string; format: string };
}

export async function writePanelFeatures(configPath: string, month: string | undefined, out: string): Promise<{ rows: number; month: string }> {
  const format = formatOf(out);
  const loaded = loadAnyConfig(configPath);
  if (loaded.kind !== 'panel') throw new ConfigError('features needs a panel config ("kind": "panel")', { file: configPath, key: 'kind' });
  const manifestPath = `${out}.manifest.json`;
  checkApart([{ path: out, what: 'the features file' }, { path: manifestPath, what: 'the features manifest' }], configInputs(configPath, loaded));
  checkFileOutput(out, 'features file', ownedByManifest('churnscope-features-manifest'));
  const panel = await openPanel(loaded.config.tables);
  await checkWritable(out);
  await removeStaleTemps(out);
  const tmp = tempPathFor(out);
  const tmpManifest = tempPathFor(manifestPath);
  try {
    const at = month ?? panel.lastMonth;
    const { table } = await buildSnapshot(panel, at, { window: loaded.config.window, sequence: loaded.config.models.includes('sequence') });
    const withDerived = addDerivedFeatures(table, PANEL_ROLES);
    const columns: OutColumn[] = [
      { name: 'customer_id', type: 'text', values: withDerived.ids },
      ...withDerived.columns.map((c): OutColumn => (c.kind === 'numeric' ? { name: c.name, type: 'double', values: c.values } : { name: c.name, type: 'text', values: c.values })),
    ];
    await writeTableFile(tmp, columns, format);
    const manifest: FeaturesManifest = { format: 'churnscope-features-manifest', version: 1, config: configPath, month: at, rows: table.rows, output: { file: out, format } };
    await writeFile(tmpManifest, toStableJson(manifest));
    await replaceFiles([{ tmp, target: out }, { tmp: tmpManifest, target: manifestPath }]);
    return { rows: table.rows, month: at };
  } finally {
    panel.close();
    await rm(tmp, { force: true });
    await rm(tmpManifest, { force: true });
  }
}
