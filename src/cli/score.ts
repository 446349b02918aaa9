import type { Command } from 'commander';
import { scoreFile } from '../pipeline/score.js';
import { note } from '../io/progress.js';

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('Score customers with a saved model and write the ranked retention list.')
    .requiredOption('--model <file>', 'saved model (models/<name>.json or models/champion.json)')
    .requiredOption('--input <file>', 'customers to score (CSV or Parquet)')
    .requiredOption('--out <file>', 'ranked list to write (.csv, .parquet or .arrow)')
    .action(async (opts: { model: string; input: string; out: string }) => {
      const result = await scoreFile(opts);
      note(`scored ${result.rows} customers with ${result.model}; list written to ${result.out}`);
    });
}
