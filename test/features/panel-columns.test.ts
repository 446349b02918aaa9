/** The panel's column names read back: a sequence column's channel and lag; the months of history a window needs. */
import { describe, expect, it } from 'vitest';
import { historyMonths } from '../../src/features/panel/families.js';
import { parseSequenceColumn, sequenceColumn } from '../../src/features/panel/sequence.js';

describe('sequence column names', () => {
  it('parse back to their channel and lag, any number of digits', () => {
    expect(parseSequenceColumn(sequenceColumn('out_calls', 0))).toEqual({ channel: 'out_calls', lag: 0 });
    expect(parseSequenceColumn('seq_distinct_called_lag23')).toEqual({ channel: 'distinct_called', lag: 23 });
    expect(parseSequenceColumn('seq_active_lag7')).toEqual({ channel: 'active', lag: 7 });
  });

  it('are the whole name: a longer name, a lag that is not a number or another column is none', () => {
    for (const name of ['out_calls', 'my_seq_out_calls_lag1', 'seq_out_calls_lag1_old', 'seq_out_calls_lagX', 'seq__lag1', 'seq_out-calls_lag1']) {
      expect(parseSequenceColumn(name), name).toBeNull();
    }
  });
});

describe('history months', () => {
  it('is the usage window, or the complaints’ 6-month look-back when the window is shorter', () => {
    expect([1, 6, 12].map(historyMonths)).toEqual([6, 6, 12]);
  });
});
