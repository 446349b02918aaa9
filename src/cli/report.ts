import type { Command } from 'commander';
import { amount, rate, wholeNumber } from './parse.js';
import { elapsed, summary } from '../io/progress.js';
import { DEFAULT_CAMPAIGN } from '../report/economics.js';
import { loadReportInput } from '../report/input.js';
import { writeReport } from '../report/report.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Write the factor-importance report (report.html, report.md, report.json) for a training run.')
    .requiredOption('--run <dir>', 'run directory written by churnscope train')
    .requiredOption('--out <dir>', 'folder to write the report into')
    .option('--list <file>', 'a scored retention list (adds economics, driver shares and segments)')
    .option('--top-n <n>', 'campaign: customers contacted from the top of the list', wholeNumber(1), DEFAULT_CAMPAIGN.top_n)
    .option('--offer-cost <x>', 'campaign: cost of one retention offer (0 or more)', amount, DEFAULT_CAMPAIGN.offer_cost)
    .option('--success-rate <x>', 'campaign: share of contacted churners retained (0 to 1)', rate, DEFAULT_CAMPAIGN.success_rate)
    .action(async (opts: { run: string; out: string; list?: string; topN: number; offerCost: number; successRate: number }) => {
      const started = performance.now();
      const paths = await writeReport(await loadReportInput(opts.run, opts.list ?? null), opts.out, { top_n: opts.topN, offer_cost: opts.offerCost, success_rate: opts.successRate });
      summary(`report written in ${elapsed(started)}: ${paths.html} (also report.md, report.json)`);
    });
}
