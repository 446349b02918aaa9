/**
 * Careless and hostile command lines, run against the built CLI as a stranger would type them:
 * each case runs in its own copy of a small workspace (Telco, a run, a list, a panel, a folder of
 * the user's own files) and is judged
 *   good  the expected outcome (exit 0 with a valid output, or exit 1/2 with a one-paragraph
 *         message saying what is wrong), no stack trace, no file outside the output changed;
 *   weak  safe (nothing destroyed, no trace, the right kind of exit) but a vague message;
 *   fail  a file outside the output changed, a wrong exit, a stack trace or a wrong result.
 *
 *   npm run build && npx tsx scripts/careless.ts [--cli bin/churnscope.js] [--only name]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values } = parseArgs({ options: { cli: { type: 'string', default: 'bin/churnscope.js' }, only: { type: 'string' }, keep: { type: 'boolean', default: false } } });
const CLI = resolve(values.cli ?? 'bin/churnscope.js');
const DATA = resolve('data');
const PIPELINES = (name: string): string => resolve('pipelines', name);

interface Result { code: number; stderr: string }
function cli(cwd: string, args: string[]): Result {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? -1, stderr: r.stderr };
}

/** sha256 of every file under `root` (relative path -> hash); symlinks by their target. */
function snapshot(root: string, skip: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    const abs = join(root, rel);
    if (skip.has(rel)) return;
    const s = lstatSync(abs);
    if (s.isDirectory()) {
      out.set(`${rel}/`, 'dir');
      for (const n of readdirSync(abs)) walk(rel === '' ? n : `${rel}/${n}`);
    } else {
      out.set(rel, createHash('sha256').update(readFileSync(abs)).digest('hex'));
    }
  };
  walk('');
  return out;
}

function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k) && !/(^|\/)\.tmp-|\.scratch/.test(k)).map((k) => (after.has(k) ? (before.has(k) ? `changed ${k}` : `added ${k}`) : `removed ${k}`));
}

interface Case {
  name: string;
  args: string[];
  /** ok: exit 0; error: exit 1; usage: exit 2 (1 accepted as weak). */
  expect: 'ok' | 'error' | 'usage';
  /** For errors: what a clear message names. */
  says?: RegExp;
  /** Paths (relative to the workspace) the command may change: its output. */
  outputs?: string[];
  /** Runs before the command, in the workspace. */
  prepare?: (w: string) => void;
  /** After an expected success: why the result is wrong, or null. */
  check?: (w: string, r: Result) => string | null;
}

const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');
const json = <T>(f: string): T => JSON.parse(readFileSync(f, 'utf8')) as T;
const telco = readFileSync(join(DATA, 'ibm-telco-churn.csv'), 'utf8').trimEnd().split('\n');
const header = telco[0].split(',');
const col = (name: string): number => header.indexOf(name);
const editRow = (rows: string[], row: number, column: string, value: string): string[] => rows.map((l, i) => (i === row ? l.split(',').map((v, j) => (j === col(column) ? value : v)).join(',') : l));
const modelFile = (w: string): Record<string, unknown> => json<Record<string, unknown>>(join(w, 'run/models/logistic.json'));
const writeModel = (w: string, name: string, m: unknown): void => writeFileSync(join(w, name), JSON.stringify(m));

function workspace(): string {
  const w = mkdtempSync(join(tmpdir(), 'careless-base-'));
  writeFileSync(join(w, 'telco.csv'), `${telco.join('\n')}\n`);
  const config = { ...json<Record<string, unknown>>(join(DATA, 'ibm-telco-churn.config.json')), source: 'telco.csv', models: ['logistic', 'random_forest', 'cox'], model_params: { random_forest: { trees: 20 } } };
  writeFileSync(join(w, 'telco.json'), JSON.stringify(config));
  mkdirSync(join(w, 'important'));
  writeFileSync(join(w, 'important/notes.txt'), 'my own notes\n');
  writeFileSync(join(w, 'notes.csv'), 'a,b\n1,2\n');
  // tricky[1].csv is the first 1,000 customers, tricky1.csv (what a glob would pick) the next 500.
  writeFileSync(join(w, 'tricky[1].csv'), `${telco.slice(0, 1001).join('\n')}\n`);
  writeFileSync(join(w, 'tricky1.csv'), `${[telco[0], ...telco.slice(1001, 1501)].join('\n')}\n`);
  writeFileSync(join(w, 'tricky.json'), JSON.stringify({ ...config, source: 'tricky[1].csv', models: ['logistic'] }));
  const must = (args: string[]): void => {
    const r = cli(w, args);
    if (r.code !== 0) throw new Error(`setup failed: ${args.join(' ')}\n${r.stderr}`);
  };
  must(['train', '--config', 'telco.json', '--out', 'run']);
  must(['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', 'list.csv']);
  for (const i of [0, 1]) must(['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', `shard${i}.csv`, '--shard', `${i}/2`]);
  must(['score', '--model', 'run/models/random_forest.json', '--input', 'telco.csv', '--out', 'forest-shard1.csv', '--shard', '1/2']);
  must(['generate', '--customers', '300', '--months', '8', '--out', 'panel']);
  writeFileSync(join(w, 'panel.json'), JSON.stringify({ kind: 'panel', tables: { customers: 'panel/customers.csv', usage: 'panel/usage_monthly.csv', complaints: 'panel/complaints.csv' } }));
  execFileSync(process.execPath, ['--input-type=module', '-e', `
    import { DuckDBInstance } from '@duckdb/node-api';
    const i = await DuckDBInstance.create(':memory:'); const c = await i.connect();
    await c.run("COPY (SELECT customerID, Churn, tenure::INTEGER AS tenure, MonthlyCharges::DOUBLE AS MonthlyCharges, (Partner = 'Yes') AS partner, DATE '2024-01-01' + tenure::INTEGER AS since, MonthlyCharges::DECIMAL(8,2) AS charges_dec FROM read_csv('${join(w, 'telco.csv')}', all_varchar = true)) TO '${join(w, 'typed.parquet')}' (FORMAT parquet)");
  `], { cwd: resolve('.') });
  return w;
}

const tableConfig = (w: string, name: string, source: string, extra: Record<string, unknown> = {}): void => {
  writeFileSync(join(w, name), JSON.stringify({ source, id: 'customerID', target: { column: 'Churn', churned: 'Yes' }, duration: 'tenure', roles: { tenure: 'tenure', revenue: 'MonthlyCharges' }, models: ['logistic'], ...extra }));
};

const CASES: Case[] = [
  // Outputs that are not ours, or are inputs.
  { name: 'train --out <unrelated folder>', args: ['train', '--config', 'telco.json', '--out', 'important'], expect: 'error', says: /important/ },
  { name: 'train --out . (the current folder)', args: ['train', '--config', 'telco.json', '--out', '.'], expect: 'error', says: /folder|input/ },
  { name: 'train --out <the training CSV>', args: ['train', '--config', 'telco.json', '--out', 'telco.csv'], expect: 'error', says: /telco\.csv/ },
  { name: 'train --out <the config>', args: ['train', '--config', 'telco.json', '--out', 'telco.json'], expect: 'error', says: /telco\.json/ },
  { name: 'train --out <a previous run> (allowed)', args: ['train', '--config', 'telco.json', '--out', 'run'], expect: 'ok', outputs: ['run'], check: (w) => (existsSync(join(w, 'run/models/champion.json')) ? null : 'no champion') },
  { name: 'report --run R --out R', args: ['report', '--run', 'run', '--out', 'run'], expect: 'error', says: /run/ },
  { name: 'report --run R --out R/report (inside an input)', args: ['report', '--run', 'run', '--out', 'run/report'], expect: 'error', says: /run/ },
  { name: 'report --out <unrelated folder>', args: ['report', '--run', 'run', '--out', 'important'], expect: 'error', says: /important/ },
  { name: 'report --out <new folder> (allowed)', args: ['report', '--run', 'run', '--out', 'rep'], expect: 'ok', outputs: ['rep'], check: (w) => (existsSync(join(w, 'rep/report.html')) ? null : 'no report') },
  { name: 'score --input X --out X', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', 'telco.csv'], expect: 'error', says: /telco\.csv/ },
  { name: 'score --out <the model>', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', 'run/models/logistic.json'], expect: 'usage', says: /logistic\.json/ },
  { name: 'score --previous L --out L', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--previous', 'list.csv', '--out', 'list.csv'], expect: 'error', says: /list\.csv/ },
  { name: 'score --out <a CSV of the user>', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', 'notes.csv'], expect: 'error', says: /notes\.csv/ },
  { name: 'score --out <a folder>', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', 'important'], expect: 'usage', says: /important/ },
  { name: 'score --out <previous list> (allowed)', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', 'list.csv'], expect: 'ok', outputs: ['list.csv', 'list.csv.manifest.json'] },
  {
    name: 'score with a failing input keeps the previous list and manifest', args: ['score', '--model', 'run/models/logistic.json', '--input', 'bad.csv', '--out', 'list.csv'], expect: 'error', says: /bad\.csv/,
    prepare: (w) => writeFileSync(join(w, 'bad.csv'), `${[telco[0], telco[1], telco[1]].join('\n')}\n`),
  },
  {
    name: 'score with a failing --previous keeps the previous list and manifest', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--previous', 'prevdir', '--out', 'list.csv'], expect: 'error', says: /prevdir/,
    prepare: (w) => { mkdirSync(join(w, 'prevdir')); writeFileSync(join(w, 'prevdir', 'list.csv'), readFileSync(join(w, 'list.csv'))); },
  },
  { name: 'export --out <the model>', args: ['export', '--model', 'run/models/logistic.json', '--format', 'onnx', '--out', 'run/models/logistic.json'], expect: 'error', says: /logistic\.json/ },
  { name: 'generate --out <unrelated folder>', args: ['generate', '--customers', '50', '--months', '4', '--out', 'important'], expect: 'error', says: /important/ },
  { name: 'generate --out <previous panel> (allowed)', args: ['generate', '--customers', '50', '--months', '4', '--out', 'panel'], expect: 'ok', outputs: ['panel'] },
  { name: 'features --out <an input table>', args: ['features', '--config', 'panel.json', '--out', 'panel/customers.csv'], expect: 'error', says: /customers\.csv/ },
  { name: 'merge --out <one of its inputs>', args: ['merge', '--inputs', 'shard0.csv', 'shard1.csv', '--out', 'shard0.csv'], expect: 'error', says: /shard0\.csv/ },
  // Input paths are literal.
  {
    name: 'train on tricky[1].csv reads that file', args: ['train', '--config', 'tricky.json', '--out', 'trun'], expect: 'ok', outputs: ['trun'],
    check: (w) => { const rows = json<{ dataset: { rows: number } }>(join(w, 'trun/evaluation.json')).dataset.rows; return rows === 1000 ? null : `trained on ${rows} rows, not the 1,000 of tricky[1].csv`; },
  },
  {
    name: 'score tricky[1].csv: manifest describes that file', args: ['score', '--model', 'run/models/logistic.json', '--input', 'tricky[1].csv', '--out', 'tl.csv'], expect: 'ok', outputs: ['tl.csv', 'tl.csv.manifest.json'],
    check: (w) => { const m = json<{ rows: { read: number }; input: { sha256: string } }>(join(w, 'tl.csv.manifest.json')); return m.rows.read === 1000 && m.input.sha256 === sha(join(w, 'tricky[1].csv')) ? null : `read ${m.rows.read} rows; sha256 ${m.input.sha256 === sha(join(w, 'tricky[1].csv')) ? 'matches' : 'is not the file\'s'}`; },
  },
  { name: 'score --input "*.csv"', args: ['score', '--model', 'run/models/logistic.json', '--input', '*.csv', '--out', 'g.csv'], expect: 'error', says: /\*\.csv/ },
  { name: 'score --input <a folder>', args: ['score', '--model', 'run/models/logistic.json', '--input', 'important', '--out', 'g.csv'], expect: 'error', says: /important.*folder|folder.*important/ },
  { name: 'train with source = a folder', args: ['train', '--config', 'dir.json', '--out', 'drun'], expect: 'error', says: /folder/, prepare: (w) => tableConfig(w, 'dir.json', 'important') },
  { name: 'train with source = "*.csv"', args: ['train', '--config', 'glob.json', '--out', 'grun'], expect: 'error', says: /\*\.csv/, prepare: (w) => tableConfig(w, 'glob.json', '*.csv') },
  { name: 'score --input missing.csv', args: ['score', '--model', 'run/models/logistic.json', '--input', 'missing.csv', '--out', 'g.csv'], expect: 'error', says: /missing\.csv/ },
  { name: 'score --model missing.json', args: ['score', '--model', 'missing.json', '--input', 'telco.csv', '--out', 'g.csv'], expect: 'error', says: /missing\.json/ },
  // generate validates its numbers.
  { name: 'generate --customers abc', args: ['generate', '--customers', 'abc', '--out', 'gen'], expect: 'usage', says: /customers/ },
  { name: 'generate --customers -5', args: ['generate', '--customers', '-5', '--out', 'gen'], expect: 'usage', says: /customers/ },
  { name: 'generate --customers 0', args: ['generate', '--customers', '0', '--out', 'gen'], expect: 'usage', says: /customers/ },
  { name: 'generate --customers 1e12', args: ['generate', '--customers', '1e12', '--out', 'gen'], expect: 'usage', says: /customers/ },
  { name: 'generate --months 0', args: ['generate', '--customers', '10', '--months', '0', '--out', 'gen'], expect: 'usage', says: /months/ },
  { name: 'generate --seed abc', args: ['generate', '--customers', '10', '--seed', 'abc', '--out', 'gen'], expect: 'usage', says: /seed/ },
  // merge checks its inputs.
  { name: 'merge lists of two models', args: ['merge', '--inputs', 'shard0.csv', 'forest-shard1.csv', '--out', 'm.csv'], expect: 'error', says: /model/ },
  { name: 'merge with a shard missing', args: ['merge', '--inputs', 'shard0.csv', '--out', 'm.csv'], expect: 'error', says: /shard/ },
  { name: 'merge the same shard twice', args: ['merge', '--inputs', 'shard0.csv', 'shard0.csv', '--out', 'm.csv'], expect: 'error', says: /shard0\.csv|twice|more than once/ },
  { name: 'merge an unsharded list with a shard', args: ['merge', '--inputs', 'list.csv', 'shard1.csv', '--out', 'm.csv'], expect: 'error', says: /shard/ },
  { name: 'merge the shards (allowed)', args: ['merge', '--inputs', 'shard0.csv', 'shard1.csv', '--out', 'm.csv'], expect: 'ok', outputs: ['m.csv', 'm.csv.manifest.json'] },
  // Values read the same way.
  {
    name: 'score text in a numeric column: row rejected and counted', args: ['score', '--model', 'run/models/logistic.json', '--input', 'text.csv', '--out', 't.csv'], expect: 'ok', outputs: ['t.csv', 't.csv.manifest.json'],
    prepare: (w) => writeFileSync(join(w, 'text.csv'), `${editRow(telco, 5, 'MonthlyCharges', 'abc').join('\n')}\n`),
    check: (w) => { const m = json<{ rows: { rejected: number } }>(join(w, 't.csv.manifest.json')); return m.rows.rejected === 1 ? null : `${m.rows.rejected} rows rejected, expected 1`; },
  },
  { name: 'train on a file with NA cells', args: ['train', '--config', 'na.json', '--out', 'narun'], expect: 'ok', outputs: ['narun'], prepare: (w) => { writeFileSync(join(w, 'na.csv'), `${telco.map((l) => l.replaceAll(', ,', ',NA,')).join('\n')}\n`); tableConfig(w, 'na.json', 'na.csv'); } },
  { name: 'train on Parquet with BOOLEAN, DATE and DECIMAL columns', args: ['train', '--config', 'typed.json', '--out', 'prun'], expect: 'error', says: /since/, prepare: (w) => tableConfig(w, 'typed.json', 'typed.parquet') },
  { name: 'train on Parquet with BOOLEAN and DECIMAL columns', args: ['train', '--config', 'typed2.json', '--out', 'prun'], expect: 'ok', outputs: ['prun'], prepare: (w) => tableConfig(w, 'typed2.json', 'typed.parquet', { drop: ['since'] }) },
  // Model files validated on load.
  { name: 'model with a cut feature list', args: ['score', '--model', 'cut.json', '--input', 'telco.csv', '--out', 'c.csv'], expect: 'error', says: /corrupt/, prepare: (w) => { const m = modelFile(w); writeModel(w, 'cut.json', { ...m, features: (m.features as string[]).slice(0, 3) }); } },
  { name: 'model with a swapped kind', args: ['score', '--model', 'kind.json', '--input', 'telco.csv', '--out', 'c.csv'], expect: 'error', says: /corrupt/, prepare: (w) => { const m = modelFile(w); writeModel(w, 'kind.json', { ...m, kind: 'random_forest', model: { ...(m.model as object), kind: 'random_forest' } }); } },
  { name: 'model with an empty encoder', args: ['score', '--model', 'enc.json', '--input', 'telco.csv', '--out', 'c.csv'], expect: 'error', says: /corrupt/, prepare: (w) => writeModel(w, 'enc.json', { ...modelFile(w), encoder: {} }) },
  { name: 'model with coefficients as strings', args: ['score', '--model', 'str.json', '--input', 'telco.csv', '--out', 'c.csv'], expect: 'error', says: /corrupt/, prepare: (w) => { const m = modelFile(w); const s = m.model as { coef: number[] }; writeModel(w, 'str.json', { ...m, model: { ...s, coef: s.coef.map(String) } }); } },
  { name: 'model file truncated', args: ['score', '--model', 'trunc.json', '--input', 'telco.csv', '--out', 'c.csv'], expect: 'error', says: /trunc\.json/, prepare: (w) => writeFileSync(join(w, 'trunc.json'), readFileSync(join(w, 'run/models/logistic.json'), 'utf8').slice(0, 500)) },
  { name: 'config trees: "many"', args: ['train', '--config', 'many.json', '--out', 'mrun'], expect: 'error', says: /trees/, prepare: (w) => tableConfig(w, 'many.json', 'telco.csv', { models: ['random_forest'], model_params: { random_forest: { trees: 'many' } } }) },
  // Options validated before work starts.
  { name: 'score --memory-limit lots', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', 'o.csv', '--memory-limit', 'lots'], expect: 'usage', says: /memory-limit/ },
  { name: 'score --top abc', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', 'o.csv', '--top', 'abc'], expect: 'usage', says: /top/ },
  { name: 'score --batch-size 0', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', 'o.csv', '--batch-size', '0'], expect: 'usage', says: /batch-size/ },
  { name: 'score --segment on an input without one', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', 'o.csv', '--segment', 'gold'], expect: 'error', says: /segment/ },
  { name: 'score --out o.xlsx', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', 'o.xlsx'], expect: 'usage', says: /xlsx/ },
  { name: 'report --top-n abc', args: ['report', '--run', 'run', '--out', 'r2', '--top-n', 'abc'], expect: 'usage', says: /top-n/ },
  { name: 'report --success-rate 1.5', args: ['report', '--run', 'run', '--out', 'r2', '--success-rate', '1.5'], expect: 'usage', says: /success-rate/ },
  { name: 'report --offer-cost -1', args: ['report', '--run', 'run', '--out', 'r2', '--offer-cost', '-1'], expect: 'usage', says: /offer-cost/ },
  { name: 'report --run <not a run>', args: ['report', '--run', 'important', '--out', 'r2'], expect: 'error', says: /important/ },
  { name: 'train --seed abc', args: ['train', '--config', 'telco.json', '--out', 'srun', '--seed', 'abc'], expect: 'usage', says: /seed/ },
  { name: 'features --month 2024-13', args: ['features', '--config', 'panel.json', '--month', '2024-13', '--out', 'f.csv'], expect: 'usage', says: /month/ },
  { name: 'features --month outside the data', args: ['features', '--config', 'panel.json', '--month', '2019-01', '--out', 'f.csv'], expect: 'error', says: /2019-01/ },
  { name: 'export --model <a run folder>', args: ['export', '--model', 'run', '--format', 'onnx', '--out', 'x.onnx'], expect: 'error', says: /run/ },
  // Filesystem errors.
  { name: 'score --out under /proc (cannot write)', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', '/proc/churnscope.csv'], expect: 'error', says: /\/proc/ },
  { name: 'train --out /dev/null', args: ['train', '--config', 'telco.json', '--out', '/dev/null'], expect: 'error', says: /\/dev\/null/ },
  { name: 'train --config <a folder>', args: ['train', '--config', 'important', '--out', 'x'], expect: 'error', says: /important/ },
  // Degenerate data.
  { name: 'train on a 2-row table', args: ['train', '--config', 'two.json', '--out', 'two'], expect: 'error', says: /rows|test/, prepare: (w) => { writeFileSync(join(w, 'two.csv'), `${[telco[0], telco[1], telco[3]].join('\n')}\n`); tableConfig(w, 'two.json', 'two.csv'); } },
  { name: 'train with a negative duration', args: ['train', '--config', 'neg.json', '--out', 'neg'], expect: 'error', says: /tenure/, prepare: (w) => { writeFileSync(join(w, 'neg.csv'), `${editRow(telco, 7, 'tenure', '-3').join('\n')}\n`); tableConfig(w, 'neg.json', 'neg.csv', { models: ['cox'] }); } },
  { name: 'train with an infinite duration', args: ['train', '--config', 'inf.json', '--out', 'inf'], expect: 'error', says: /tenure/, prepare: (w) => { writeFileSync(join(w, 'inf.csv'), `${editRow(telco, 7, 'tenure', 'inf').join('\n')}\n`); tableConfig(w, 'inf.json', 'inf.csv', { models: ['cox'] }); } },
  { name: 'train with one class only', args: ['train', '--config', 'one.json', '--out', 'one'], expect: 'error', says: /churned value|churners/, prepare: (w) => { writeFileSync(join(w, 'one.csv'), `${telco.filter((l, i) => i === 0 || l.endsWith(',Yes')).join('\n')}\n`); tableConfig(w, 'one.json', 'one.csv'); } },
  // Spreadsheet-safe lists, escaped Markdown.
  {
    name: 'score --spreadsheet-safe', args: ['score', '--model', 'run/models/logistic.json', '--input', 'formula.csv', '--out', 'f.csv', '--spreadsheet-safe'], expect: 'ok', outputs: ['f.csv', 'f.csv.manifest.json'],
    prepare: (w) => writeFileSync(join(w, 'formula.csv'), `${telco.map((l, i) => (i === 1 ? l.replace(/^[^,]+/, '=HYPERLINK("x")') : l)).join('\n')}\n`),
    check: (w) => (readFileSync(join(w, 'f.csv'), 'utf8').includes(',\'=HYPERLINK') || readFileSync(join(w, 'f.csv'), 'utf8').includes(',"\'=HYPERLINK') ? null : 'the formula cell is not neutralised'),
  },
  // Spoilt training files: a clear error naming file, row and column, or a run where the file is fine.
  { name: 'train on an empty file (0 bytes)', args: ['train', '--config', 'empty.json', '--out', 'x'], expect: 'error', says: /empty\.csv.*empty|empty.*empty\.csv/, prepare: (w) => { writeFileSync(join(w, 'empty.csv'), ''); tableConfig(w, 'empty.json', 'empty.csv'); } },
  { name: 'train on a header without rows', args: ['train', '--config', 'head.json', '--out', 'x'], expect: 'error', says: /head\.csv/, prepare: (w) => { writeFileSync(join(w, 'head.csv'), `${telco[0]}\n`); tableConfig(w, 'head.json', 'head.csv'); } },
  { name: 'train on a file cut mid-row', args: ['train', '--config', 'cut.json', '--out', 'x'], expect: 'error', says: /cut\.csv.*(row|line)/, prepare: (w) => { const t = telco.join('\n'); writeFileSync(join(w, 'cut.csv'), t.slice(0, t.length - 60)); tableConfig(w, 'cut.json', 'cut.csv'); } },
  { name: 'train with a duplicate id', args: ['train', '--config', 'dup.json', '--out', 'x'], expect: 'error', says: /7590-VHVEG/, prepare: (w) => { writeFileSync(join(w, 'dup.csv'), `${[...telco, telco[1]].join('\n')}\n`); tableConfig(w, 'dup.json', 'dup.csv'); } },
  { name: 'train with the target column missing', args: ['train', '--config', 'notarget.json', '--out', 'x'], expect: 'error', says: /Churned?/, prepare: (w) => tableConfig(w, 'notarget.json', 'telco.csv', { target: { column: 'Churned', churned: 'Yes' } }) },
  { name: 'train with the id column missing', args: ['train', '--config', 'noid.json', '--out', 'x'], expect: 'error', says: /CustomerId/, prepare: (w) => tableConfig(w, 'noid.json', 'telco.csv', { id: 'CustomerId' }) },
  { name: 'train with text in a numeric column', args: ['train', '--config', 'txt.json', '--out', 'x'], expect: 'error', says: /MonthlyCharges/, prepare: (w) => { writeFileSync(join(w, 'txt.csv'), `${editRow(telco, 9, 'MonthlyCharges', 'twenty').join('\n')}\n`); tableConfig(w, 'txt.json', 'txt.csv'); } },
  { name: 'train on a file with NaN and NULL cells', args: ['train', '--config', 'nan.json', '--out', 'nrun'], expect: 'ok', outputs: ['nrun'], prepare: (w) => { writeFileSync(join(w, 'nan.csv'), `${editRow(editRow(telco, 9, 'MonthlyCharges', 'NaN'), 10, 'TotalCharges', 'NULL').join('\n')}\n`); tableConfig(w, 'nan.json', 'nan.csv'); } },
  {
    name: 'train with tenure in days', args: ['train', '--config', 'days.json', '--out', 'drun'], expect: 'ok', outputs: ['drun'],
    prepare: (w) => { writeFileSync(join(w, 'days.csv'), `${telco.map((l, i) => (i === 0 ? l : l.split(',').map((v, j) => (j === col('tenure') ? String(Number(v) * 30) : v)).join(','))).join('\n')}\n`); tableConfig(w, 'days.json', 'days.csv', { duration_unit: 'days' }); },
  },
  { name: 'train without a revenue column', args: ['train', '--config', 'norev.json', '--out', 'rrun'], expect: 'ok', outputs: ['rrun'], prepare: (w) => tableConfig(w, 'norev.json', 'telco.csv', { roles: { tenure: 'tenure' }, drop: ['MonthlyCharges', 'TotalCharges'] }) },
  {
    name: 'train on a CSV with a byte-order mark and CRLF lines', args: ['train', '--config', 'bom.json', '--out', 'brun'], expect: 'ok', outputs: ['brun'],
    prepare: (w) => { writeFileSync(join(w, 'bom.csv'), `\uFEFF${telco.join('\r\n')}\r\n`); tableConfig(w, 'bom.json', 'bom.csv'); },
    check: (w) => { const rows = json<{ dataset: { rows: number } }>(join(w, 'brun/evaluation.json')).dataset.rows; return rows === telco.length - 1 ? null : `trained on ${rows} rows`; },
  },
  { name: 'train on a gzipped CSV', args: ['train', '--config', 'gz.json', '--out', 'zrun'], expect: 'ok', outputs: ['zrun'], prepare: (w) => { writeFileSync(join(w, 'telco.csv.gz'), gzipSync(readFileSync(join(w, 'telco.csv')))); tableConfig(w, 'gz.json', 'telco.csv.gz'); } },
  // Spoilt configs.
  { name: 'config with a misspelt key', args: ['train', '--config', 'typo.json', '--out', 'x'], expect: 'error', says: /modles/, prepare: (w) => { tableConfig(w, 'typo.json', 'telco.csv'); const c = json<Record<string, unknown>>(join(w, 'typo.json')); writeFileSync(join(w, 'typo.json'), JSON.stringify({ ...c, modles: ['logistic'] })); } },
  { name: 'config that is not valid JSON', args: ['train', '--config', 'broken.json', '--out', 'x'], expect: 'error', says: /broken\.json/, prepare: (w) => writeFileSync(join(w, 'broken.json'), '{"source": "telco.csv", "id": ') },
  { name: 'config naming a missing data file', args: ['train', '--config', 'gone.json', '--out', 'x'], expect: 'error', says: /gone\.csv/, prepare: (w) => tableConfig(w, 'gone.json', 'gone.csv') },
  { name: 'config with an unknown model', args: ['train', '--config', 'xgb.json', '--out', 'x'], expect: 'error', says: /xgboost/, prepare: (w) => tableConfig(w, 'xgb.json', 'telco.csv', { models: ['xgboost'] }) },
  { name: 'config with an unknown model parameter', args: ['train', '--config', 'mp.json', '--out', 'x'], expect: 'error', says: /maxdepth/, prepare: (w) => tableConfig(w, 'mp.json', 'telco.csv', { models: ['random_forest'], model_params: { random_forest: { maxdepth: 3 } } }) },
  // Scoring inputs and options.
  { name: 'score an input without a column the model needs', args: ['score', '--model', 'run/models/logistic.json', '--input', 'nocol.csv', '--out', 'o.csv'], expect: 'error', says: /Contract/, prepare: (w) => writeFileSync(join(w, 'nocol.csv'), `${telco.map((l) => l.split(',').filter((_, j) => j !== col('Contract')).join(',')).join('\n')}\n`) },
  { name: 'score an empty file (0 bytes)', args: ['score', '--model', 'run/models/logistic.json', '--input', 'empty.csv', '--out', 'o.csv'], expect: 'error', says: /empty\.csv/, prepare: (w) => writeFileSync(join(w, 'empty.csv'), '') },
  { name: 'score --model <a CSV>', args: ['score', '--model', 'notes.csv', '--input', 'telco.csv', '--out', 'o.csv'], expect: 'error', says: /notes\.csv/ },
  { name: 'score --model <the run\'s evaluation.json>', args: ['score', '--model', 'run/evaluation.json', '--input', 'telco.csv', '--out', 'o.csv'], expect: 'error', says: /evaluation\.json/ },
  { name: 'score --previous <not a list>', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--previous', 'notes.csv', '--out', 'o.csv'], expect: 'error', says: /notes\.csv/ },
  { name: 'score --shard 3/2', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', 'o.csv', '--shard', '3/2'], expect: 'usage', says: /shard/ },
  { name: 'score --shard abc', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', 'o.csv', '--shard', 'abc'], expect: 'usage', says: /shard/ },
  { name: 'score --workers -1', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', 'o.csv', '--workers', '-1'], expect: 'usage', says: /workers/ },
  { name: 'score --rank-by bogus', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', 'o.csv', '--rank-by', 'bogus'], expect: 'usage', says: /rank-by/ },
  { name: 'score --tier bogus', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', 'o.csv', '--tier', 'bogus'], expect: 'usage', says: /tier/ },
  { name: 'score --drift-limit -1', args: ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', 'o.csv', '--drift-limit', '-1'], expect: 'usage', says: /drift-limit/ },
  // Reports, merges, exports, panels and init.
  { name: 'report --list <not a list>', args: ['report', '--run', 'run', '--out', 'r3', '--list', 'notes.csv'], expect: 'error', says: /notes\.csv/ },
  { name: 'report --run <missing folder>', args: ['report', '--run', 'norun', '--out', 'r3'], expect: 'error', says: /norun/ },
  { name: 'merge --inputs <a user\'s CSV>', args: ['merge', '--inputs', 'shard0.csv', 'notes.csv', '--out', 'm.csv'], expect: 'error', says: /notes\.csv/ },
  {
    name: 'merge lists cut with --top', args: ['merge', '--inputs', 'top0.csv', 'top1.csv', '--out', 'm.csv'], expect: 'error', says: /top/,
    prepare: (w) => { for (const i of [0, 1]) cli(w, ['score', '--model', 'run/models/logistic.json', '--input', 'telco.csv', '--out', `top${i}.csv`, '--shard', `${i}/2`, '--top', '10']); },
  },
  { name: 'merge --out m.arrow', args: ['merge', '--inputs', 'shard0.csv', 'shard1.csv', '--out', 'm.arrow'], expect: 'usage', says: /arrow|Arrow/ },
  { name: 'export --format pdf', args: ['export', '--model', 'run/models/logistic.json', '--format', 'pdf', '--out', 'x.pdf'], expect: 'usage', says: /format/ },
  { name: 'export a corrupt model', args: ['export', '--model', 'enc.json', '--format', 'onnx', '--out', 'x.onnx'], expect: 'error', says: /corrupt/, prepare: (w) => writeModel(w, 'enc.json', { ...modelFile(w), encoder: {} }) },
  { name: 'generate --months 241', args: ['generate', '--customers', '10', '--months', '241', '--out', 'gen'], expect: 'usage', says: /months/ },
  { name: 'generate --out <a CSV of the user>', args: ['generate', '--customers', '10', '--months', '2', '--out', 'notes.csv'], expect: 'error', says: /notes\.csv/ },
  { name: 'features --out <its config>', args: ['features', '--config', 'panel.json', '--out', 'panel.json'], expect: 'error', says: /panel\.json/ },
  { name: 'init --data missing.csv', args: ['init', '--data', 'missing.csv', '--out', 'c.yaml'], expect: 'error', says: /missing\.csv/ },
  { name: 'init --out <its data>', args: ['init', '--data', 'telco.csv', '--out', 'telco.csv'], expect: 'error', says: /telco\.csv/ },
  { name: 'init --out <a config of the user>', args: ['init', '--data', 'telco.csv', '--out', 'mine.yaml'], expect: 'error', says: /mine\.yaml/, prepare: (w) => writeFileSync(join(w, 'mine.yaml'), 'source: telco.csv # my own, edited by hand\n') },
  { name: 'init on tricky[1].csv reads that file', args: ['init', '--data', 'tricky[1].csv'], expect: 'ok', check: (_w, r) => (r.stderr.includes('1,000 rows read') ? null : `profiled another file: ${r.stderr.split('\n').find((l) => l.includes('rows read')) ?? r.stderr.slice(0, 120)}`) },
  { name: 'init --data <a folder>', args: ['init', '--data', 'important'], expect: 'error', says: /important.*folder|folder.*important/ },
  { name: 'init --data "*.csv"', args: ['init', '--data', '*.csv'], expect: 'error', says: /\*\.csv/ },
  { name: 'init --sample abc', args: ['init', '--data', 'telco.csv', '--sample', 'abc'], expect: 'usage', says: /sample/ },
  // Pipelines.
  {
    name: 'run a pipeline --out <a folder of the user>', args: ['run', PIPELINES('retrain.yaml'), '--config', 'telco.json', '--data', 'telco.csv', '--out', 'important'], expect: 'ok', outputs: ['important'],
    check: (w) => (readFileSync(join(w, 'important/notes.txt'), 'utf8') === 'my own notes\n' && readdirSync(join(w, 'important')).length <= 4 ? null : `the user's folder now holds ${readdirSync(join(w, 'important')).join(', ')}`),
  },
  { name: 'run a missing pipeline file', args: ['run', 'nopipe.yaml', '--out', 'pr'], expect: 'error', says: /nopipe\.yaml/ },
  { name: 'run a pipeline without one of its parameters', args: ['run', PIPELINES('retrain.yaml'), '--config', 'telco.json', '--out', 'pr'], expect: 'usage', says: /data/ },
];

function judge(c: Case, w: string, before: Map<string, string>, r: Result): { verdict: 'good' | 'weak' | 'fail'; why: string } {
  const skip = new Set(c.expect === 'ok' ? (c.outputs ?? []) : []);
  const after = snapshot(w, skip);
  const diff = changed(before, after).filter((d) => !(c.outputs ?? []).some((o) => c.expect === 'ok' && d.split(' ')[1].startsWith(o)));
  const trace = /\n\s+at .+:\d+:\d+\)?/.test(r.stderr) || r.stderr.includes('unexpected error');
  const firstLine = r.stderr.trim().split('\n').filter((l) => l.startsWith('churnscope:') || l.startsWith('error:')).join(' | ').slice(0, 160);
  if (diff.length > 0) return { verdict: 'fail', why: `files outside the output changed: ${diff.slice(0, 3).join(', ')}` };
  if (trace) return { verdict: 'fail', why: `stack trace: ${firstLine}` };
  if (c.expect === 'ok') {
    if (r.code !== 0) return { verdict: 'fail', why: `exit ${r.code}: ${firstLine}` };
    const bad = c.check?.(w, r) ?? null;
    return bad === null ? { verdict: 'good', why: 'ok' } : { verdict: 'fail', why: bad };
  }
  if (r.code === 0) return { verdict: 'fail', why: 'exit 0' };
  const wanted = c.expect === 'usage' ? 2 : 1;
  if (r.code !== wanted && !(c.expect === 'error' && r.code === 2)) return { verdict: 'weak', why: `exit ${r.code} (expected ${wanted}): ${firstLine}` };
  if (c.says !== undefined && !c.says.test(r.stderr)) return { verdict: 'weak', why: `vague: ${firstLine}` };
  return { verdict: 'good', why: firstLine };
}

const base = workspace();
const counts = { good: 0, weak: 0, fail: 0 };
const rows: string[] = [];
for (const c of CASES) {
  if (values.only !== undefined && !c.name.includes(values.only)) continue;
  const w = mkdtempSync(join(tmpdir(), 'careless-case-'));
  cpSync(base, w, { recursive: true });
  c.prepare?.(w);
  const before = snapshot(w, new Set());
  const r = cli(w, c.args);
  const { verdict, why } = judge(c, w, before, r);
  counts[verdict]++;
  rows.push(`| ${verdict} | ${c.name} | ${why.replaceAll('|', '\\|').replaceAll('\n', ' ')} |`);
  process.stderr.write(`${verdict.padEnd(4)} ${c.name}: ${why}\n`);
  if (values.keep !== true) rmSync(w, { recursive: true, force: true });
}
rmSync(base, { recursive: true, force: true });
process.stdout.write(`| verdict | case | outcome |\n|---|---|---|\n${rows.join('\n')}\n\n${counts.good} good, ${counts.weak} weak, ${counts.fail} failing of ${counts.good + counts.weak + counts.fail}\n`);
