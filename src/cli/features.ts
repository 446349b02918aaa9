import type { Command } from 'commander';
import { note } from '../io/progress.js';
import { writePanelFeatures } from '../pipeline/panel-features.js';

export function registerFeatures(program: Command): void {
  program
    .command('features')
    .description("Build one month's feature snapshot from an operator panel, for scoring.")
    .requiredOption('--config <file>', 'panel config (JSON, "kind": "panel")')
    .option('--month <YYYY-MM>', 'reference month (default: the last month in the data)')
    .requiredOption('--out <file>', 'snapshot to write (.csv or .parquet)')
    .action(async (opts: { config: string; month?: string; out: string }) => {
      const started = performance.now();
      const { rows, month } = await writePanelFeatures(opts.config, opts.month, opts.out);
      note(`features for ${rows} active customers at ${month} written to ${opts.out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    });
}
