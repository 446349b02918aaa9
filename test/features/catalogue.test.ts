/** The feature catalogue's lookups: a name, a one-hot level, a column mapped to a role, a panel feature. */
import { describe, expect, it } from 'vitest';
import { CATALOGUE, catalogueEntry, describeFeature } from '../../src/features/catalogue.js';

describe('the feature catalogue', () => {
  it('finds a feature by name, a one-hot level by its column, and a panel feature', () => {
    expect(catalogueEntry('call_ratio')).toMatchObject({ formula: 'out_calls / in_calls', roles: ['out_calls', 'in_calls'], derived: true });
    expect(catalogueEntry('tenure_band=0-6')?.name).toBe('tenure_band');
    expect(catalogueEntry('months_to_contract_end')?.meaning).toBe('months until the contract can be ended without a fee');
    expect(catalogueEntry('plan=premium')?.name).toBe('plan');
    expect(catalogueEntry('Partner')).toBeUndefined();
    expect(CATALOGUE.filter((e) => e.derived).map((e) => e.name)).toEqual(['call_ratio', 'minutes_ratio', 'traffic_change', 'tenure_band', 'complaints_per_tenure_month', 'revenue_per_minute']);
  });

  it('describes a feature in words: its meaning, its role’s meaning, or its own name', () => {
    expect(describeFeature('complaints')).toBe('complaints the customer made');
    expect(describeFeature('Contract=Two year', { contract: 'Contract' })).toBe('the contract type: Two year');
    expect(describeFeature('MonthlyCharges', { revenue: 'MonthlyCharges' })).toBe('revenue per month (ARPU)');
    expect(describeFeature('MonthlyCharges')).toBe('MonthlyCharges');
    expect(describeFeature('PaymentMethod=Electronic check')).toBe('PaymentMethod: Electronic check');
    expect(describeFeature('plan=premium')).toBe('tariff plan: premium');
    // Only the column mapped to a role takes the role's words, not any column of a table with roles.
    expect(describeFeature('PaymentMethod=Electronic check', { revenue: 'MonthlyCharges', contract: 'Contract' })).toBe('PaymentMethod: Electronic check');
    // A one-hot level of a column with no name (a Parquet file can have one) is still read as "column: level".
    expect(describeFeature('=yes')).toBe(': yes');
  });
});
