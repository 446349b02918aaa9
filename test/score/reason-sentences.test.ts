/** Every reason sentence template, both directions of each, and the one-hot and fallback forms. */
import { describe, expect, it } from 'vitest';
import { describeFeature } from '../../src/features/catalogue.js';
import { reasonSentence } from '../../src/score/batch/reasons.js';

describe('reason sentences', () => {
  it('say changes, trends and ratios with their sign and size', () => {
    const said = ([
      ['out_calls_change_3m', -0.45], ['in_calls_change_3m', 0.1], ['traffic_change_3m', -0.005], ['traffic_change', 0.25],
      ['revenue_change_3m', -1], ['distinct_called_change_3m', 0.5], ['call_ratio_change', -0.3],
      ['traffic_slope', -0.12], ['revenue_trend', 0.034], ['distinct_called_trend', -0.2], ['call_ratio', 0.5], ['call_ratio', 2],
    ] as [string, number][]).map(([f, v]) => reasonSentence(f, v));
    expect(said).toEqual([
      'outgoing calls fell 45% against the previous 3 months',
      'incoming calls rose 10% against the previous 3 months',
      'total traffic fell 1% against the previous 3 months',
      'total traffic rose 25% against the previous period',
      'revenue fell 100% against the previous 3 months',
      'distinct numbers called rose 50% against the previous 3 months',
      "the outgoing/incoming call ratio fell 30% against the customer's own average",
      'total traffic is falling 12% a month',
      'revenue is rising 3% a month',
      'the number of people called is falling 20% a month',
      '0.50 outgoing calls per incoming call',
      '2 outgoing calls per incoming call',
    ]);
  });

  it('count complaints and months, one or many', () => {
    expect([
      reasonSentence('complaints_1m', 1), reasonSentence('complaints_1m', 2), reasonSentence('complaints_3m', 0),
      reasonSentence('complaints_6m', 4), reasonSentence('unresolved_complaints', 1), reasonSentence('complaints_coverage_6m', 1),
      reasonSentence('complaints_billing_6m', 3),
    ]).toEqual([
      '1 complaint in the last month', '2 complaints in the last month', '0 complaints in the last 3 months',
      '4 complaints in the last 6 months', '1 complaint still unresolved', '1 coverage complaint in the last 6 months',
      '3 billing complaints in the last 6 months',
    ]);
    expect([reasonSentence('months_since_complaint', 0), reasonSentence('months_since_complaint', 1), reasonSentence('months_since_complaint', 5)])
      .toEqual(['complained this month', 'last complaint 1 month ago', 'last complaint 5 months ago']);
    expect([reasonSentence('months_to_contract_end', -1), reasonSentence('months_to_contract_end', 0), reasonSentence('months_to_contract_end', 1), reasonSentence('months_to_contract_end', 3)])
      .toEqual(['contract ends this month', 'contract ends this month', 'contract ends in 1 month', 'contract ends in 3 months']);
    expect([reasonSentence('has_contract', 1), reasonSentence('has_contract', 0)]).toEqual(['under contract', 'no contract']);
    expect([reasonSentence('tenure_months', 1), reasonSentence('tenure_months', 14)]).toEqual(['1 month on the network', '14 months on the network']);
    expect(reasonSentence('dropped_call_rate', 0.0754)).toBe('7.5% of calls dropped');
    expect(reasonSentence('complaints_per_tenure_month', 0.25)).toBe('0.25 complaints per month on the network');
  });

  it('name a one-hot level, or its absence, and fall back on the catalogue or the column name', () => {
    expect(reasonSentence('Contract=Month-to-month', 1, { contract: 'Contract' })).toBe('the contract type: Month-to-month');
    expect(reasonSentence('Contract=Two year', 0, { contract: 'Contract' })).toBe('the contract type: not Two year');
    expect(reasonSentence('Partner=Yes', 1)).toBe('Partner: Yes');
    expect(reasonSentence('tenure_band=0-6', 1)).toBe('how long the customer has been with the operator, in bands: 0-6');
    expect(reasonSentence('revenue_per_minute', 0.123456)).toBe('what each minute of use earns; high values mean the customer pays a lot for little use: 0.12');
    expect(reasonSentence('MonthlyCharges', 70, { revenue: 'MonthlyCharges' })).toBe('revenue per month (ARPU): 70');
    expect(reasonSentence('SeniorCitizen', 1)).toBe('SeniorCitizen: 1');
    expect(reasonSentence('TotalCharges', 1234.567)).toBe('TotalCharges: 1234.57');
  });

  it('say the tenure in the unit its column counts, in the list and in the report', () => {
    expect(reasonSentence('tenure', 5, { tenure: 'tenure' })).toBe('5 months on the network');
    expect(reasonSentence('days_on_network', 136, { tenure: 'days_on_network' }, 'days')).toBe('136 days on the network');
    expect(reasonSentence('weeks_active', 1, { tenure: 'weeks_active' }, 'weeks')).toBe('1 week on the network');
    expect(describeFeature('days_on_network', { tenure: 'days_on_network' }, 'days')).toBe('days on the network');
    expect(describeFeature('tenure', { tenure: 'tenure' })).toBe('months on the network');
  });

  it('say no change as a rise of 0%, rising trends as rising, and read the complaint category only from a whole complaints_<category>_6m name', () => {
    expect([
      reasonSentence('traffic_change_3m', 0), reasonSentence('traffic_slope', 0.12), reasonSentence('traffic_slope', 0),
      reasonSentence('revenue_trend', 0), reasonSentence('revenue_trend', -0.05), reasonSentence('distinct_called_trend', 0.2), reasonSentence('distinct_called_trend', 0),
    ]).toEqual([
      'total traffic rose 0% against the previous 3 months', 'total traffic is rising 12% a month', 'total traffic is rising 0% a month',
      'revenue is rising 0% a month', 'revenue is falling 5% a month', 'the number of people called is rising 20% a month', 'the number of people called is rising 0% a month',
    ]);
    expect(reasonSentence('all_complaints_billing_6m', 2)).toBe('all_complaints_billing_6m: 2');
    expect(reasonSentence('complaints_billing_6m_share', 0.5)).toBe('complaints_billing_6m_share: 0.50');
  });
});
