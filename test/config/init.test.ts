import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();

async function init(data: string, name: string): Promise<{ text: string; config: Record<string, unknown>; stdout: string }> {
  const out = join(tmp.dir, name);
  const { code, stdout } = await runCli('init', '--data', resolve(data), '--out', out);
  expect(code).toBe(0);
  const text = readFileSync(out, 'utf8');
  return { text, config: parse(text) as Record<string, unknown>, stdout };
}

describe('churnscope init', () => {
  it('writes the shipped Telco config from the Telco table, with its guesses commented', async () => {
    const { text, config, stdout } = await init('data/ibm-telco-churn.csv', 'telco.yaml');
    const shipped = JSON.parse(readFileSync('data/ibm-telco-churn.config.json', 'utf8'));
    expect(config).toMatchObject({
      id: shipped.id, target: shipped.target, duration: shipped.duration, roles: shipped.roles,
      exclude_from_survival: shipped.exclude_from_survival, duration_unit: 'months',
    });
    expect(text).toContain('churned: "Yes" # the other value, "No", means stayed');
    expect(text).toContain('column: Churn # "No" 5,174, "Yes" 1,869 rows');
    expect(text).toContain('id: customerID # unique in all 7,043 rows read');
    expect(text).toMatch(/^# yaml-language-server: \$schema=.*schema\/config\.schema\.json$/m);
    expect(stdout).toContain('id customerID, target Churn = "Yes"');
    // The file it wrote trains as it is: loadConfig resolves the source next to the config.
    expect(loadConfig(join(tmp.dir, 'telco.yaml')).source).toBe(resolve('data/ibm-telco-churn.csv'));
  });

  it('finds the Iranian roles through its double-spaced headers and says it found no id', async () => {
    const { text, config } = await init('data/iranian-churn.csv', 'iranian.yaml');
    const shipped = JSON.parse(readFileSync('data/iranian-churn.config.json', 'utf8'));
    expect(config).toMatchObject({ target: { column: 'Churn', churned: '1' }, duration: shipped.duration, roles: shipped.roles });
    expect(config.id).toBeUndefined();
    expect(text).toContain('# - id: no column is unique in every row');
  });

  it('configures a table shaped like the public telecom churn file: NA cells, tenure in days, split minutes, no revenue', async () => {
    const { text, config } = await init('test/fixtures/telecom-quirks.csv', 'quirks.yaml');
    expect(config).toMatchObject({
      id: 'Phone',
      target: { column: 'Churn', churned: 'True.' },
      duration: 'Account length (days)',
      duration_unit: 'days',
      roles: {
        tenure: 'Account length (days)',
        minutes: ['Total day minutes', 'Total eve minutes', 'Total night minutes', 'Total intl minutes'],
        out_calls: ['Total day calls', 'Total eve calls', 'Total night calls', 'Total intl calls'],
        complaints: 'Customer service calls',
      },
    });
    expect(Object.keys(config.roles as object)).not.toContain('revenue');
    expect(text).toContain('# - roles.revenue: no column looks like revenue; without it the list ranks by churn probability');
    expect(config.missing_values).toEqual(['NA']); // read as missing in training and scoring
    expect(text).toContain('minutes: [ Total day minutes, Total eve minutes, Total night minutes, Total intl minutes ] # 4 columns, summed');
  });

  it('takes days_on_network as the tenure in days, and with a row lacking it sets no duration, saying why', async () => {
    const rows = ['customer_id,days_on_network,Contract,Churn', 'a1,400,Month-to-month,Yes', 'a2,NA,Two year,No', 'a3,31,One year,No', 'a4,1200,Two year,No'];
    const { text, config } = await init(tmp.write('export.csv', `${rows.join('\n')}\n`), 'export.yaml');
    expect(config).toMatchObject({ id: 'customer_id', target: { column: 'Churn', churned: 'Yes' }, tenure_unit: 'days', roles: { tenure: 'days_on_network', contract: 'Contract' }, missing_values: ['NA'] });
    expect(config.duration).toBeUndefined();
    expect(text).toContain('# - duration: "days_on_network" has 1 row without a value, and the survival model (cox) needs one in every row, so none is set and cox is skipped; fill them in, then set duration: days_on_network');
    expect(loadConfig(join(tmp.dir, 'export.yaml')).tenure_unit).toBe('days'); // it loads as written
  });

  it('never replaces an existing config (usage error, the file untouched)', async () => {
    const existing = tmp.write('mine.yaml', 'source: x.csv\n');
    const { code, stderr } = await runCli('init', '--data', 'data/iranian-churn.csv', '--out', existing);
    expect(code).toBe(2);
    expect(stderr).toContain('exists: init never replaces a config');
    expect(readFileSync(existing, 'utf8')).toBe('source: x.csv\n');
  });
});
