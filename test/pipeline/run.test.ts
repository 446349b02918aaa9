import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonFile } from '../../src/io/json-file.js';
import { STAGE_MANIFEST } from '../../src/pipeline/run/stage-manifest.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const DATA = resolve('data/ibm-telco-churn.csv');
const config = tmp.write('telco.json', JSON.stringify({
  ...JSON.parse(readFileSync('data/ibm-telco-churn.config.json', 'utf8')), source: DATA,
  models: ['logistic', 'random_forest'], model_params: { random_forest: { trees: 40 } },
}));
// Two stages: train on Telco, then score it with the champion (the score stage is the one killed).
const pipeline = tmp.write('telco.yaml', `name: telco
params:
  config: { doc: the config }
  data: { doc: the data }
stages:
  - name: train
    command: [train, --config, '\${config}', --out, '\${out}/run']
    inputs: ['\${config}', '\${data}']
    outputs: [run]
  - name: score
    command: [score, --model, '\${out}/run/models/champion.json', --input, '\${data}', --out, '\${out}/list.csv', --workers, 0]
    inputs: ['\${out}/run/models/champion.json', '\${data}']
    outputs: [list.csv, list.csv.manifest.json]
`);
const args = (out: string): string[] => ['run', pipeline, '--out', out, '--config', config, '--data', DATA];
const DETERMINISTIC = ['run/models/logistic.json', 'run/models/random_forest.json', 'run/models/champion.json', 'list.csv'];

describe('churnscope run', () => {
  const whole = join(tmp.dir, 'whole');

  it('runs the stages in order, a progress line each, a manifest each; a rerun skips them all', async () => {
    const first = await runCli(...args(whole));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/\[1\/2\] train: done in [\d.]+ s, 7,043 rows/);
    expect(first.stderr).toMatch(/\[2\/2\] score: done in [\d.]+ s, 7,043 rows/);
    const m = readJsonFile(join(whole, 'stages', 'score.json'), STAGE_MANIFEST);
    expect(m.command).toEqual(['score', '--model', '${out}/run/models/champion.json', '--input', DATA, '--out', '${out}/list.csv', '--workers', '0']);
    expect(m.outputs.map((o) => [o.path, o.rows])).toEqual([['list.csv', 7043], ['list.csv.manifest.json', null]]);
    expect(m.inputs.map((i) => i.path)).toEqual(['${out}/run/models/champion.json', DATA]);
    const again = await runCli(...args(whole));
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('[1/2] train: unchanged, skipped');
    expect(again.stderr).toContain('[2/2] score: unchanged, skipped');
  });

  it('killed midway through a stage, resumes there and writes the same bytes as a run never stopped', async () => {
    // The run never stopped, copied without its score stage: the killed run starts there.
    const out = join(tmp.dir, 'killed');
    cpSync(whole, out, { recursive: true });
    for (const f of ['stages/score.json', 'list.csv', 'list.csv.manifest.json']) rmSync(join(out, f));
    const child = spawn(process.execPath, ['--import', 'tsx', resolve('test/helpers/cli-main.ts'), ...args(out)], { stdio: 'ignore' });
    // Killed as soon as the score stage's job has started writing (its temporary files exist).
    await new Promise<void>((done, fail) => {
      const timer = setInterval(() => {
        if (readdirSync(out).some((f) => f.startsWith('.tmp-list.csv'))) {
          clearInterval(timer);
          child.kill('SIGKILL');
          done();
        }
      }, 5);
      child.on('exit', () => { clearInterval(timer); fail(new Error('the run ended before it could be killed in its score stage')); });
    });
    await new Promise((r) => child.on('exit', r));
    expect(existsSync(join(out, 'stages', 'score.json'))).toBe(false); // killed midway: the stage is not done
    expect(existsSync(join(out, 'list.csv'))).toBe(false);
    const resumed = await runCli(...args(out));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('[1/2] train: unchanged, skipped');
    expect(resumed.stderr).toMatch(/\[2\/2\] score: done/);
    // As text with toBe: toEqual walks a Buffer byte by byte (a minute on these files).
    for (const f of DETERMINISTIC) expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(whole, f), 'utf8'));
    expect(readdirSync(out).filter((f) => f.startsWith('.tmp-'))).toEqual([]); // the killed job's scratch files, cleaned
  });

  it('runs a stage again when an output was changed or an input is another', async () => {
    writeFileSync(join(whole, 'list.csv'), 'rank,id\n');
    const changedOutput = await runCli(...args(whole));
    expect(changedOutput.stderr).toContain('[1/2] train: unchanged, skipped');
    expect(changedOutput.stderr).toMatch(/\[2\/2\] score: done/);
    const other = tmp.write('telco-rank.json', readFileSync(config, 'utf8').replace('"models"', '"champion_metric": "lift_at_10", "models"'));
    const changedInput = await runCli('run', pipeline, '--out', whole, '--config', other, '--data', DATA);
    expect(changedInput.stderr).toMatch(/\[1\/2\] train: done/);
  });

  it('refuses an unknown parameter and a missing one, naming them', async () => {
    const unknown = await runCli(...args(join(tmp.dir, 'x')), '--month', '2025-06');
    expect([unknown.code, unknown.stderr]).toEqual([2, `churnscope: usage error (file ${pipeline}, key "month"): the pipeline telco has no parameter --month; it takes --config, --data\n`]);
    const missing = await runCli('run', pipeline, '--out', join(tmp.dir, 'x'), '--config', config);
    expect([missing.code, missing.stderr]).toEqual([2, `churnscope: usage error (file ${pipeline}, key "data"): the pipeline telco needs --data <value> (the data)\n`]);
  });
});
