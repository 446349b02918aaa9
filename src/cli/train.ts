import type { Command } from 'commander';
import { wholeNumber } from './parse.js';
import { trainFromConfigFile } from '../pipeline/train-config.js';
import { note, summary } from '../io/progress.js';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('Train the configured churn models, evaluate them on held-out data and write the run directory.')
    .requiredOption('--config <file>', 'config file (YAML or JSON) describing the data and models; churnscope init writes a starter')
    .requiredOption('--out <dir>', 'run directory to write (evaluation.json, models/, curves.json, importance.json)')
    .option('--seed <n>', 'override the config seed', wholeNumber(0, 2 ** 32 - 1))
    .action(async (opts: { config: string; out: string; seed?: number }) => {
      const { evaluation } = await trainFromConfigFile(opts.config, opts.out, { seed: opts.seed });
      const width = Math.max(...Object.keys(evaluation.models).map((name) => name.length));
      const lines = Object.entries(evaluation.models).map(
        ([name, m]) => `  ${name.padEnd(width)}  ${evaluation.split.test_rows === 0 ? 'no test metrics' : `auc ${m.auc.toFixed(3)}  pr_auc ${m.pr_auc.toFixed(3)}  lift@10 ${m.lift_at_10.toFixed(2)}`}${m.c_index !== undefined ? `  c_index ${m.c_index.toFixed(3)}` : ''}${m.cv_auc_mean !== undefined ? `  cv auc ${m.cv_auc_mean.toFixed(3)} ± ${(m.cv_auc_sd ?? 0).toFixed(3)}` : ''}  fit ${m.fit_seconds.toFixed(2)} s`,
      );
      for (const w of evaluation.warnings) note(`warning: ${w}`);
      summary(evaluation.split.test_rows === 0
        ? `trained on all ${evaluation.split.train_rows.toLocaleString('en')} rows; no test split (split.test_fraction 0), so no test metrics`
        : `trained on ${evaluation.split.train_rows.toLocaleString('en')} rows, tested on ${evaluation.split.test_rows.toLocaleString('en')} (${evaluation.split.kind.replaceAll('_', ' ')})`);
      summary(lines.join('\n'));
      summary(`champion: ${evaluation.champion} (${evaluation.split.test_rows === 0 ? 'the first configured: no test split to choose by' : `by ${evaluation.champion_metric}`}); run written to ${opts.out}`);
    });
}
