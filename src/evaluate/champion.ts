/** The champion: the best model on the configured metric (lower is better for Brier and log loss). */
import { ConfigError } from '../errors.js';

const LOWER_IS_BETTER = new Set(['brier', 'log_loss']);

export function chooseChampion(models: Record<string, Record<string, number>>, metric = 'auc'): string {
  const names = Object.keys(models).sort();
  if (names.length === 0) throw new ConfigError('no model to choose a champion from', { key: 'models' });
  for (const name of names) {
    if (typeof models[name][metric] !== 'number') {
      throw new ConfigError(`unknown champion metric "${metric}" (model ${name} has ${Object.keys(models[name]).join(', ')})`, { key: 'champion_metric' });
    }
  }
  const sign = LOWER_IS_BETTER.has(metric) ? -1 : 1;
  let best = names[0];
  for (const name of names.slice(1)) {
    const v = models[name][metric];
    if (Number.isFinite(v) && (!Number.isFinite(models[best][metric]) || sign * v > sign * models[best][metric])) best = name;
  }
  return best;
}
