/**
 * The manifest a pipeline stage leaves in `<run>/stages/<stage>.json` once its outputs are in
 * place: what it ran (the command, the parameters), the hashes of what it read and wrote, how long
 * it took and how many rows it wrote. A rerun skips a stage whose manifest still matches.
 */
import { z } from 'zod';
import type { JsonFileKind } from '../../io/json-file.js';

const hashed = z.object({ path: z.string(), kind: z.enum(['file', 'folder']), sha256: z.string(), bytes: z.number().int().min(0) });

export const STAGE_MANIFEST_FORMAT = 'churnscope-stage-manifest';
export const STAGE_MANIFEST_VERSION = 1;

const stageManifestSchema = z.object({
  format: z.literal(STAGE_MANIFEST_FORMAT),
  version: z.literal(STAGE_MANIFEST_VERSION),
  pipeline: z.string(),
  stage: z.string(),
  /** The command as run, the run folder written `${out}`; output paths are relative to it. */
  command: z.array(z.string()),
  params: z.record(z.string(), z.string()),
  /** sha256 over the command and the inputs' hashes: a stage is up to date while it is unchanged. */
  fingerprint: z.string(),
  inputs: z.array(hashed),
  outputs: z.array(hashed.extend({ rows: z.number().int().min(0).nullable() })),
  seconds: z.number(),
  rows: z.number().int().min(0).nullable(), // rows of the table outputs, in all
});

export type StageManifest = z.output<typeof stageManifestSchema>;

export const STAGE_MANIFEST: JsonFileKind<typeof stageManifestSchema> = {
  format: STAGE_MANIFEST_FORMAT,
  versions: [STAGE_MANIFEST_VERSION],
  schema: stageManifestSchema,
  what: 'the stage manifest',
  remedy: 'Delete it to run the stage again.',
};
