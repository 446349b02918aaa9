import { type Command, CommanderError } from 'commander';
import { UsageError } from '../errors.js';
import { note } from '../io/progress.js';
import { runPipeline } from '../pipeline/run/runner.js';

/** `--name value` pairs after the pipeline file: the pipeline's parameters. */
function pipelineParams(args: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (let k = 0; k < args.length; k += 2) {
    const m = /^--([a-z][a-z0-9_-]*)(?:=(.*))?$/.exec(args[k]);
    if (m === null) throw new UsageError(`expected --<parameter> <value> after the pipeline file, not "${args[k]}"`);
    if (m[2] !== undefined) {
      params[m[1]] = m[2];
      k--;
      continue;
    }
    if (k + 1 >= args.length) throw new UsageError(`--${m[1]} needs a value`);
    params[m[1]] = args[k + 1];
  }
  return params;
}

/** `churnscope run`; `build` makes a fresh program for each stage's command. */
export function registerRun(program: Command, build: () => Command): void {
  program
    .command('run')
    .description("Run a pipeline's stages in order (pipelines/*.yaml), skipping those whose inputs are unchanged and resuming after a kill.")
    .argument('<pipeline>', 'the pipeline definition (YAML or JSON), e.g. pipelines/monthly.yaml')
    .requiredOption('--out <dir>', 'the run folder: the stages\' outputs, and stages/ with a manifest per completed stage')
    .allowUnknownOption()
    .allowExcessArguments()
    .usage('<pipeline> --out <dir> [--<parameter> <value> ...]')
    .addHelpText('after', '\nParameters are the pipeline\'s own (e.g. --month 2025-06 for pipelines/monthly.yaml); the run prints each stage as it starts and ends.')
    .action(async (file: string, opts: { out: string }, command: Command) => {
      const started = performance.now();
      const outcomes = await runPipeline({
        file,
        out: opts.out,
        params: pipelineParams(command.args.slice(1)),
        execute: async (argv) => {
          try {
            await build().parseAsync(['node', 'churnscope', ...argv]);
          } catch (e) {
            if (e instanceof CommanderError) throw new UsageError(`the stage's command churnscope ${argv.join(' ')} is not valid: ${e.message}`, { file });
            throw e;
          }
        },
      });
      const ran = outcomes.filter((o) => o.status === 'ran').length;
      note(`pipeline ${file}: ${ran} stage${ran === 1 ? '' : 's'} ran, ${outcomes.length - ran} unchanged, in ${((performance.now() - started) / 1000).toFixed(1)} s; outputs in ${opts.out}`);
    });
}
