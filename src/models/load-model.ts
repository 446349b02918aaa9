/**
 * Reads a saved model file and checks its format and version before anything is scored; older
 * readable versions are migrated to the current format.
 */
import { readFile } from 'node:fs/promises';
import { fileSystemError, ModelError } from '../errors.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, savedModelSchema, type SavedModel } from './artifact.js';
import { migrateSavedModel, READABLE_VERSIONS } from './migrate.js';
import type { ChurnModel } from './model.js';
import { loadModel } from './registry.js';

export interface LoadedModel {
  saved: SavedModel;
  model: ChurnModel;
  text: string; // the file as read, for hashing into run manifests
}

/** A zod issue path as the file's key, e.g. model.trees[3].threshold[0]. */
function keyOf(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(top level)';
}

export async function loadSavedModel(file: string): Promise<LoadedModel> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EISDIR') throw new ModelError('the model is a folder, not a file: name the model file, e.g. run/models/champion.json', { file });
    if (code === 'ENOENT') throw new ModelError('the model file does not exist: check the path', { file });
    throw fileSystemError(e) ?? e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ModelError(`model file ${file} is corrupt: it is not valid JSON (truncated, or not a churnscope model)`, { file });
  }
  const header = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { format?: unknown; version?: unknown };
  if (header.format !== MODEL_FORMAT) {
    throw new ModelError(`not a churnscope model file (format is ${JSON.stringify(header.format)}, expected "${MODEL_FORMAT}")`, { file });
  }
  if (typeof header.version !== 'number' || !READABLE_VERSIONS.includes(header.version)) {
    throw new ModelError(
      `model format version ${String(header.version)} is not supported by this churnscope (reads version ${MODEL_FORMAT_VERSION})`,
      { file, hint: 'Retrain the model with this version: churnscope train --config <file> --out <dir>.' },
    );
  }
  // Older versions are brought to the current shape first, so one schema checks every file.
  const checked = savedModelSchema.safeParse(migrateSavedModel(parsed, file));
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new ModelError(`model file ${file} is corrupt: ${keyOf(issue.path)}: ${issue.message}`, { file, hint: 'Retrain it, or restore the file churnscope wrote.' });
  }
  return { saved: checked.data, model: await loadModel(checked.data.model), text };
}
