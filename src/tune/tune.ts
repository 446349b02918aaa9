/**
 * The tuner: a seeded random search over a model's search space, each trial scored by k-fold
 * cross-validated AUC on the training rows only (the test split stays unseen, as in `train`).
 * Trial 1 is the model's defaults (the config's own model_params over them), so the best is never worse than them on the same folds. Writes
 * tune.json (every trial), tune.md (the table) and best-params.json (a config fragment to paste).
 */
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { checkWritable, toStableJson, withAtomicDir, writeFileAtomic } from '../io/atomic.js';
import { checkApart, checkFolderOutput } from '../io/output-guard.js';
import { progressLine } from '../io/progress.js';
import { MODEL_PARAM_SCHEMAS, type TrainableKind } from '../models/param-schemas.js';
import { parseModelParams } from '../models/params.js';
import { Rng } from '../rng.js';
import { prepareFromConfigFile } from '../pipeline/train-config.js';
import { configParams, crossValidate, modelSeed, modelView, survivalExcluded } from '../pipeline/train.js';
import { drawParams, SEARCH_SPACES } from './space.js';

export interface TuneOptions {
  trials: number;
  folds: number;
  seed?: number;
}

export interface Trial {
  trial: number;
  params: Record<string, unknown>; // the searched parameters' values (the rest: the config's model_params, then defaults)
  cv_auc_mean: number;
  cv_auc_sd: number;
  seconds: number;
}

export interface TuneResult {
  model: TrainableKind;
  folds: number;
  seed: number;
  train_rows: number;
  trials: Trial[];
  best: Trial;
  fragment: { model_params: Record<string, Record<string, unknown>> };
}

/** The best trial: highest CV AUC mean, the earlier on a tie. */
function bestTrial(trials: readonly Trial[]): Trial {
  return trials.reduce((best, t) => (t.cv_auc_mean > best.cv_auc_mean ? t : best));
}

const cell = (v: unknown): string => (typeof v === 'number' ? String(v) : JSON.stringify(v));

/** The trials as a Markdown table, best first marked. */
function trialsTable(result: TuneResult): string {
  const keys = [...new Set(result.trials.flatMap((t) => Object.keys(t.params)))];
  const head = `| trial | ${keys.join(' | ')} | CV AUC (mean ± sd) | seconds |`;
  const rule = `|${'---|'.repeat(keys.length + 3)}`;
  const rows = result.trials.map((t) => `| ${t.trial}${t === result.best ? ' (best)' : ''} | ${keys.map((k) => cell(t.params[k])).join(' | ')} | ${t.cv_auc_mean.toFixed(4)} ± ${t.cv_auc_sd.toFixed(4)} | ${t.seconds.toFixed(1)} |`);
  return [
    `# churnscope tune: ${result.model}`,
    '',
    `${result.trials.length} trials, ${result.folds}-fold cross-validated AUC on ${result.train_rows.toLocaleString('en')} training rows (the test split unseen), seed ${result.seed}.`,
    '',
    head,
    rule,
    ...rows,
    '',
    'Best parameters, ready to paste into the config:',
    '',
    '```json',
    JSON.stringify(result.fragment, null, 2),
    '```',
    '',
  ].join('\n');
}

export async function tune(configPath: string, kind: TrainableKind, outDir: string, options: TuneOptions): Promise<TuneResult> {
  if (options.folds < 2) throw new ConfigError('tuning needs at least 2 folds', { key: 'folds' });
  checkApart([{ path: outDir, what: 'the tune folder' }], [{ path: configPath, what: 'the config' }]);
  checkFolderOutput(outDir, 'tune'); // before minutes of fitting, not after
  await checkWritable(outDir);
  const prepared = await prepareFromConfigFile(configPath);
  const { config } = prepared;
  const seed = options.seed ?? config.seed;
  const base = configParams(config, kind);
  const view = modelView(kind, prepared, survivalExcluded(config, prepared.train.x.features));
  const rng = new Rng(modelSeed(seed, kind) ^ 0x7e5e);
  return withAtomicDir(outDir, 'tune', async (dir) => {
    const trials: Trial[] = [];
    const defaults = parseModelParams(MODEL_PARAM_SCHEMAS[kind], base, kind) as Record<string, unknown>;
    const searchedDefaults = Object.fromEntries(Object.keys(SEARCH_SPACES[kind]).map((k) => [k, defaults[k]]));
    for (let trial = 1; trial <= options.trials; trial++) {
      const searched = trial === 1 ? searchedDefaults : drawParams(kind, rng);
      const params = parseModelParams(MODEL_PARAM_SCHEMAS[kind], { ...base, ...searched }, kind);
      const started = performance.now();
      const cv = await crossValidate(kind, options.folds, view, params, seed, { strata: config.survival.strata });
      const t: Trial = { trial, params: searched, ...cv, seconds: Math.round(performance.now() - started) / 1000 };
      trials.push(t);
      const best = bestTrial(trials);
      const said = `${Object.entries(searched).map(([k, v]) => `${k}=${cell(v)}`).join(' ')}${trial === 1 ? ', the defaults' : ''}`;
      progressLine(`trial ${trial}/${options.trials}: CV AUC ${t.cv_auc_mean.toFixed(4)} ± ${t.cv_auc_sd.toFixed(4)} in ${t.seconds.toFixed(1)} s (${said}); best so far ${best.cv_auc_mean.toFixed(4)} (trial ${best.trial})`);
    }
    const best = bestTrial(trials);
    const result: TuneResult = {
      model: kind,
      folds: options.folds,
      seed,
      train_rows: view.fit.y.length,
      trials,
      best,
      fragment: { model_params: { [kind]: { ...base, ...best.params } } },
    };
    await writeFileAtomic(join(dir, 'tune.json'), toStableJson(result));
    await writeFileAtomic(join(dir, 'tune.md'), trialsTable(result));
    await writeFileAtomic(join(dir, 'best-params.json'), `${JSON.stringify(result.fragment, null, 2)}\n`);
    return result;
  });
}
