import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { MODEL_PARAM_SCHEMAS } from '../../src/models/param-schemas.js';
import { SEARCH_SPACES } from '../../src/tune/space.js';
import type { TuneResult } from '../../src/tune/tune.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();

describe('the tuner', () => {
  it('draws only values each model\'s schema accepts', () => {
    for (const [kind, space] of Object.entries(SEARCH_SPACES)) {
      const schema = MODEL_PARAM_SCHEMAS[kind as keyof typeof MODEL_PARAM_SCHEMAS];
      for (const [key, d] of Object.entries(space)) {
        const values = 'choice' in d ? d.choice : [d.min, d.max];
        for (const v of values) expect(schema.safeParse({ [key]: v }).success, `${kind}.${key} = ${v}`).toBe(true);
      }
    }
  });

  it('searches the logistic penalty with 2-fold CV on the training rows: trial 1 the defaults, the best the highest mean, a config fragment that loads', async () => {
    const out = join(tmp.dir, 'tune');
    const { code, stdout, stderr } = await runCli('tune', '--config', 'data/ibm-telco-churn.config.json', '--model', 'logistic', '--trials', '3', '--folds', '2', '--out', out);
    expect([code, stderr.match(/^trial \d\/3: CV AUC 0\.8\d{3} ± 0\.\d{4} in /gm)?.length]).toEqual([0, 3]);
    const result = JSON.parse(readFileSync(join(out, 'tune.json'), 'utf8')) as TuneResult;
    expect(result.train_rows).toBe(5634); // 80% of Telco's 7,043: the test split is not tuned on
    expect(result.trials.map((t) => t.trial)).toEqual([1, 2, 3]);
    expect(result.trials[0].params).toEqual({ l2: 1 });
    const best = Math.max(...result.trials.map((t) => t.cv_auc_mean));
    expect(result.best.cv_auc_mean).toBe(best);
    const fragment = JSON.parse(readFileSync(join(out, 'best-params.json'), 'utf8')) as { model_params: { logistic: { l2: number } } };
    expect(fragment).toEqual({ model_params: { logistic: result.best.params } });
    const config = JSON.parse(readFileSync('data/ibm-telco-churn.config.json', 'utf8')) as Record<string, unknown>;
    expect(parseConfig({ ...config, ...fragment }, 'c.json').model_params.logistic?.l2).toBe(fragment.model_params.logistic.l2);
    expect(readFileSync(join(out, 'tune.md'), 'utf8')).toContain('| trial | l2 | CV AUC (mean ± sd) | seconds |');
    expect(stdout).toContain(`"l2": ${fragment.model_params.logistic.l2}`);
  });

  it('refuses a folder it did not write before reading any data, and leaves it as it was', async () => {
    const theirs = join(tmp.dir, 'theirs');
    mkdirSync(theirs);
    writeFileSync(join(theirs, 'notes.txt'), 'mine');
    const { code, stderr } = await runCli('tune', '--config', 'data/ibm-telco-churn.config.json', '--model', 'logistic', '--out', theirs);
    expect([code, stderr]).toEqual([2, `churnscope: usage error (file ${theirs}): the output folder ${theirs} exists and churnscope did not write it (it has no .churnscope-output.json); churnscope only replaces its own outputs: choose another path, or move it away yourself\n`]);
    expect(readFileSync(join(theirs, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('train prints each model\'s cross-validated AUC, mean ± sd, when split.folds > 1', async () => {
    const config = JSON.parse(readFileSync('data/ibm-telco-churn.config.json', 'utf8')) as Record<string, unknown>;
    const file = tmp.write('folds.json', JSON.stringify({ ...config, source: join(process.cwd(), 'data/ibm-telco-churn.csv'), models: ['logistic'], split: { folds: 3 } }));
    const run = join(tmp.dir, 'run');
    const { code, stdout } = await runCli('train', '--config', file, '--out', run);
    const m = (JSON.parse(readFileSync(join(run, 'evaluation.json'), 'utf8')) as { models: { logistic: { cv_auc_mean: number; cv_auc_sd: number } } }).models.logistic;
    expect(code).toBe(0);
    expect(m.cv_auc_sd).toBeGreaterThan(0);
    expect(stdout).toContain(`cv auc ${m.cv_auc_mean.toFixed(3)} ± ${m.cv_auc_sd.toFixed(3)}`);
  });
});
