import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runScoringJob } from '../../src/score/batch-job.js';
import { handCox, handLogistic, writeModel } from '../helpers/hand-model.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();

async function stderrOf(model: string, input: string, options: { batchSize?: number; workers?: number } = {}): Promise<string> {
  let err = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { err += String(s); return true; });
  await runScoringJob({ model, input, out: join(tmp.dir, `${Math.random().toString(36).slice(2)}.csv`), ...options });
  return err;
}

afterEach(() => { vi.restoreAllMocks(); });

describe('the follow-up warning at scoring', () => {
  // The longest tenure watched in training is 5 months: a 12-month window from tenure t reaches past it when t + 12 > 5.
  const cox = writeModel(join(tmp.dir, 'cox.json'), handCox([1, 2, 4], [0.1, 0.3, 0.6], 5, { revenue: null, retention: { rank_by: 'probability' } }));

  it('says how many scored customers have their 12-month window moved back, as train does, summed over batches and workers', async () => {
    const input = tmp.write('cox-input.csv', ['id,score,tenure', 'a,0,0', 'b,1,1', 'c,0,2'].join('\n'));
    expect(await stderrOf(cox, input, { batchSize: 1, workers: 2 })).toContain('warning: cox: the longest tenure watched in training is 5 months; for 3 of 3 scored customers a 12-month window from their tenure reaches past it, so their p_churn_12m (and any window past it) is read over the last watched months instead');
  });

  it('says nothing for a model without a survival baseline', async () => {
    const logistic = writeModel(join(tmp.dir, 'logistic.json'), handLogistic({ revenue: null, retention: { rank_by: 'probability' } }));
    expect(await stderrOf(logistic, tmp.write('input.csv', 'id,score\nx,1\n'))).not.toContain('longest tenure watched');
  });
});
