/**
 * Property tests (fast-check): careless command lines and malformed inputs, generated. For each:
 * exit 0 with the output written, or exit 1 or 2 with a one-paragraph message; never a stack
 * trace; no file outside the output changed (every file's sha256 before and after). Run counts
 * are kept small so the suite stays fast; a failure prints the shrunk command line.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { trainTelcoLogistic } from '../helpers/telco-model.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const w = (...p: string[]): string => join(tmp.dir, ...p);
const telco = readFileSync(resolve('data/ibm-telco-churn.csv'), 'utf8').trimEnd().split('\n').slice(0, 601);

/** sha256 of every file under the workspace, by relative path, except under `skip` (the output). */
function tree(skip: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    if (skip.some((s) => rel === s || rel.startsWith(`${s}/`) || rel.startsWith(`${s}.`))) return;
    const abs = join(tmp.dir, rel);
    if (lstatSync(abs).isDirectory()) {
      out.set(`${rel}/`, 'dir');
      for (const n of readdirSync(abs)) walk(rel === '' ? n : `${rel}/${n}`);
    } else if (!rel.split('/').pop()?.startsWith('.tmp-')) {
      out.set(rel, createHash('sha256').update(readFileSync(abs)).digest('hex'));
    }
  };
  walk('');
  return out;
}

/** One paragraph, no trace: what a user may be shown on failure. */
function expectOneParagraph(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at .+:\d+/);
  expect(stderr).not.toContain('unexpected error');
  const message = stderr.split('\n').filter((l) => /^(churnscope: |error: )/.test(l));
  expect(message.length).toBe(1);
}

beforeAll(async () => {
  writeFileSync(w('in.csv'), `${telco.join('\n')}\n`);
  writeFileSync(w('tricky[1].csv'), `${telco.slice(0, 300).join('\n')}\n`);
  mkdirSync(w('mine'));
  writeFileSync(w('mine', 'notes.txt'), 'my notes\n');
  writeFileSync(w('notes.csv'), 'a,b\n1,2\n');
  writeFileSync(w('cfg.json'), JSON.stringify({ source: 'in.csv', id: 'customerID', target: { column: 'Churn', churned: 'Yes' }, roles: { revenue: 'MonthlyCharges' }, models: ['logistic'] }));
  await trainTelcoLogistic(w('in.csv'), w('run'));
  expect((await runCli('score', '--model', w('run', 'models', 'logistic.json'), '--input', w('in.csv'), '--out', w('list.csv'))).code).toBe(0);
});

// Paths a careless user types: inputs, outputs of ours, their own files, folders, patterns.
const PATHS = ['in.csv', 'tricky[1].csv', '*.csv', 'mine', 'notes.csv', '.', 'run', 'run/models/logistic.json', 'list.csv', 'list.csv.manifest.json', 'cfg.json', 'missing.csv', 'new-out', 'new.csv', 'new.parquet', 'new.xlsx'];
const path = fc.constantFrom(...PATHS).map((p) => (p === '.' ? tmp.dir : w(p)));
const value = fc.constantFrom('abc', '-5', '0', '1', '3', '1e12', '', '0.5', '1.5', 'lots', '2024-13', '2025-03', '1/2', '2/2', 'NaN', '1GB');

const commandLine = fc.oneof(
  fc.tuple(path, path, path, fc.array(fc.tuple(fc.constantFrom('--top', '--batch-size', '--workers', '--memory-limit', '--drift-limit', '--shard', '--segment', '--tier', '--rank-by'), value), { maxLength: 2 }), fc.boolean())
    .map(([model, input, out, opts, safe]) => ({ out, args: ['score', '--model', model, '--input', input, '--out', out, ...opts.flat(), ...(safe ? ['--spreadsheet-safe'] : [])] })),
  fc.tuple(path, path, fc.array(fc.tuple(fc.constantFrom('--top-n', '--offer-cost', '--success-rate'), value), { maxLength: 2 }))
    .map(([run, out, opts]) => ({ out, args: ['report', '--run', run, '--out', out, ...opts.flat()] })),
  fc.tuple(path, path, fc.option(value, { nil: undefined }))
    .map(([config, out, seed]) => ({ out, args: ['train', '--config', config, '--out', out, ...(seed === undefined ? [] : ['--seed', seed])] })),
  fc.tuple(fc.constantFrom('abc', '-5', '0', '1e12', '7', '20'), fc.constantFrom('0', '1', '3', 'x'), path)
    .map(([customers, months, out]) => ({ out, args: ['generate', '--customers', customers, '--months', months, '--out', out] })),
  fc.tuple(fc.array(path, { minLength: 1, maxLength: 2 }), path).map(([inputs, out]) => ({ out, args: ['merge', '--inputs', ...inputs, '--out', out] })),
  fc.tuple(path, path).map(([model, out]) => ({ out, args: ['export', '--model', model, '--format', 'onnx', '--out', out] })),
);

describe('careless command lines (property)', () => {
  it('exit 0 with the output, or 1/2 with one paragraph; nothing outside the output changes', async () => {
    const seen = new Set<number>();
    await fc.assert(fc.asyncProperty(commandLine, async ({ out, args }) => {
      const rel = out === tmp.dir ? '' : out.slice(tmp.dir.length + 1);
      const before = tree([rel]);
      const { code, stderr } = await runCli(...args);
      seen.add(code);
      expect([0, 1, 2]).toContain(code);
      if (code === 0) expect(existsSync(out)).toBe(true);
      else expectOneParagraph(stderr);
      expect(tree([rel])).toEqual(before);
      // Outputs of this run are not the next run's inputs.
      for (const n of ['new-out', 'new.csv', 'new.parquet']) rmSync(w(n), { recursive: true, force: true });
      for (const n of ['new.csv.manifest.json', 'new.parquet.manifest.json']) rmSync(w(n), { force: true });
    }), { numRuns: 60, seed: 12 });
    expect([...seen].sort()).toEqual([0, 1, 2]); // the generated lines reach successes, refusals and usage errors
  });
});

/** A cell, a line or the file cut or spoiled the way real exports are. */
const spoil = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 0, max: 20 }), fc.constantFrom('', 'NA', 'abc', '-1', 'inf', '1e400', '"', '=1+1', ' ', 'NULL', '?', '٣'))
    .map(([row, col, cell]) => (rows: string[]) => rows.map((l, i) => (i === row ? l.split(',').map((v, j) => (j === col ? cell : v)).join(',') : l))),
  fc.integer({ min: 1, max: 600 }).map((row) => (rows: string[]) => rows.map((l, i) => (i === row ? l.slice(0, l.length >> 1) : l))),
  fc.integer({ min: 1, max: 600 }).map((row) => (rows: string[]) => [...rows, rows[row]]),
  fc.constant((rows: string[]) => rows.slice(0, 1)),
  fc.constant((rows: string[]) => [rows[0].replace('customerID', 'id'), ...rows.slice(1)]),
);

describe('malformed inputs (property)', () => {
  it('score lists what it can read and rejects or refuses the rest, never a trace', async () => {
    await fc.assert(fc.asyncProperty(fc.array(spoil, { minLength: 1, maxLength: 3 }), async (spoils) => {
      const rows = spoils.reduce((r, f) => f(r), telco);
      writeFileSync(w('spoilt.csv'), `${rows.join('\n')}\n`);
      const out = w('spoilt-list.csv');
      const { code, stderr } = await runCli('score', '--model', w('run', 'models', 'logistic.json'), '--input', w('spoilt.csv'), '--out', out, '--allow-drift');
      if (code === 0) {
        const m = JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8'));
        expect(m.rows.scored).toBe(m.rows.read);
        expect(m.rows.listed).toBe(m.rows.read - m.rows.rejected);
        expect(readFileSync(out, 'utf8').trimEnd().split('\n').length).toBe(m.rows.listed + 1);
      } else {
        expect(code).toBe(1);
        expectOneParagraph(stderr);
      }
    }), { numRuns: 25, seed: 7 });
  });
});
