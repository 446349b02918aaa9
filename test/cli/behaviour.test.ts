import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();

describe('the command line behaves like one', () => {
  it('prints its version', async () => {
    const { code, stdout } = await runCli('--version');
    expect(code).toBe(0);
    expect(stdout).toBe(`${JSON.parse(readFileSync('package.json', 'utf8')).version}\n`);
  });

  it('says in its help what it does: score writes .arrow too, configs are YAML or JSON', async () => {
    const score = await runCli('score', '--help');
    expect(score.code).toBe(0);
    expect(score.stdout).toContain('ranked list to write (.csv, .parquet or .arrow)');
    expect((await runCli('train', '--help')).stdout).toContain('config file (YAML or JSON)');
    expect((await runCli('--help')).stdout).toMatch(/^ {2}init \[options\]/m);
  });

  it('answers a usage error with its one line and where to read more, not the whole help', async () => {
    const missing = await runCli('score', '--model', 'm.json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("error: required option '--input <file>' not specified\n(see churnscope score --help)\n");
    expect(missing.stdout).toBe('');
    const unknown = await runCli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("error: unknown command 'frobnicate'\n(see churnscope --help)\n");
  });

  it('writes the summary on stdout and progress and warnings on stderr, a line per stage with its seconds', async () => {
    const config = tmp.write('iranian.json', JSON.stringify({
      ...JSON.parse(readFileSync('data/iranian-churn.config.json', 'utf8')), source: resolve('data/iranian-churn.csv'),
      models: ['logistic', 'random_forest'], model_params: { random_forest: { trees: 20 } },
    }));
    const run = join(tmp.dir, 'run');
    const train = await runCli('train', '--config', config, '--out', run);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/^trained on 2,520 rows, tested on 630 \(stratified\)\n {2}logistic {7}auc 0\.\d{3}/);
    expect(train.stdout).toContain(`champion: random_forest (by auc); run written to ${run}`);
    expect(train.stderr).toMatch(/^random_forest: 20 trees in \d+\.\d s$/m);
    expect(train.stderr).toMatch(/^logistic: fitted in \d+\.\d s, test AUC 0\.\d{3}$/m);
    expect(train.stderr).toMatch(/^permutation importance: 2 models in \d+\.\d s$/m);
    expect(train.stderr).not.toContain('champion');

    const score = await runCli('score', '--model', join(run, 'models', 'champion.json'), '--input', 'data/iranian-churn.csv', '--out', join(tmp.dir, 'list.csv'));
    expect(score.code, score.stderr).toBe(0);
    expect(score.stderr).toMatch(/^scoring: 3,150 customers in \d+\.\d s$/m);
    expect(score.stdout).toMatch(/^scored 3,150 customers with random_forest \(0 rejected\) at [\d,]+ customers\/s; 3,150 listed in .*list\.csv, ranked by value at risk\n$/);

    const report = await runCli('report', '--run', run, '--out', join(tmp.dir, 'report'));
    expect(report.code, report.stderr).toBe(0);
    expect(report.stderr).toMatch(/^report charts: \d+ charts in \d+\.\d s$/m);
    expect(report.stdout).toMatch(/^report written in \d+\.\d s: .*report\.html/);
  });
});
