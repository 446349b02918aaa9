import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const telco = JSON.parse(readFileSync('data/ibm-telco-churn.config.json', 'utf8')) as Record<string, unknown>;

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('no ConfigError');
}

describe('config files', () => {
  it('reads YAML as JSON: the same config either way', () => {
    const yaml = tmp.write('telco.yaml', [
      'source: ibm-telco-churn.csv', 'id: customerID', 'target: { column: Churn, churned: "Yes" }', 'duration: tenure',
      'roles:', '  tenure: tenure', '  revenue: MonthlyCharges', '  contract: Contract', 'exclude_from_survival: [TotalCharges]',
    ].join('\n'));
    const json = tmp.write('telco.json', JSON.stringify(telco));
    expect(loadConfig(yaml)).toEqual(loadConfig(json));
  });

  it('names the line of a YAML mistake and rejects duplicate keys', () => {
    const bad = tmp.write('bad.yaml', 'source: a.csv\ntarget:\n  column: Churn\n  column: Exited\n');
    expect(configError(() => loadConfig(bad)).describe()).toMatch(/not valid YAML: Map keys must be unique at line 4, column 3$/);
  });

  it('lists the valid roles when a role is unknown', () => {
    const e = configError(() => parseConfig({ ...telco, roles: { tenure: 'tenure', charges: 'MonthlyCharges' } }, 'c.json'));
    expect(e.context.key).toBe('roles.charges');
    expect(e.message).toBe('unknown role "charges"; the roles are: tenure, out_calls, in_calls, out_minutes, in_minutes, minutes, minutes_change, revenue, revenue_change, complaints, distinct_called, dropped_calls, contract');
  });

  it('resolves a role over several columns to their sum, total_<role>', () => {
    const c = parseConfig({ ...telco, roles: { minutes: ['day', 'night'], revenue: ['MonthlyCharges'] } }, 'c.json');
    expect(c.roles).toEqual({ minutes: 'total_minutes', revenue: 'MonthlyCharges' });
    expect(c.role_sums).toEqual({ total_minutes: ['day', 'night'] });
  });
});

describe('schema/config.schema.json', () => {
  const shipped = JSON.parse(readFileSync('schema/config.schema.json', 'utf8'));

  it('is what the zod schema generates (run npm run schema after changing the config schema)', () => {
    expect(shipped).toEqual(configJsonSchema());
  });

  it('accepts the shipped configs and rejects an unknown role, as an editor would', () => {
    const validate = new Ajv2020({ strict: false }).compile(shipped);
    for (const f of ['ibm-telco-churn.config.json', 'iranian-churn.config.json']) {
      expect(validate(JSON.parse(readFileSync(join('data', f), 'utf8')))).toBe(true);
    }
    expect(validate({ kind: 'panel', tables: { customers: 'c.csv' } })).toBe(true);
    expect(validate({ ...telco, roles: { charges: 'MonthlyCharges' } })).toBe(false);
    expect(validate({ ...telco, roles: { minutes: ['a', 'b'] } })).toBe(true);
  });

  it('is referenced from the README', () => {
    expect(readFileSync('README.md', 'utf8')).toContain('schema/config.schema.json');
  });
});
