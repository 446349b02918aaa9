import { type Command, Option } from 'commander';
import { MODEL_PARAM_SCHEMAS, type TrainableKind } from '../models/param-schemas.js';
import { summary } from '../io/progress.js';
import { tune } from '../tune/tune.js';
import { wholeNumber } from './parse.js';

export function registerTune(program: Command): void {
  program
    .command('tune')
    .description("Search a model's parameters (seeded random search, k-fold cross-validated AUC on the training rows) and write the best as a config fragment.")
    .requiredOption('--config <file>', 'config file (YAML or JSON), as for train')
    .addOption(new Option('--model <name>', 'model to tune').choices(Object.keys(MODEL_PARAM_SCHEMAS)).makeOptionMandatory())
    .requiredOption('--out <dir>', 'folder to write (tune.json, tune.md, best-params.json)')
    .option('--trials <n>', 'parameter sets to try; the first is the defaults', wholeNumber(1, 10_000), 20)
    .option('--folds <k>', 'cross-validation folds', wholeNumber(2, 20), 5)
    .option('--seed <n>', 'override the config seed', wholeNumber(0, 2 ** 32 - 1))
    .action(async (opts: { config: string; model: TrainableKind; out: string; trials: number; folds: number; seed?: number }) => {
      const result = await tune(opts.config, opts.model, opts.out, { trials: opts.trials, folds: opts.folds, seed: opts.seed });
      const { best } = result;
      summary(`${result.model}: best of ${result.trials.length} trials is trial ${best.trial}, CV AUC ${best.cv_auc_mean.toFixed(4)} ± ${best.cv_auc_sd.toFixed(4)} (defaults ${result.trials[0].cv_auc_mean.toFixed(4)}); written to ${opts.out}`);
      summary(JSON.stringify(result.fragment, null, 2));
    });
}
