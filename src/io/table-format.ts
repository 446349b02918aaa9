/**
 * A table file's format, from its name: the one rule every reader and writer follows (inputs,
 * lists, previous lists, shard lists, feature snapshots), so a `.arrow` list is never read as CSV.
 */
import { basename } from 'node:path';
import { UsageError } from '../errors.js';

export type TableFormat = 'csv' | 'parquet' | 'arrow';

const SUFFIXES: readonly (readonly [string, TableFormat])[] = [
  ['.csv', 'csv'], ['.csv.gz', 'csv'], ['.csv.zst', 'csv'], ['.tsv', 'csv'], ['.txt', 'csv'],
  ['.parquet', 'parquet'], ['.pq', 'parquet'],
  ['.arrow', 'arrow'], ['.arrows', 'arrow'], ['.ipc', 'arrow'], ['.feather', 'arrow'],
];

/** The format a table file's name says it is in; a name that says none is a usage error. */
export function formatOf(path: string): TableFormat {
  const name = basename(path).toLowerCase();
  for (const [suffix, format] of SUFFIXES) if (name.endsWith(suffix)) return format;
  throw new UsageError(`cannot tell the table format from the name "${path}": use .csv, .parquet or .arrow`, { file: path });
}

/** DuckDB's compression setting for a CSV named `.gz` or `.zst`. */
export function compressionOf(path: string): 'gzip' | 'zstd' | 'none' {
  const name = basename(path).toLowerCase();
  return name.endsWith('.gz') ? 'gzip' : name.endsWith('.zst') ? 'zstd' : 'none';
}
