/**
 * Loads a config file: parses YAML (.yaml, .yml) or JSON, validates against the schema (an error names the key and
 * what was expected) and resolves relative paths against the config's own folder.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { tableConfigSchema, type TableConfig } from './schema.js';

function keyPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replaceAll('.[', '[') || '(top level)';
}

/** The first schema problem as a ConfigError naming the key. */
export function configIssue(error: z.ZodError, file: string): ConfigError {
  const issue = error.issues[0];
  // An unknown key is named in the key path itself, not only its parent object.
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  return new ConfigError(issue.message, { file, key: keyPath(path) });
}

export function parseConfig(raw: unknown, file: string): TableConfig {
  const parsed = tableConfigSchema.safeParse(raw);
  if (!parsed.success) throw configIssue(parsed.error, file);
  const config = parsed.data;
  const base = dirname(resolve(file));
  return { ...config, source: isAbsolute(config.source) ? config.source : resolve(base, config.source) };
}

const isYamlFile = (file: string): boolean => /\.ya?ml$/i.test(file);

/** A config file's content: YAML by extension (.yaml, .yml), JSON otherwise. */
export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError('the config file cannot be read: check the path', { file });
  }
  if (isYamlFile(file)) {
    // Duplicate keys are errors; the first problem is reported with its line and column.
    const doc = parseDocument(text, { uniqueKeys: true });
    const error = doc.errors[0];
    if (error !== undefined) throw new ConfigError(`the config file is not valid YAML: ${error.message.split('\n')[0].replace(/:$/, '')}`, { file });
    return doc.toJS();
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`the config file is not valid JSON: ${(e as Error).message}`, { file });
  }
}

export function loadConfig(file: string): TableConfig {
  return parseConfig(readConfigFile(file), file);
}
