/**
 * Panel benchmark: generation and feature-extraction seconds and peak RSS for generated operators.
 *   npm run bench:panel                 100k and 1M customers x 12 months
 *   npm run bench:panel -- 20000        other sizes
 * Each size runs in a child process so peak RSS is its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { printTable } from './table.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const run = sizes.length > 0 ? sizes : [100_000, 1_000_000];
const out = 'bench/out';
mkdirSync(out, { recursive: true });

/** What bench/panel-step.ts prints. */
const stepSchema = z.object({ seconds: z.number(), peak_rss_mb: z.number(), rows: z.number().optional() });
type Step = z.output<typeof stepSchema>;
function step(kind: 'generate' | 'features', customers: number): Step {
  const dir = join(out, `panel-${customers}`);
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'bench/panel-step.ts', kind, String(customers), dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return stepSchema.parse(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}'));
}

const rows: (string | number)[][] = [];
for (const n of run) {
  const g = existsSync(join(out, `panel-${n}`, 'customers.csv')) && process.env.REGENERATE === undefined ? null : step('generate', n);
  const f = step('features', n);
  rows.push([n, 12, g?.seconds ?? Number.NaN, g?.peak_rss_mb ?? Number.NaN, f.seconds, f.peak_rss_mb, f.rows ?? 0]);
}
printTable('Operator panels (12 months): generation and one month of features', ['customers', 'months', 'generate s', 'generate peak RSS MB', 'features s', 'features peak RSS MB', 'active customers'], rows);
process.stdout.write('– : reused the panel already generated (REGENERATE=1 to time it again)\n');
