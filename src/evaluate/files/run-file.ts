/** A JSON file of the run directory that `train` writes and the report reads, by its one schema. */
import { join } from 'node:path';
import type { z } from 'zod';
import { readJsonFile, type JsonFileKind } from '../../io/json-file.js';

const REMEDY = 'It was written by another churnscope or changed by hand: train again (churnscope train) to write it anew.';

export interface RunFile<S extends z.ZodType> {
  kind: JsonFileKind<S>;
  /** The file of a run directory, validated. */
  read(runDir: string): z.output<S>;
}

export function runFile<S extends z.ZodType>(name: string, format: string, version: number, schema: S, what: string): RunFile<S> {
  const kind: JsonFileKind<S> = { format, versions: [version], schema, what, remedy: REMEDY };
  return { kind, read: (runDir) => readJsonFile(join(runDir, name), kind) };
}
