import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCurves } from '../../src/evaluate/files/curves-file.js';
import { readEvaluation } from '../../src/evaluate/files/evaluation-file.js';
import { readImportance } from '../../src/evaluate/files/importance-file.js';
import { runScoringJob } from '../../src/score/batch-job.js';
import { readScoreManifest } from '../../src/score/manifest.js';
import { trainTelcoLogistic } from '../helpers/telco-model.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const run = join(tmp.dir, 'run');
const INPUT = resolve('data/ibm-telco-churn.csv');

beforeAll(async () => {
  await trainTelcoLogistic(INPUT, run);
});

/** A copy of the run directory with one file's JSON changed. */
function changed(file: string, change: (value: Record<string, unknown>) => void): string {
  const dir = join(tmp.dir, `changed-${file}-${Math.random().toString(36).slice(2)}`);
  cpSync(run, dir, { recursive: true });
  const value = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
  change(value);
  writeFileSync(join(dir, file), JSON.stringify(value));
  return dir;
}

describe('the run directory files, read through their schemas', () => {
  it('read back as written, each with its format and version', () => {
    const evaluation = readEvaluation(run);
    expect([evaluation.format, evaluation.version, evaluation.champion]).toEqual(['churnscope-evaluation', 1, 'logistic']);
    expect(evaluation.models.logistic.auc).toBeGreaterThan(0.8);
    const curves = readCurves(run);
    expect([curves.format, curves.version, Object.keys(curves.models)]).toEqual(['churnscope-curves', 1, ['logistic']]);
    expect(curves.models.logistic.roc.at(-1)).toEqual({ x: 1, y: 1 });
    const importance = readImportance(run);
    expect([importance.format, importance.version]).toEqual(['churnscope-importance', 1]);
    // The model's own view comes through the interface: odds ratios for the logistic model.
    expect(importance.models.logistic.odds_ratios?.length).toBe(importance.models.logistic.permutation.length);
  });

  it('refuse another version, naming file and key, with what to do', () => {
    const dir = changed('evaluation.json', (v) => { v.version = 9; });
    expect(() => readEvaluation(dir)).toThrow('the evaluation file is version 9; this churnscope reads version 1');
    try {
      readEvaluation(dir);
    } catch (e) {
      expect((e as { describe(): string }).describe()).toBe(`input error (file ${join(dir, 'evaluation.json')}, key "version"): the evaluation file is version 9; this churnscope reads version 1. It was written by another churnscope or changed by hand: train again (churnscope train) to write it anew.`);
    }
  });

  it('read a measured number written as null (NaN) back as NaN, cross-validated AUC included', () => {
    // A fold without a churner gives a NaN AUC, written as null: the run must stay readable.
    const dir = changed('evaluation.json', (v) => { Object.assign((v.models as { logistic: object }).logistic, { cv_auc_mean: null, cv_auc_sd: null, brier: null }); });
    const m = readEvaluation(dir).models.logistic;
    expect([m.cv_auc_mean, m.cv_auc_sd, m.brier]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });

  it('refuse a field of the wrong type by its key', () => {
    const dir = changed('importance.json', (v) => { (v.models as { logistic: { permutation: unknown } }).logistic.permutation = 'high'; });
    expect(() => readImportance(dir)).toThrow(/the importance file does not hold what churnscope wrote: .* at "models.logistic.permutation"/);
    const older = changed('curves.json', (v) => { delete v.format; });
    expect(() => readCurves(older)).toThrow('the curves file is not a churnscope-curves file (its format is null).');
  });
});

describe('the list manifest', () => {
  it('is read back through its schema; a version 1 manifest (with its null seed) still reads', async () => {
    const list = join(tmp.dir, 'list.csv');
    await runScoringJob({ model: join(run, 'models', 'logistic.json'), input: INPUT, out: list });
    const m = readScoreManifest(list);
    expect([m.format, m.version, m.rows.listed, m.drift.checked]).toEqual(['churnscope-score-manifest', 2, 7043, true]);
    expect(Object.keys(JSON.parse(readFileSync(`${list}.manifest.json`, 'utf8')))).not.toContain('seed');
    const old = join(tmp.dir, 'old.csv');
    writeFileSync(old, readFileSync(list));
    writeFileSync(`${old}.manifest.json`, JSON.stringify({ ...m, version: 1, seed: null }));
    expect(readScoreManifest(old).rows).toEqual(m.rows);
    writeFileSync(`${old}.manifest.json`, JSON.stringify({ ...m, rows: { ...m.rows, listed: -1 } }));
    expect(() => readScoreManifest(old)).toThrow(/the list's manifest does not hold what churnscope wrote: .* at "rows.listed"/);
  });
});
