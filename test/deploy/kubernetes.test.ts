/**
 * The Kubernetes jobs' own commands, as run.sh renders them, run here as their pods would run them
 * (no cluster: each index's shell command with JOB_COMPLETION_INDEX set, then the merge Job's), the
 * shared volume a temporary folder: the merged list must be the unsharded one. The Slurm array runs
 * for real in scripts/slurm-test.sh (CI).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { sqlString, withDuckDB } from '../../src/io/duckdb.js';
import { runScoringJob } from '../../src/score/batch-job.js';
import { trainTelcoLogistic } from '../helpers/telco-model.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const volume = join(tmp.dir, 'data');

const container = z.object({ command: z.array(z.string()).optional(), args: z.array(z.string()), env: z.array(z.object({ name: z.string(), value: z.string() })).optional() });
const jobSchema = z.object({
  kind: z.literal('Job'),
  spec: z.object({
    completionMode: z.string().optional(),
    completions: z.number().optional(),
    parallelism: z.number().optional(),
    template: z.object({ spec: z.object({ containers: z.array(container).length(1) }) }),
  }),
});
// The manifests as run.sh applies them, with a shard count other than its default of 4.
const SHARDS = 3;
const job = (file: string): z.output<typeof jobSchema> => jobSchema.parse(parse(execFileSync('bash', ['deploy/kubernetes/run.sh', '--render', file], { env: { ...process.env, SHARDS: String(SHARDS) }, encoding: 'utf8' })));

beforeAll(async () => {
  await trainTelcoLogistic(resolve('data/ibm-telco-churn.csv'), join(volume, 'run'));
  await withDuckDB(async (con) => {
    await con.run(`COPY (SELECT * FROM read_csv(${sqlString(resolve('data/ibm-telco-churn.csv'))}, all_varchar = true)) TO ${sqlString(join(volume, 'features.parquet'))} (FORMAT parquet)`);
  });
  mkdirSync(join(volume, 'lists'));
  // `churnscope` on the PATH, as in the image.
  mkdirSync(join(tmp.dir, 'bin'));
  writeFileSync(join(tmp.dir, 'bin', 'churnscope'), `#!/bin/sh\nexec ${process.execPath} --import tsx ${resolve('test/helpers/cli-main.ts')} "$@"\n`);
  chmodSync(join(tmp.dir, 'bin', 'churnscope'), 0o755);
});

describe('the Kubernetes Indexed Job and merge Job', () => {
  it('score shard i of n in pod i and merge into the unsharded list, n set once (SHARDS) for both Jobs', async () => {
    const score = job('score-indexed-job.yaml');
    const merge = job('merge-job.yaml');
    expect([score.spec.completionMode, score.spec.completions, score.spec.parallelism]).toEqual(['Indexed', SHARDS, SHARDS]);
    const onVolume = (s: string): string => s.replaceAll('/data', volume);
    const env = { ...process.env, PATH: `${join(tmp.dir, 'bin')}:${process.env.PATH ?? ''}` };
    // A container's command and arguments as its pod runs them.
    const run = (c: z.output<typeof container>, extra: Record<string, string> = {}): void => {
      execFileSync(c.command?.[0] ?? 'churnscope', [...(c.command ?? []).slice(1), ...c.args.map(onVolume)], { env: { ...env, ...extra }, stdio: 'ignore' });
    };
    for (let i = 0; i < SHARDS; i++) run(score.spec.template.spec.containers[0], { JOB_COMPLETION_INDEX: String(i) });
    run(merge.spec.template.spec.containers[0]);
    expect(readdirSync(join(volume, 'lists')).filter((f) => f.endsWith('.parquet')).sort()).toEqual(['shard-0-of-3.parquet', 'shard-1-of-3.parquet', 'shard-2-of-3.parquet']);
    await runScoringJob({ model: join(volume, 'run', 'models', 'champion.json'), input: join(volume, 'features.parquet'), out: join(tmp.dir, 'whole.parquet') });
    const rows = (file: string): Promise<unknown[][]> => withDuckDB(async (con) => (await con.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(file)})`)).getRowsJS());
    const merged = await rows(join(volume, 'retention-list.parquet'));
    expect(merged).toHaveLength(7043);
    expect(merged).toEqual(await rows(join(tmp.dir, 'whole.parquet')));
  });
});
