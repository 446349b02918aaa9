/**
 * A config file is either a customer table or an operator panel (`"kind": "panel"`).
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { configIssue, parseConfig, readConfigFile } from './load.js';
import { panelConfigSchema, type PanelConfig } from './panel-schema.js';
import type { TableConfig } from './schema.js';

export type AnyConfig = { kind: 'table'; config: TableConfig } | { kind: 'panel'; config: PanelConfig };

export function parsePanelConfig(raw: unknown, file: string): PanelConfig {
  const parsed = panelConfigSchema.safeParse(raw);
  if (!parsed.success) throw configIssue(parsed.error, file);
  const base = dirname(resolve(file));
  const at = (p: string | undefined): string | undefined => (p === undefined || isAbsolute(p) ? p : resolve(base, p));
  const t = parsed.data.tables;
  return { ...parsed.data, tables: { customers: at(t.customers) ?? t.customers, usage: at(t.usage), complaints: at(t.complaints), cdr: at(t.cdr) } };
}

export function loadAnyConfig(file: string): AnyConfig {
  const raw = readConfigFile(file);
  const isPanel = typeof raw === 'object' && raw !== null && (raw as { kind?: unknown }).kind === 'panel';
  return isPanel ? { kind: 'panel', config: parsePanelConfig(raw, file) } : { kind: 'table', config: parseConfig(raw, file) };
}
