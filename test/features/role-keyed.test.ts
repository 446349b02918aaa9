/** Settings keyed by role or name prefix, looked up for a feature: its role's key when the table has one, else the longest prefix. */
import { describe, expect, it } from 'vitest';
import { keyFor, roleOf, type RoleMapping } from '../../src/features/role-keyed.js';

const mapping: RoleMapping = {
  roles: { revenue: 'MonthlyCharges', contract: 'Contract', minutes: 'total_minutes' },
  role_sums: { total_minutes: ['Day Mins', 'Eve Mins'] },
};

describe('keyFor', () => {
  it('a column mapped to a role, or summed into one, or one-hot of one, takes the role’s key', () => {
    expect(roleOf('Eve Mins', mapping)).toBe('minutes');
    expect(roleOf('Night Mins', mapping)).toBeUndefined();
    const table = { revenue: 1, contract: 2, minutes: 3, Mon: 4 };
    expect(keyFor('MonthlyCharges', table, mapping)).toBe('revenue');
    expect(keyFor('Contract=Two year', table, mapping)).toBe('contract');
    expect(keyFor('Eve Mins', table, mapping)).toBe('minutes');
  });

  it('a role the table has no key for falls to the longest prefix, as does a column of no role', () => {
    // "minutes" is Eve Mins' role but not a key here; "Mon" is MonthlyCharges' prefix.
    expect(keyFor('Eve Mins', { Eve: 1, E: 2 }, mapping)).toBe('Eve');
    expect(keyFor('MonthlyCharges', { Mon: 1 }, mapping)).toBe('Mon');
    // The longer prefix wins wherever it sits among the keys.
    expect(keyFor('complaints_billing_6m', { complaints_billing: 1, complaints: 2 }, mapping)).toBe('complaints_billing');
    expect(keyFor('complaints_billing_6m', { complaints: 2, complaints_billing: 1 }, mapping)).toBe('complaints_billing');
    // No key applies: the caller's default. An empty key is no prefix.
    expect(keyFor('PaymentMethod=Mailed check', { Contract: 1, '': 2 }, mapping)).toBeUndefined();
  });
});
