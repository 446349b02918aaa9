import { type Command, Option } from 'commander';
import { scoreFile } from '../pipeline/score.js';
import { note } from '../io/progress.js';

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('Score customers with a saved model and write the ranked retention list.')
    .requiredOption('--model <file>', 'saved model (models/<name>.json or models/champion.json)')
    .requiredOption('--input <file>', 'customers to score (CSV or Parquet)')
    .requiredOption('--out <file>', 'ranked list to write (.csv, .parquet or .arrow)')
    .addOption(new Option('--rank-by <key>', 'rank by value at risk or probability (default: the model config)').choices(['value_at_risk', 'probability']))
    .option('--segment <name>', 'only customers of this segment')
    .addOption(new Option('--tier <tier>', 'only customers of this risk tier').choices(['high', 'medium', 'low']))
    .option('--top <n>', 'only the first n customers of the ranking', (v) => Number.parseInt(v, 10))
    .option('--previous <file>', "last run's list, to flag customers whose probability rose")
    .action(async (opts: { model: string; input: string; out: string; rankBy?: 'value_at_risk' | 'probability'; segment?: string; tier?: 'high' | 'medium' | 'low'; top?: number; previous?: string }) => {
      const result = await scoreFile(opts);
      note(`scored ${result.rows} customers with ${result.model}; ${result.listed} listed in ${result.out}`);
    });
}
