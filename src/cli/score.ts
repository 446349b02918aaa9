import { type Command, Option } from 'commander';
import { progress, summary } from '../io/progress.js';
import { DEFAULT_BATCH_SIZE, DEFAULT_MEMORY_LIMIT, runScoringJob, type Shard } from '../score/batch-job.js';
import { decimal, memorySize, shard, wholeNumber } from './parse.js';
import { mergeLists } from '../score/list/merge.js';
import { hasValue, NO_VALUE } from '../score/list/ranking.js';
import { loadSavedModel } from '../models/load-model.js';

/** A PSI limit: a positive number. */
const psiLimit = decimal(Number.MIN_VALUE, Number.POSITIVE_INFINITY, 'a positive number, e.g. 0.25');

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('Score customers with a saved model and write the ranked retention list (streamed in batches, ranked out of core).')
    .requiredOption('--model <file>', 'saved model (models/<name>.json or models/champion.json)')
    .requiredOption('--input <file>', 'customers to score (CSV, Parquet or Arrow)')
    .requiredOption('--out <file>', 'ranked list to write (.csv, .parquet or .arrow); a manifest <out>.manifest.json is written beside it')
    .addOption(new Option('--rank-by <key>', 'rank by value at risk or probability (default: the model config)').choices(['value_at_risk', 'probability']))
    .option('--segment <name>', 'only customers of this segment')
    .addOption(new Option('--tier <tier>', 'only customers of this risk tier').choices(['high', 'medium', 'low']))
    .option('--top <n>', 'only the first n customers of the ranking', wholeNumber(1))
    .option('--previous <file>', "last run's list, to flag customers whose probability rose")
    .option('--shard <i/n>', 'score only shard i of n (a hash partition of the ids); merge the shard lists with churnscope merge', shard)
    .option('--batch-size <n>', 'customers per batch (memory is bounded by it)', wholeNumber(1, 10_000_000), DEFAULT_BATCH_SIZE)
    .option('--workers <n>', 'scoring threads (default: one per core; 0 scores on the main thread)', wholeNumber(0, 256))
    .option('--memory-limit <size>', 'DuckDB memory limit with a unit, e.g. 1GB or 512MB; past it the ranking spills to disk beside the output', memorySize, DEFAULT_MEMORY_LIMIT)
    .option('--drift-limit <x>', "refuse to score when a feature's PSI against the training data exceeds this (default: the model's drift_limit, 0.25)", psiLimit)
    .option('--allow-drift', 'score even past the drift limit (recorded in the manifest)')
    .option('--spreadsheet-safe', 'CSV lists: put an apostrophe before text cells starting with = + - @ so a spreadsheet never runs them as formulas (recorded in the manifest)')
    .action(async (opts: { model: string; input: string; out: string; rankBy?: 'value_at_risk' | 'probability'; segment?: string; tier?: 'high' | 'medium' | 'low'; top?: number; previous?: string; shard?: Shard; batchSize: number; workers?: number; memoryLimit: string; driftLimit?: number; allowDrift?: boolean; spreadsheetSafe?: boolean }) => {
      const bar = progress('scoring', null, 'customers');
      const m = await runScoringJob({ ...opts, onBatch: (_batch, rows) => bar.tick(rows) });
      bar.stop();
      summary(`scored ${m.rows.scored.toLocaleString('en')} customers with ${m.model.name} (${m.rows.rejected} rejected) at ${m.timings.customers_per_second.toLocaleString('en')} customers/s; ${m.rows.listed.toLocaleString('en')} listed in ${opts.out}, ranked by ${m.rank_by === 'probability' ? 'churn probability' : 'value at risk'}${m.rank_by === 'probability' && opts.rankBy === undefined && !hasValue((await loadSavedModel(opts.model)).saved) ? ` (${NO_VALUE})` : ''}`);
    });

  program
    .command('merge')
    .description('Merge shard lists into one ranked list, identical to an unsharded run.')
    .requiredOption('--inputs <files...>', 'the shard lists (CSV, Parquet or Arrow)')
    .requiredOption('--out <file>', 'merged list (.csv or .parquet)')
    .addOption(new Option('--rank-by <key>', 'ranking key (default: value at risk when the lists have it)').choices(['value_at_risk', 'probability']))
    .action(async (opts: { inputs: string[]; out: string; rankBy?: 'value_at_risk' | 'probability' }) => {
      const { rows } = await mergeLists(opts.inputs, opts.out, opts.rankBy);
      summary(`merged ${opts.inputs.length} lists, ${rows.toLocaleString('en')} customers, into ${opts.out}`);
    });
}
