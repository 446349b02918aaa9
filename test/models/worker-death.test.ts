/**
 * A worker thread that dies mid-job (as an out-of-memory stop or a crash ends it) fails the job
 * at once with a WorkerError naming the worker, instead of leaving it waiting forever, and no
 * output is written. The death is the test hook CHURNSCOPE_TEST_WORKER_EXIT (src/io/worker-thread.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkerError } from '../../src/errors.js';
import { TEST_EXIT_CODE } from '../../src/io/worker-thread.js';
import { fitForest } from '../../src/models/forest/forest.js';
import { forestParams, forestParamsSchema } from '../../src/models/forest/params.js';
import { prepareFromConfigFile } from '../../src/pipeline/train-config.js';
import { Rng } from '../../src/rng.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const TELCO = resolve('data', 'ibm-telco-churn.csv');
const HOOK = 'CHURNSCOPE_TEST_WORKER_EXIT';

function telcoConfig(name: string, models: Record<string, Record<string, unknown>>): string {
  const base = JSON.parse(readFileSync(resolve('data', 'ibm-telco-churn.config.json'), 'utf8')) as Record<string, unknown>;
  return tmp.write(name, JSON.stringify({ ...base, source: TELCO, models: Object.keys(models), model_params: models }));
}

const temporaries = (): string[] => readdirSync(tmp.dir).filter((f) => f.startsWith('.tmp-'));

describe('a worker that dies mid-job', () => {
  const logisticRun = join(tmp.dir, 'logistic-run');
  beforeAll(async () => {
    const { code, stderr } = await runCli('train', '--config', telcoConfig('logistic.json', { logistic: {} }), '--out', logisticRun);
    expect(code, stderr).toBe(0);
  });
  afterEach(() => {
    delete process.env[HOOK];
  });

  it('fails boosting\'s fit with a model error naming the histogram worker, and `train` writes no run', async () => {
    const config = telcoConfig('boosting.json', { gradient_boosting: { rounds: 30, early_stopping_rounds: 0, workers: 2 } });
    const out = join(tmp.dir, 'boosting-run');
    process.env[HOOK] = 'histogram:5'; // its fifth histogram job: inside the first tree
    const { code, stderr } = await runCli('train', '--config', config, '--out', out);
    expect(code).toBe(1);
    expect(stderr).toContain(`model error: boosting's histogram worker 1 of 1 stopped with exit code ${TEST_EXIT_CODE} before finishing its work`);
    expect(existsSync(join(out, 'models', 'gradient_boosting.json'))).toBe(false);
    expect(temporaries()).toEqual([]);

    // The same fit without the hook succeeds: the failure was the worker's death.
    delete process.env[HOOK];
    expect((await runCli('train', '--config', config, '--out', out)).code).toBe(0);
  });

  it('fails the forest\'s fit with a WorkerError naming the forest worker', async () => {
    const { train } = await prepareFromConfigFile(resolve('data', 'ibm-telco-churn.config.json'));
    process.env[HOOK] = 'forest:2';
    const fit = fitForest(train, forestParams(forestParamsSchema.parse({ trees: 8, workers: 2 })), new Rng(1));
    await expect(fit).rejects.toThrow(WorkerError);
    // Both workers meet the hook at their second tree; whichever stops first is named.
    await expect(fit).rejects.toMatchObject({
      code: 'model',
      exitCode: TEST_EXIT_CODE,
      message: expect.stringMatching(new RegExp(`^the forest's worker [12] of 2 \\(4 trees\\) stopped with exit code ${TEST_EXIT_CODE} before finishing its work$`)),
    });
  });

  it('fails `score` with an error naming the scoring worker, and writes no list', async () => {
    const list = join(tmp.dir, 'list.csv');
    process.env[HOOK] = 'score:1';
    const { code, stderr } = await runCli('score', '--model', join(logisticRun, 'models', 'logistic.json'), '--input', TELCO, '--out', list, '--workers', '2', '--batch-size', '1000');
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`io error: scoring worker [12] of 2 stopped with exit code ${TEST_EXIT_CODE} before finishing its work`));
    expect(existsSync(list)).toBe(false);
    expect(temporaries()).toEqual([]);
  });
});
