/**
 * The `churnscope` command line: one subcommand per file in this folder.
 */
import { Command, CommanderError } from 'commander';
import { isChurnscopeError } from '../errors.js';
import { registerExport } from './export.js';
import { registerFeatures } from './features.js';
import { registerGenerate } from './generate.js';
import { registerReport } from './report.js';
import { registerScore } from './score.js';
import { registerTrain } from './train.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('churnscope')
    .description('Churn prediction for telecom operators: train, evaluate, score and explain.')
    .showHelpAfterError()
    .exitOverride();
  registerTrain(program);
  registerScore(program);
  registerGenerate(program);
  registerFeatures(program);
  registerReport(program);
  registerExport(program);
  return program;
}

/** Runs the CLI; returns the exit code (0 success, 1 bad input or failure, 2 usage). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (isChurnscopeError(e)) {
      process.stderr.write(`churnscope: ${e.describe()}\n`);
      return e.code === 'usage' ? 2 : 1;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`churnscope: unexpected error: ${err.stack ?? err.message}\n`);
    return 1;
  }
}
