import type { Command } from 'commander';
import { summary } from '../io/progress.js';
import { modelSummary } from '../report/model-summary.js';
import { loadSavedModel } from '../models/load-model.js';

export function registerSummary(program: Command): void {
  program
    .command('summary')
    .description("Print a saved logistic or Cox model's coefficient table: coef, exp(coef), se, z, p, 95% interval, concordance, log-likelihood, likelihood-ratio test.")
    .requiredOption('--model <file>', 'saved model (models/<name>.json)')
    .action(async (opts: { model: string }) => {
      const loaded = await loadSavedModel(opts.model);
      const text = modelSummary(loaded.model, opts.model);
      summary(text ?? `model: ${loaded.saved.kind} (${opts.model}) has no coefficients to summarize; its importance is in the run's importance.json and the report`);
    });
}
