/**
 * The manifests beside a ranked list: `score` writes what it scored with what (model, input,
 * previous list, shard, filters, counts, timings, drift), `merge` what it joined. One schema each,
 * for the writer and for every reader (merge checks shards by theirs, benchmarks read timings).
 */
import { z } from 'zod';
import { readJsonFile, type JsonFileKind } from '../io/json-file.js';

const count = z.number().int().min(0);
const hashed = { file: z.string(), sha256: z.string() };
const rankBy = z.enum(['value_at_risk', 'probability']);
const filters = z.object({ segment: z.string().nullable(), tier: z.enum(['high', 'medium', 'low']).nullable(), top: count.nullable() });
const output = z.object({ file: z.string(), format: z.enum(['csv', 'parquet', 'arrow']) });

const shardSchema = z.object({ index: count, count: z.number().int().min(1) });

const featureDrift = z.object({ feature: z.string(), psi: z.number() });

/** Why rows were rejected (never listed), with the first cells that are neither missing nor a number, by row. */
const rejectionsSchema = z.object({
  no_id: count,
  not_a_number: count,
  examples: z.array(z.object({ row: z.number().int(), column: z.string(), value: z.string() })),
});

/** The drift check's outcome, as the manifest records it. */
const driftSummarySchema = z.object({
  checked: z.boolean(), // false when the model file has no reference (format version 1) or the input no rows
  limit: z.number(),
  allowed: z.boolean(), // --allow-drift: scoring proceeds past the limit
  max_psi: z.number().nullable(),
  features: z.array(featureDrift), // by PSI, highest first
  warnings: z.array(z.string()),
});

export const SCORE_MANIFEST_FORMAT = 'churnscope-score-manifest';
/** 2 dropped `seed` (always null); version 1 manifests read the same otherwise. */
export const SCORE_MANIFEST_VERSION = 2;

const scoreManifestSchema = z.object({
  format: z.literal(SCORE_MANIFEST_FORMAT),
  version: z.number().int(),
  model: z.object({ name: z.string(), kind: z.string(), ...hashed }),
  input: z.object({ ...hashed, bytes: count }),
  previous: z.object(hashed).nullable(),
  shard: shardSchema.nullable(),
  rank_by: rankBy,
  filters,
  rows: z.object({ read: count, scored: count, rejected: count, listed: count }),
  rejections: rejectionsSchema.optional(), // absent from the first version 1 manifests
  /** Text cells starting with = + - @ carry a leading apostrophe (--spreadsheet-safe). */
  spreadsheet_safe: z.boolean().default(false), // absent from manifests written before the option
  batches: count,
  batch_size: count,
  workers: count,
  timings: z.object({
    drift_seconds: z.number(), load_seconds: z.number(), score_seconds: z.number(), rank_write_seconds: z.number(),
    total_seconds: z.number(), customers_per_second: z.number(), peak_rss_mb: z.number(),
  }),
  output,
  drift: driftSummarySchema,
});

export const MERGE_MANIFEST_FORMAT = 'churnscope-merge-manifest';
export const MERGE_MANIFEST_VERSION = 1;

const mergeManifestSchema = z.object({
  format: z.literal(MERGE_MANIFEST_FORMAT),
  version: z.literal(MERGE_MANIFEST_VERSION),
  model: z.object({ name: z.string(), kind: z.string(), sha256: z.string() }),
  input: z.object(hashed),
  shards: z.object({ count, lists: z.array(z.object({ ...hashed, shard: z.number().int(), rows: count })) }),
  rank_by: rankBy,
  filters,
  rows: z.object({ listed: count }),
  output,
});

export type Shard = z.output<typeof shardSchema>;
export type Rejections = z.output<typeof rejectionsSchema>;
export type DriftSummary = z.output<typeof driftSummarySchema>;
export type Manifest = z.output<typeof scoreManifestSchema>;
export type MergeManifest = z.output<typeof mergeManifestSchema>;

const remedy = 'It was written by another churnscope or changed by hand: score the list again (churnscope score) to write it anew.';

const SCORE_MANIFEST: JsonFileKind<typeof scoreManifestSchema> = {
  format: SCORE_MANIFEST_FORMAT, versions: [1, SCORE_MANIFEST_VERSION], schema: scoreManifestSchema, what: "the list's manifest", remedy,
};

export const MERGE_MANIFEST: JsonFileKind<typeof mergeManifestSchema> = {
  format: MERGE_MANIFEST_FORMAT, versions: [MERGE_MANIFEST_VERSION], schema: mergeManifestSchema, what: "the merged list's manifest", remedy,
};

/** The manifest `score` wrote beside a list, validated. */
export function readScoreManifest(list: string): Manifest {
  return readJsonFile(`${list}.manifest.json`, SCORE_MANIFEST);
}
