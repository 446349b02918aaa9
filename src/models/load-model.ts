/**
 * Reads a saved model file and checks its format and version before anything is scored; older
 * readable versions are migrated to the current format.
 */
import { readFile } from 'node:fs/promises';
import { ModelError } from '../errors.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type SavedModel } from './artifact.js';
import { migrateSavedModel, READABLE_VERSIONS } from './migrate.js';
import type { ChurnModel } from './model.js';
import { modelFromState } from './registry.js';

export interface LoadedModel {
  saved: SavedModel;
  model: ChurnModel;
  text: string; // the file as read, for hashing into run manifests
}

export async function loadSavedModel(file: string): Promise<LoadedModel> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ModelError('the model file cannot be read: check the path', { file });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ModelError('the model file is not valid JSON (truncated or not a churnscope model)', { file });
  }
  const saved = parsed as Partial<SavedModel>;
  if (saved.format !== MODEL_FORMAT) {
    throw new ModelError(`not a churnscope model file (format is ${JSON.stringify(saved.format)}, expected "${MODEL_FORMAT}")`, { file });
  }
  if (typeof saved.version !== 'number' || !READABLE_VERSIONS.includes(saved.version)) {
    throw new ModelError(
      `model format version ${String(saved.version)} is not supported by this churnscope (reads version ${MODEL_FORMAT_VERSION})`,
      { file, hint: 'Retrain the model with this version: churnscope train --config <file> --out <dir>.' },
    );
  }
  if (saved.model === undefined || saved.encoder === undefined || !Array.isArray(saved.features)) {
    throw new ModelError('the model file lacks its model state, encoder or feature list', { file });
  }
  return { saved: migrateSavedModel(saved as SavedModel, file), model: modelFromState(saved.model), text };
}
