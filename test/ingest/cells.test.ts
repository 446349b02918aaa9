/**
 * Training and scoring read cells the same way: the same missing-value spellings (recorded in the
 * model file), the same refusal of text in a numeric column (at scoring: the row is rejected,
 * counted and shown in the manifest), Parquet's typed columns read or refused by name.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withDuckDB } from '../../src/io/duckdb.js';
import { runScoringJob } from '../../src/score/batch-job.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const TELCO = resolve('data/ibm-telco-churn.csv');
const lines = readFileSync(TELCO, 'utf8').trimEnd().split('\n');
const header = lines[0].split(',');
const config = (name: string, source: string, extra: Record<string, unknown> = {}): string =>
  tmp.write(name, JSON.stringify({ source, id: 'customerID', target: { column: 'Churn', churned: 'Yes' }, roles: { revenue: 'MonthlyCharges' }, models: ['logistic'], ...extra }));
const edit = (row: number, column: string, value: string): string[] =>
  lines.map((l, i) => (i === row ? l.split(',').map((v, j) => (j === header.indexOf(column) ? value : v)).join(',') : l));

describe('cells are read the same way in training and scoring', () => {
  it('an operator file writing NA for missing trains, into the very model the blank file gives', async () => {
    // Telco's 11 missing TotalCharges are blanks; an R or pandas export writes NA.
    const na = tmp.write('telco-na.csv', `${lines.map((l) => l.replaceAll(', ,', ',NA,')).join('\n')}\n`);
    expect((await runCli('train', '--config', config('na.json', na), '--out', join(tmp.dir, 'na'))).code).toBe(0);
    expect((await runCli('train', '--config', config('blank.json', TELCO), '--out', join(tmp.dir, 'blank'))).code).toBe(0);
    const model = readFileSync(join(tmp.dir, 'na', 'models', 'logistic.json'), 'utf8');
    expect(model).toBe(readFileSync(join(tmp.dir, 'blank', 'models', 'logistic.json'), 'utf8'));
    expect(JSON.parse(model).scoring.missing_values).toEqual(['', 'NA', 'N/A', 'NaN', 'null', 'NULL', '?']);
  });

  it('missing_values replaces the spellings: "-" is missing, and NA is then text', async () => {
    const dash = tmp.write('telco-dash.csv', `${edit(3, 'MonthlyCharges', 'NA').map((l) => l.replaceAll(', ,', ',-,')).join('\n')}\n`);
    const { code, stderr } = await runCli('train', '--config', config('dash.json', dash, { missing_values: ['', '-'] }), '--out', join(tmp.dir, 'dash'));
    expect(code).toBe(1);
    expect(stderr).toContain(`(file ${dash}, row 3, column "MonthlyCharges"): "NA" is not a number, and this column must be numeric (a missing value is written as one of missing_values: empty, -)`);
  });

  it('scoring rejects a row with text in a numeric column, counts it, and shows where', async () => {
    const input = tmp.write('score-text.csv', `${edit(5, 'MonthlyCharges', 'abc').join('\n')}\n`);
    const m = await runScoringJob({ model: join(tmp.dir, 'blank', 'models', 'logistic.json'), input, out: join(tmp.dir, 'text-list.csv') });
    expect(m.rows).toEqual({ read: 7043, scored: 7043, rejected: 1, listed: 7042 });
    expect(m.rejections).toEqual({ no_id: 0, not_a_number: 1, examples: [{ row: 5, column: 'MonthlyCharges', value: 'abc' }] });
    const id = lines[5].split(',')[0];
    expect(readFileSync(join(tmp.dir, 'text-list.csv'), 'utf8')).not.toContain(`,${id},`);
    // NA is a missing value at scoring too: scored, imputed, not rejected.
    const na = tmp.write('score-na.csv', `${edit(5, 'MonthlyCharges', 'NA').join('\n')}\n`);
    expect((await runScoringJob({ model: join(tmp.dir, 'blank', 'models', 'logistic.json'), input: na, out: join(tmp.dir, 'na-list.csv') })).rows.rejected).toBe(0);
  });

  it('a number must be finite: inf and 1e400 are refused in training and rejected at scoring, in CSV and Parquet', async () => {
    const huge = tmp.write('train-huge.csv', `${edit(4, 'MonthlyCharges', '1e400').join('\n')}\n`);
    const { code, stderr } = await runCli('train', '--config', config('huge.json', huge), '--out', join(tmp.dir, 'huge'));
    expect(code).toBe(1);
    expect(stderr).toContain(`(file ${huge}, row 4, column "MonthlyCharges"): "1e400" is not a finite number, and this column must be numeric`);
    // The value column too: an infinite revenue was a value of 0.00, scored and listed.
    const model = join(tmp.dir, 'blank', 'models', 'logistic.json');
    const inf = tmp.write('score-inf.csv', `${edit(6, 'MonthlyCharges', 'inf').join('\n')}\n`);
    const m = await runScoringJob({ model, input: inf, out: join(tmp.dir, 'inf-list.csv') });
    expect(m.rows).toEqual({ read: 7043, scored: 7043, rejected: 1, listed: 7042 });
    expect(m.rejections).toEqual({ no_id: 0, not_a_number: 1, examples: [{ row: 6, column: 'MonthlyCharges', value: 'inf' }] });
    const parquet = join(tmp.dir, 'score-inf.parquet');
    await withDuckDB(async (con) => {
      await con.run(`COPY (SELECT * REPLACE (CASE WHEN customerID = '${lines[2].split(',')[0]}' THEN 'NaN'::DOUBLE ELSE MonthlyCharges::DOUBLE END AS MonthlyCharges)
        FROM read_csv('${TELCO}', all_varchar = true)) TO '${parquet}' (FORMAT parquet)`);
    });
    const typed = await runScoringJob({ model, input: parquet, out: join(tmp.dir, 'inf-parquet-list.csv') });
    expect(typed.rejections).toEqual({ no_id: 0, not_a_number: 1, examples: [{ row: 2, column: 'MonthlyCharges', value: 'nan' }] });
  });

  it('Parquet BOOLEAN and DECIMAL columns are numbers; a DATE column is refused by name', async () => {
    const parquet = join(tmp.dir, 'typed.parquet');
    await withDuckDB(async (con) => {
      await con.run(`COPY (SELECT customerID, Churn, MonthlyCharges::DECIMAL(8,2) AS MonthlyCharges, (Partner = 'Yes') AS partner, DATE '2020-01-01' + tenure::INTEGER AS since
        FROM read_csv('${TELCO}', all_varchar = true)) TO '${parquet}' (FORMAT parquet)`);
    });
    const refused = await runCli('train', '--config', config('typed.json', parquet), '--out', join(tmp.dir, 'typed'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`churnscope: input error (file ${parquet}, column "since"): column "since" holds DATE values, which churnscope does not read as a feature: turn it into a number (e.g. months since that date) or list it in "drop"\n`);
    expect((await runCli('train', '--config', config('typed2.json', parquet, { drop: ['since'] }), '--out', join(tmp.dir, 'typed'))).code).toBe(0);
    const model = JSON.parse(readFileSync(join(tmp.dir, 'typed', 'models', 'logistic.json'), 'utf8'));
    expect(model.features).toEqual(['MonthlyCharges', 'partner']);
    const m = await runScoringJob({ model: join(tmp.dir, 'typed', 'models', 'logistic.json'), input: parquet, out: join(tmp.dir, 'typed-list.csv') });
    expect(m.rows).toMatchObject({ read: 7043, rejected: 0 });
  });
});
