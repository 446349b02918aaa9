import type { Command } from 'commander';
import { GENERATE_LIMITS, generatePanel } from '../generate/operator.js';
import { elapsed, summary } from '../io/progress.js';
import { wholeNumber } from './parse.js';

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('Generate a realistic operator panel (customers, monthly usage, complaints, true drivers), seeded.')
    .option('--customers <n>', `number of customers (1 to ${GENERATE_LIMITS.customers.toLocaleString('en')})`, wholeNumber(1, GENERATE_LIMITS.customers), 50_000)
    .option('--months <n>', `months of usage (1 to ${GENERATE_LIMITS.months})`, wholeNumber(1, GENERATE_LIMITS.months), 12)
    .option('--seed <n>', 'random seed', wholeNumber(0, 2 ** 32 - 1), 42)
    .option('--cdr', 'also write call-detail records (small panels only)', false)
    .requiredOption('--out <dir>', 'folder to write the tables into: new, empty, or a panel churnscope generated (replaced whole at the end)')
    .action(async (opts: { customers: number; months: number; seed: number; cdr: boolean; out: string }) => {
      const started = performance.now();
      const result = await generatePanel({ customers: opts.customers, months: opts.months, seed: opts.seed, out: opts.out, cdr: opts.cdr });
      summary(`generated ${opts.customers.toLocaleString('en')} customers x ${opts.months} months in ${elapsed(started)}:`);
      for (const [name, file] of Object.entries(result.files)) summary(`  ${name.padEnd(12)} ${file}`);
    });
}
