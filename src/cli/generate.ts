import type { Command } from 'commander';
import { generatePanel } from '../generate/operator.js';
import { note } from '../io/progress.js';

const int = (v: string): number => Number.parseInt(v, 10);

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('Generate a realistic operator panel (customers, monthly usage, complaints, true drivers), seeded.')
    .option('--customers <n>', 'number of customers', int, 50_000)
    .option('--months <n>', 'months of usage', int, 12)
    .option('--seed <n>', 'random seed', int, 42)
    .option('--cdr', 'also write call-detail records (small panels only)', false)
    .requiredOption('--out <dir>', 'folder to write the tables into')
    .action(async (opts: { customers: number; months: number; seed: number; cdr: boolean; out: string }) => {
      const started = performance.now();
      const result = await generatePanel({ customers: opts.customers, months: opts.months, seed: opts.seed, out: opts.out, cdr: opts.cdr });
      note(`generated ${opts.customers} customers x ${opts.months} months in ${((performance.now() - started) / 1000).toFixed(1)} s:`);
      for (const [name, file] of Object.entries(result.files)) note(`  ${name.padEnd(12)} ${file}`);
    });
}
