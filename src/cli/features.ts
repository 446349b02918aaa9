import type { Command } from 'commander';
import { month } from './parse.js';
import { elapsed, summary } from '../io/progress.js';
import { writePanelFeatures } from '../pipeline/panel-features.js';

export function registerFeatures(program: Command): void {
  program
    .command('features')
    .description("Build one month's feature snapshot from an operator panel, for scoring.")
    .requiredOption('--config <file>', 'panel config (YAML or JSON, kind: panel)')
    .option('--month <YYYY-MM>', 'reference month (default: the last month in the data)', month)
    .requiredOption('--out <file>', 'snapshot to write (.csv or .parquet)')
    .action(async (opts: { config: string; month?: string; out: string }) => {
      const started = performance.now();
      const { rows, month } = await writePanelFeatures(opts.config, opts.month, opts.out);
      summary(`features for ${rows.toLocaleString('en')} active customers at ${month} written to ${opts.out} in ${elapsed(started)}`);
    });
}
