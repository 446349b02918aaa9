/**
 * The batch job for notebooks and programs: the same run as `churnscope score` (drift check,
 * manifest, ranking), with the list handed back as an Arrow table.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { UsageError } from '../errors.js';
import { formatOf } from '../io/table-format.js';
import { runScoringJob, type BatchJobOptions, type Manifest } from './batch-job.js';

export interface ArrowJobOptions extends Omit<BatchJobOptions, 'out'> {
  /** Where to keep the Arrow list (and its manifest); by default a temporary folder, removed after. */
  out?: string;
}

export async function scoreToArrow(options: ArrowJobOptions): Promise<{ list: Table; manifest: Manifest }> {
  if (options.out !== undefined && formatOf(options.out) !== 'arrow') {
    throw new UsageError('scoreToArrow writes an Arrow list: name it .arrow (or use runScoringJob for CSV and Parquet)', { file: options.out });
  }
  const scratch = options.out === undefined ? await mkdtemp(join(tmpdir(), 'churnscope-list-')) : null;
  const out = options.out ?? join(scratch ?? '', 'list.arrow');
  try {
    const manifest = await runScoringJob({ ...options, out });
    return { list: tableFromIPC(await readFile(out)), manifest };
  } finally {
    if (scratch !== null) await rm(scratch, { recursive: true, force: true });
  }
}
