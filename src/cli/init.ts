import { existsSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { guessConfig } from '../config/init/guess.js';
import { profileTable } from '../config/init/profile.js';
import { starterConfig } from '../config/init/starter.js';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { wholeNumber } from './parse.js';
import { note, summary } from '../io/progress.js';

/** The shipped JSON Schema (schema/ at the package root, two levels above this file's folder in src/ and dist/). */
const SCHEMA = fileURLToPath(new URL('../../schema/config.schema.json', import.meta.url));

/** A path as a config at `from` should write it: relative, with forward slashes. */
const relativeTo = (from: string, to: string): string => {
  const r = relative(from, to).split(sep).join('/');
  return r.startsWith('.') ? r : `./${r}`;
};

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('Write a commented starter config (YAML) for a customer table: id, target and churned value, roles, and what could not be decided.')
    .requiredOption('--data <file>', 'the customer table (CSV, Parquet or Arrow)')
    .option('--out <file>', 'config to write (.yaml); without it the config goes to stdout')
    .option('--sample <n>', 'rows read to guess from', wholeNumber(1), 100_000)
    .action(async (opts: { data: string; out?: string; sample: number }) => {
      if (opts.out !== undefined && existsSync(opts.out)) {
        throw new UsageError(`${opts.out} exists: init never replaces a config; choose another --out or remove it`, { file: opts.out });
      }
      const profile = await profileTable(opts.data, opts.sample);
      const guesses = guessConfig(profile);
      const folder = opts.out === undefined ? process.cwd() : dirname(resolve(opts.out));
      const yaml = starterConfig(profile, guesses, { source: relativeTo(folder, resolve(opts.data)), schema: relativeTo(folder, SCHEMA) });
      if (opts.out === undefined) process.stdout.write(yaml);
      else await writeFileAtomic(opts.out, yaml);
      // The summary goes to stdout, unless the config itself does.
      const say = opts.out === undefined ? note : summary;
      const roles = Object.entries(guesses.roles).map(([role, g]) => `${role} (${g.columns.length})`).join(', ');
      say(`init: ${profile.columns.length} columns, ${profile.rows.toLocaleString('en')} rows read; id ${guesses.id?.column ?? 'none'}, target ${guesses.target === null ? 'not found' : `${guesses.target.column} = "${guesses.target.churned}"`}, roles: ${roles || 'none'}`);
      if (guesses.undecided.length > 0) say(`init: ${guesses.undecided.length} thing${guesses.undecided.length === 1 ? '' : 's'} to decide, listed at the top of the config`);
      if (opts.out !== undefined) say(`init: wrote ${opts.out}`);
    });
}
