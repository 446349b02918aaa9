/**
 * The `churnscope` command line: the program built from the subcommands this folder registers
 * (score.ts registers score and merge; parse.ts holds the option parsers), run with errors mapped
 * to exit codes and one paragraph on stderr.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { reportProgress } from '../io/progress.js';
import { ChurnscopeError, fileSystemError, isChurnscopeError } from '../errors.js';
import { registerExport } from './export.js';
import { registerFeatures } from './features.js';
import { registerGenerate } from './generate.js';
import { registerInit } from './init.js';
import { registerReport } from './report.js';
import { registerRun } from './run.js';
import { registerScore } from './score.js';
import { registerSummary } from './summary.js';
import { registerTrain } from './train.js';
import { registerTune } from './tune.js';

const packageJson = z.object({ version: z.string() });

/** The package's version, from its package.json (two folders up from src/cli and dist/cli). */
function packageVersion(): string {
  return packageJson.parse(JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8'))).version;
}

function buildProgram(): Command {
  const program = new Command();
  program
    .name('churnscope')
    .description('Churn prediction for telecom operators: train, evaluate, score and explain.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--debug', 'on an unexpected error, print its stack trace (for a bug report)')
    // A usage error is its one line and where to read more, not the whole help.
    .showHelpAfterError('(see churnscope --help)')
    .exitOverride();
  registerInit(program);
  registerTrain(program);
  registerTune(program);
  registerScore(program);
  registerGenerate(program);
  registerFeatures(program);
  registerReport(program);
  registerSummary(program);
  registerExport(program);
  registerRun(program, buildProgram);
  for (const command of program.commands) command.showHelpAfterError(`(see churnscope ${command.name()} --help)`);
  return program;
}

/** DuckDB's own I/O failures (a full disk, a file it cannot write) as one line. */
function duckdbIoError(e: unknown): ChurnscopeError | null {
  if (!(e instanceof Error) || !e.message.startsWith('IO Error:')) return null;
  const path = /"([^"]+)"/.exec(e.message)?.[1];
  const line = e.message.split('\n')[0].replace(/^IO Error:\s*/, '');
  const hint = /space/i.test(line) ? ' Free some space or write to another disk.' : ' Check the path, its permissions and the free space.';
  return new ChurnscopeError('io', `${line}.${hint}`, path === undefined ? {} : { file: path }, { cause: e });
}

/** Runs the CLI; returns the exit code (0 success, 1 bad input or failure, 2 usage). */
export async function main(argv: readonly string[]): Promise<number> {
  // --debug is taken anywhere on the line (before or after the command).
  const debug = argv.includes('--debug') || process.env.CHURNSCOPE_DEBUG === '1';
  const program = buildProgram();
  reportProgress();
  try {
    await program.parseAsync([...argv.slice(0, 2), ...argv.slice(2).filter((a) => a !== '--debug')]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const known = isChurnscopeError(e) ? e : (fileSystemError(e) ?? duckdbIoError(e));
    if (known !== null) {
      process.stderr.write(`churnscope: ${known.describe()}\n`);
      if (debug && known.cause instanceof Error) process.stderr.write(`${known.cause.stack ?? ''}\n`);
      return known.code === 'usage' ? 2 : 1;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`churnscope: unexpected error: ${err.message.split('\n')[0]}. This is a churnscope bug: please report it with the output of the same command run with --debug.\n`);
    if (debug) process.stderr.write(`${err.stack ?? ''}\n`);
    return 1;
  }
}
