/**
 * The JSON files churnscope writes for itself or for other systems (evaluation, curves,
 * importance, list manifests) are read back through their one schema: the file's `format` and
 * `version` first, with a message saying what to do when they are another churnscope's, then
 * every field, the first bad one named by its key.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../errors.js';

/** A file kind: its format name, the versions this churnscope reads, and its schema. */
export interface JsonFileKind<S extends z.ZodType> {
  format: string;
  versions: readonly number[];
  schema: S;
  /** The file in words, for messages ("the evaluation file"). */
  what: string;
  /** What to do when the file is not of a readable version. */
  remedy: string;
}

const header = z.object({ format: z.unknown(), version: z.unknown() });

/** Validates an already parsed value as the kind, naming `file` in errors. */
function parseJsonValue<S extends z.ZodType>(value: unknown, kind: JsonFileKind<S>, file: string): z.output<S> {
  const head = header.safeParse(value);
  const format = head.success ? head.data.format : undefined;
  const version = head.success ? head.data.version : undefined;
  if (format !== kind.format) {
    throw new InputError(`${kind.what} is not a ${kind.format} file (its format is ${JSON.stringify(format ?? null)}).`, { file, key: 'format', hint: kind.remedy });
  }
  if (typeof version !== 'number' || !kind.versions.includes(version)) {
    throw new InputError(`${kind.what} is version ${JSON.stringify(version ?? null)}; this churnscope reads version ${kind.versions.join(' or ')}.`, { file, key: 'version', hint: kind.remedy });
  }
  const parsed = kind.schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.map(String).join('.');
    throw new InputError(`${kind.what} does not hold what churnscope wrote: ${issue.message}${key === '' ? '' : ` at "${key}"`}.`, { file, key, hint: kind.remedy });
  }
  return parsed.data;
}

/** Reads and validates a JSON file of the kind. */
export function readJsonFile<S extends z.ZodType>(file: string, kind: JsonFileKind<S>): z.output<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${kind.what} cannot be read: check the path.`, { file, hint: kind.remedy });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(`${kind.what} is not valid JSON (truncated, or not churnscope's).`, { file, hint: kind.remedy });
  }
  return parseJsonValue(value, kind, file);
}
