import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { binOf } from '../../src/data/bins.js';
import { decileEdges } from '../../src/data/drift-reference.js';
import { DriftError } from '../../src/errors.js';
import { MODEL_FORMAT_VERSION, type SavedModel } from '../../src/models/artifact.js';
import { runScoringJob, type Manifest } from '../../src/score/batch-job.js';
import { psi } from '../../src/score/drift/drift.js';
import { loadSavedModel } from '../../src/models/load-model.js';
import { telcoRows } from '../helpers/telco.js';
import { runCli } from '../helpers/cli.js';
import { trainTelcoLogistic } from '../helpers/telco-model.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const INPUT = resolve('data/ibm-telco-churn.csv');
const model = join(tmp.dir, 'run', 'models', 'logistic.json');
const out = (name: string): string => join(tmp.dir, name);

/** The Telco file with one column rewritten (the sample has no quoted commas). */
function rewritten(name: string, column: string, f: (v: string) => string): string {
  const { header, rows } = telcoRows();
  const j = header.indexOf(column);
  const lines = [header.join(','), ...rows.map((r) => r.map((v, k) => (k === j ? f(v) : v)).join(','))];
  return tmp.write(name, `${lines.join('\n')}\n`);
}


const above = (m: Manifest, x: number): string[] => m.drift.features.filter((f) => f.psi > x).map((f) => f.feature);

beforeAll(async () => {
  await trainTelcoLogistic(INPUT, join(tmp.dir, 'run'));
});

describe('population stability index', () => {
  it('matches a hand-computed value', () => {
    // (0.25 − 0.5)·ln(0.25/0.5) + (0.75 − 0.5)·ln(0.75/0.5) = 0.25·ln 2 + 0.25·ln 1.5
    expect(psi([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.25 * Math.log(2) + 0.25 * Math.log(1.5), 12);
    expect(psi([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.274653, 6);
    // An empty training bin counts as 1e-4: (−0.1)·ln(0.8) + (0.1 − 0.0001)·ln(0.1/0.0001) = 0.712399
    expect(psi(Float64Array.from([0.5, 0.5, 0]), [0.4, 0.5, 0.1])).toBeCloseTo(0.712399, 6);
    expect(psi([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBe(0);
  });

  it('bins by unique nearest-rank deciles, right-closed', () => {
    expect(decileEdges(Float64Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]))).toEqual([0, 1]);
    expect(decileEdges(Float64Array.from({ length: 20 }, (_, i) => i + 1))).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect([binOf([0, 1], -1), binOf([0, 1], 0), binOf([0, 1], 0.5), binOf([0, 1], 1), binOf([0, 1], 2)]).toEqual([0, 0, 1, 1, 2]);
  });
});

describe('the drift check before scoring', () => {
  it('saves a training reference for each raw column the encoder reads, derived ones skipped', () => {
    const saved = JSON.parse(readFileSync(model, 'utf8')) as SavedModel;
    expect(saved.version).toBe(MODEL_FORMAT_VERSION);
    expect(saved.scoring.drift_limit).toBe(0.25);
    const ref = saved.drift_reference;
    expect(ref?.rows).toBe(5634); // the training split
    const raw = saved.encoder.columns.map((c) => c.column).filter((c) => !saved.encoder.derived.includes(c));
    expect(saved.encoder.derived).toEqual(['tenure_band']);
    expect(ref?.columns.map((c) => c.column)).toEqual(raw);
    for (const c of ref?.columns ?? []) expect(c.shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const charges = ref?.columns.find((c) => c.column === 'TotalCharges');
    expect(charges?.kind).toBe('numeric');
    expect(charges?.shares.at(-1)).toBeGreaterThan(0); // its blanks, as their own bin
  });

  it('scoring the training data itself shows no drift', async () => {
    const m = await runScoringJob({ model, input: INPUT, out: out('same.csv') });
    expect(m.drift.checked).toBe(true);
    expect(m.drift.limit).toBe(0.25);
    expect(m.drift.allowed).toBe(false);
    expect(m.drift.features.length).toBe(19);
    expect(m.drift.max_psi).not.toBeNull();
    expect(m.drift.max_psi).toBeLessThan(0.05);
    expect(m.drift.warnings).toEqual([]);
    const psis = m.drift.features.map((f) => f.psi);
    expect(psis).toEqual([...psis].sort((a, b) => b - a));
    const written = JSON.parse(readFileSync(`${out('same.csv')}.manifest.json`, 'utf8')) as Manifest;
    expect(written.drift).toEqual(m.drift);
  });

  it('MonthlyCharges × 1.5: that feature alone is past the limit, and the score command refuses', async () => {
    const input = rewritten('charges-up.csv', 'MonthlyCharges', (v) => String(Number(v) * 1.5));
    const list = out('charges-up-list.csv');
    await expect(runScoringJob({ model, input, out: list })).rejects.toBeInstanceOf(DriftError);
    const { code, stderr } = await runCli('score', '--model', model, '--input', input, '--out', list);
    expect(code).toBe(1);
    expect(stderr).toBe(`churnscope: drift error (file ${input}, column "MonthlyCharges", key "drift_limit"): the input has drifted from the training data past the PSI limit 0.25: MonthlyCharges 2.640. Check this month's extract; to score anyway, rerun with --allow-drift (or raise --drift-limit).\n`);
    expect(existsSync(list)).toBe(false);
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('.tmp-'))).toEqual([]);

    const allowed = await runCli('score', '--model', model, '--input', input, '--out', list, '--allow-drift');
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain('warning: PSI above the limit 0.25, scored anyway (--allow-drift): MonthlyCharges 2.640');
    const m = JSON.parse(readFileSync(`${list}.manifest.json`, 'utf8')) as Manifest;
    expect(m.rows.listed).toBe(7043);
    expect(m.drift).toMatchObject({ checked: true, limit: 0.25, allowed: true });
    expect(m.drift.features[0]).toEqual({ feature: 'MonthlyCharges', psi: 2.640331 }); // 2.6403 by hand in Python from the saved bins
    expect(m.drift.max_psi).toBe(m.drift.features[0].psi);
    expect(above(m, 0.25)).toEqual(['MonthlyCharges']);
    expect(above(m, 0.05)).toEqual(['MonthlyCharges']);
    expect(m.drift.warnings).toHaveLength(2);

    // A limit above the shift lets it through with a warning only.
    const high = await runCli('score', '--model', model, '--input', input, '--out', out('high-limit.csv'), '--drift-limit', '5');
    expect(high.code).toBe(0);
    expect(high.stderr).toContain('warning: PSI above 0.1 (the input has shifted from the training data): MonthlyCharges 2.640\n');
    expect(high.stderr).not.toContain('allow-drift');
    expect((await runCli('score', '--model', model, '--input', input, '--out', out('x.csv'), '--drift-limit', '-1')).code).toBe(2);
  });

  it('every contract set to one level: Contract alone is past the limit', async () => {
    const input = rewritten('one-contract.csv', 'Contract', () => 'Month-to-month');
    const { code } = await runCli('score', '--model', model, '--input', input, '--out', out('one-contract-list.csv'), '--allow-drift');
    expect(code).toBe(0);
    const m = JSON.parse(readFileSync(`${out('one-contract-list.csv')}.manifest.json`, 'utf8')) as Manifest;
    expect(m.drift.features[0]).toEqual({ feature: 'Contract', psi: 3.75575 });
    expect(above(m, 0.25)).toEqual(['Contract']);
    expect(above(m, 0.05)).toEqual(['Contract']);
  });
});

describe('model format versions', () => {
  it('a version 1 file loads by migration and scores with drift "not checked"', async () => {
    const saved = JSON.parse(readFileSync(model, 'utf8')) as Record<string, unknown> & { scoring: Record<string, unknown> };
    const { drift_reference: _ref, ...rest } = saved;
    const { drift_limit: _limit, ...scoring } = saved.scoring;
    const old = tmp.write('v1.json', JSON.stringify({ ...rest, version: 1, scoring }));
    const loaded = await loadSavedModel(old);
    expect(loaded.saved.version).toBe(3);
    expect(loaded.saved.drift_reference).toBeNull();
    expect(loaded.saved.scoring.drift_limit).toBe(0.25);
    const { code, stderr } = await runCli('score', '--model', old, '--input', INPUT, '--out', out('v1-list.csv'));
    expect(code).toBe(0);
    expect(stderr).toContain('warning: drift not checked: the model file (format version 1) has no training reference distributions');
    const m = JSON.parse(readFileSync(`${out('v1-list.csv')}.manifest.json`, 'utf8')) as Manifest;
    expect(m.drift).toEqual({
      checked: false, limit: 0.25, allowed: false, max_psi: null, features: [],
      warnings: ['drift not checked: the model file (format version 1) has no training reference distributions; retrain it to enable the check'],
    });
    expect(readFileSync(out('v1-list.csv'), 'utf8')).toBe(readFileSync(out('same.csv'), 'utf8'));
  });

  it('a version 99 file fails with a clear message', async () => {
    const saved = JSON.parse(readFileSync(model, 'utf8')) as Record<string, unknown>;
    const future = tmp.write('v99.json', JSON.stringify({ ...saved, version: 99 }));
    await expect(loadSavedModel(future)).rejects.toThrow('model format version 99 is not supported by this churnscope (reads version 3)');
    const { code, stderr } = await runCli('score', '--model', future, '--input', INPUT, '--out', out('v99-list.csv'));
    expect(code).toBe(1);
    expect(stderr).toBe(`churnscope: model error (file ${future}): model format version 99 is not supported by this churnscope (reads version 3) Retrain the model with this version: churnscope train --config <file> --out <dir>.\n`);
    expect(existsSync(out('v99-list.csv'))).toBe(false);
  });
});
