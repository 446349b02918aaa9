/**
 * Careless command lines and degenerate data: every option is checked before work starts (usage
 * error, exit 2, naming the option), a file-system failure is one line naming the path, data that
 * cannot be fitted or measured is refused with the reason, CSV lists can be made spreadsheet-safe
 * and the Markdown report escapes HTML.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { trainTelcoLogistic } from '../helpers/telco-model.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const at = (...p: string[]): string => join(tmp.dir, ...p);
const TELCO = resolve('data/ibm-telco-churn.csv');
const telco = readFileSync(TELCO, 'utf8').trimEnd().split('\n');
const header = telco[0].split(',');
const model = at('run', 'models', 'logistic.json');
const edit = (rows: string[], row: number, column: string, value: string): string[] =>
  rows.map((l, i) => (i === row ? l.split(',').map((v, j) => (j === header.indexOf(column) ? value : v)).join(',') : l));
const config = (name: string, source: string, extra: Record<string, unknown> = {}): string =>
  tmp.write(name, JSON.stringify({ source, id: 'customerID', target: { column: 'Churn', churned: 'Yes' }, duration: 'tenure', roles: { tenure: 'tenure', revenue: 'MonthlyCharges' }, models: ['logistic'], ...extra }));

beforeAll(async () => {
  await trainTelcoLogistic(TELCO, at('run'));
});

describe('options are checked before any work', () => {
  it('refuses numbers, sizes, months, rates and costs it cannot honour, naming the option (exit 2, nothing written)', async () => {
    const score = ['score', '--model', model, '--input', TELCO, '--out', at('o.csv')];
    const cases: [string[], string][] = [
      [[...score, '--memory-limit', 'lots'], "option '--memory-limit <size>' argument 'lots' is invalid. expected a size with a unit, e.g. 1GB, 512MB or 2GiB"],
      [[...score, '--top', 'abc'], "option '--top <n>' argument 'abc' is invalid. expected a whole number from 1 up"],
      [[...score, '--batch-size', '1.5'], "option '--batch-size <n>' argument '1.5' is invalid"],
      [[...score, '--shard', '2/2'], "option '--shard <i/n>' argument '2/2' is invalid"],
      [[...score, '--drift-limit', '-1'], "option '--drift-limit <x>' argument '-1' is invalid. expected a positive number"],
      [['report', '--run', at('run'), '--out', at('r'), '--top-n', 'abc'], "option '--top-n <n>' argument 'abc' is invalid"],
      [['report', '--run', at('run'), '--out', at('r'), '--success-rate', '1.5'], "option '--success-rate <x>' argument '1.5' is invalid. expected a rate from 0 to 1"],
      [['report', '--run', at('run'), '--out', at('r'), '--offer-cost', '-1'], "option '--offer-cost <x>' argument '-1' is invalid. expected a number of at least 0"],
      [['features', '--config', at('none.json'), '--month', '2024-13', '--out', at('f.csv')], "option '--month <YYYY-MM>' argument '2024-13' is invalid. expected a month as YYYY-MM"],
      [['generate', '--customers', '1e12', '--out', at('g')], "option '--customers <n>' argument '1e12' is invalid. expected a whole number from 1 to 100,000,000"],
      [['generate', '--customers', '-5', '--out', at('g')], "option '--customers <n>' argument '-5' is invalid"],
      [['generate', '--customers', '10', '--months', '0', '--out', at('g')], "option '--months <n>' argument '0' is invalid"],
      [['train', '--config', at('none.json'), '--out', at('t'), '--seed', 'abc'], "option '--seed <n>' argument 'abc' is invalid"],
      [['init', '--data', TELCO, '--sample', 'abc'], "option '--sample <n>' argument 'abc' is invalid. expected a whole number from 1 up"],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await runCli(...args);
      expect(code).toBe(2);
      expect(stderr).toContain(message);
    }
    for (const f of ['o.csv', 'r', 'f.csv', 'g', 't']) expect(existsSync(at(f))).toBe(false);
  });

  it('init reads the very file named: tricky[1].csv is not the pattern matching tricky1.csv, and a folder or * is refused', async () => {
    tmp.write('tricky[1].csv', `${telco.slice(0, 5).join('\n')}\n`);
    tmp.write('tricky1.csv', `${telco.slice(0, 300).join('\n')}\n`);
    mkdirSync(at('folder'));
    const literal = await runCli('init', '--data', at('tricky[1].csv'));
    expect(literal.stderr).toContain('init: 21 columns, 4 rows read');
    const folder = await runCli('init', '--data', at('folder'));
    expect([folder.code, folder.stderr.replace(tmp.dir, 'DIR').trim()]).toEqual([1, 'churnscope: input error (file DIR/folder): the table is a folder, not a file: name the file itself (churnscope reads exactly the file named, never every file in a folder)']);
    const pattern = await runCli('init', '--data', at('*.csv'));
    expect([pattern.code, pattern.stderr.replace(tmp.dir, 'DIR').trim()]).toEqual([1, 'churnscope: input error (file DIR/*.csv): the table does not exist: check the path (churnscope reads the path literally: * ? [ ] are not patterns)']);
  });

  it('a --segment the input cannot filter on is named, not a database error', async () => {
    const { code, stderr } = await runCli('score', '--model', model, '--input', TELCO, '--out', at('o.csv'), '--segment', 'gold');
    expect(code).toBe(1);
    expect(stderr).toContain('--segment gold filters on the column "segment" (retention.segment_column), which the input lacks');
  });

  it('a folder that cannot be written is one line naming the output, and no stack trace even for a bug', async () => {
    const { code, stderr } = await runCli('score', '--model', model, '--input', TELCO, '--out', '/proc/churnscope/list.csv');
    expect(code).toBe(1);
    expect(stderr).toBe('churnscope: io error (file /proc/churnscope/list.csv): no such file or folder (ENOENT): check the path\n');
    const bug = await runCli('train', '--config', '/dev/null', '--out', at('t'));
    expect(bug.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('degenerate data is refused with the reason', () => {
  it('too few rows to test, one class, negative or infinite durations', async () => {
    const cases: [string, string[], string][] = [
      ['two.csv', [telco[0], telco[1], telco[3]], 'the test split is empty: 2 rows are too few to hold out a test'],
      ['one-class.csv', telco.filter((l, i) => i === 0 || l.endsWith(',No')), 'no row has the churned value "Yes"'],
      ['few-churners.csv', telco.filter((l, i) => i === 0 || l.endsWith(',No') || i === 3), 'the test split holds 0 churners and'],
      ['negative.csv', edit(telco, 7, 'tenure', '-3'), 'row 7, column "tenure"): the duration is negative (-3); survival needs a finite time on network of 0 or more'],
      ['infinite.csv', edit(telco, 7, 'tenure', 'inf'), 'row 7, column "tenure"): "inf" is not a finite number, and this column must be numeric'],
      ['missing.csv', edit(edit(telco, 7, 'tenure', ''), 9, 'tenure', ''), 'row 7, column "tenure", key "duration"): the duration is missing (2 rows without one, the first here); survival needs a finite time on network of 0 or more for every customer: fill them in, or leave "duration" out of the config to train without the Cox model'],
    ];
    for (const [name, rows, message] of cases) {
      const source = tmp.write(name, `${rows.join('\n')}\n`);
      const { code, stderr } = await runCli('train', '--config', config(`${name}.json`, source), '--out', at(`run-${name}`));
      expect(code).toBe(1);
      expect(stderr).toContain(message);
      expect(existsSync(at(`run-${name}`))).toBe(false);
    }
  });
});

describe('what a list or report carries cannot run in the program that opens it', () => {
  it('--spreadsheet-safe puts an apostrophe before a formula in a CSV list, and says so in the manifest', async () => {
    const input = tmp.write('formula.csv', `${telco.map((l, i) => (i === 1 ? l.replace(/^[^,]+/, '=HYPERLINK("http://x")') : i === 2 ? l.replace(/^[^,]+/, '@SUM(1)') : l)).join('\n')}\n`);
    expect((await runCli('score', '--model', model, '--input', input, '--out', at('plain.csv'))).code).toBe(0);
    expect((await runCli('score', '--model', model, '--input', input, '--out', at('safe.csv'), '--spreadsheet-safe')).code).toBe(0);
    const plain = readFileSync(at('plain.csv'), 'utf8');
    const safe = readFileSync(at('safe.csv'), 'utf8');
    expect(plain).toContain(',"=HYPERLINK(""http://x"")",');
    expect(safe).toContain(',"\'=HYPERLINK(""http://x"")",');
    expect(safe).toContain(",'@SUM(1),");
    expect(safe.replaceAll("'=HYPERLINK", '=HYPERLINK').replaceAll("'@SUM", '@SUM')).toBe(plain); // nothing else changed
    expect(JSON.parse(readFileSync(at('safe.csv.manifest.json'), 'utf8')).spreadsheet_safe).toBe(true);
    const parquet = await runCli('score', '--model', model, '--input', input, '--out', at('safe.parquet'), '--spreadsheet-safe');
    expect(parquet.code).toBe(2);
    expect(parquet.stderr).toContain('--spreadsheet-safe applies to CSV lists');
  });

  it('the Markdown report escapes HTML from the data as the HTML report does', async () => {
    mkdirSync(at('html'), { recursive: true });
    const source = join(tmp.dir, 'html', '<img src=x onerror=alert(1)>.csv');
    writeFileSync(source, readFileSync(TELCO));
    expect((await runCli('train', '--config', config('html.json', source), '--out', at('html-run'))).code).toBe(0);
    expect((await runCli('report', '--run', at('html-run'), '--out', at('html-report'))).code).toBe(0);
    const md = readFileSync(at('html-report', 'report.md'), 'utf8');
    expect(md.split('\n')[0]).toBe('# churnscope report: &lt;img src=x onerror=alert(1)&gt;.csv');
    expect(md).not.toContain('<img');
    expect(readFileSync(at('html-report', 'report.html'), 'utf8')).not.toContain('<img');
  });
});
