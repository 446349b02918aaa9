import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScoringJob } from '../../src/score/batch-job.js';
import { trainPanel } from '../../src/pipeline/train-panel.js';
import { writePanelFeatures } from '../../src/pipeline/panel-features.js';
import { generatedPanelConfig } from '../helpers/panel-training.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();

describe('the sequence model on a generated operator, out of time', () => {
  it('ranks the unseen month at least as well as logistic regression; the blend with the forest is a candidate; the backend is named', async () => {
    const config = await generatedPanelConfig(join(tmp.dir, 'gen'), 3000, 12, 7, {
      models: ['logistic', 'random_forest', 'sequence'],
      model_params: { random_forest: { trees: 60 } },
    });
    writeFileSync(join(tmp.dir, 'gen', 'panel.json'), JSON.stringify({ kind: 'panel', tables: config.tables, models: config.models, model_params: config.model_params }));
    const run = join(tmp.dir, 'run');
    const { evaluation } = await trainPanel(config, run);
    const m = evaluation.models;
    expect(evaluation.split.kind).toBe('out_of_time');
    expect(m.sequence.auc, JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.auc])))).toBeGreaterThanOrEqual(m.logistic.auc);
    expect(m.sequence.backend).toBe('wasm');
    // The blend: the mean of the sequence model's and the forest's probabilities, evaluated like any model.
    expect(Object.keys(m).sort()).toEqual(['blend', 'logistic', 'random_forest', 'sequence']);
    expect(m.blend.fit_seconds).toBeCloseTo(m.sequence.fit_seconds + m.random_forest.fit_seconds, 2);
    const blend = JSON.parse(readFileSync(join(run, 'models', 'blend.json'), 'utf8'));
    expect(blend.model.members.map((x: { name: string }) => x.name)).toEqual(['sequence', 'random_forest']);
    expect(evaluation.champion).toBe(Object.entries(m).sort((a, b) => b[1].auc - a[1].auc || (a[0] < b[0] ? -1 : 1))[0][0]);

    // The latest month through the batch job: the features gather each customer's months.
    const features = join(tmp.dir, 'latest.parquet');
    await writePanelFeatures(join(tmp.dir, 'gen', 'panel.json'), undefined, features);
    for (const name of ['sequence', 'blend']) {
      const out = join(tmp.dir, `${name}.csv`);
      const manifest = await runScoringJob({ model: join(run, 'models', `${name}.json`), input: features, out, workers: 2, batchSize: 1000, allowDrift: true });
      expect(manifest.rows.scored).toBeGreaterThan(2000);
      const again = join(tmp.dir, `${name}-again.csv`);
      await runScoringJob({ model: join(run, 'models', `${name}.json`), input: features, out: again, workers: 1, batchSize: 4096, allowDrift: true });
      expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
      // Reasons name channels, not single months, and say what the months did.
      const lines = readFileSync(out, 'utf8').trim().split('\n');
      const head = lines[0].split(',');
      const feature = head.indexOf('reason_1_feature');
      const sentence = head.indexOf('reason_1');
      const said = lines.slice(1).map((l) => l.split(',')).map((r) => [r[feature], r[sentence]]);
      expect(said.filter(([f]) => f.startsWith('seq_'))).toEqual([]);
      const usage = said.filter(([f]) => ['out_calls', 'in_calls', 'out_minutes', 'in_minutes', 'distinct_called', 'revenue', 'data_mb'].includes(f));
      expect(usage.length).toBeGreaterThan(0);
      for (const [, s] of usage) expect(s).toMatch(/ (fell|rose) \d+% over the last | steady over the last |: [\d.]+ a month over /);
    }
  }, 900_000);
});
