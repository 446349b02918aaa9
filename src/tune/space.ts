/**
 * What the tuner searches: for each model, the parameters worth trying and the ranges it draws
 * them from (inside each parameter's schema range; a test holds them to it). Early stopping picks
 * boosting's rounds, so they are not searched.
 */
import type { Rng } from '../rng.js';
import type { TrainableKind } from '../models/param-schemas.js';

export type Distribution =
  | { log: true; min: number; max: number } // log-uniform
  | { log: false; min: number; max: number } // uniform
  | { int: true; min: number; max: number } // whole numbers, each equally likely
  | { choice: readonly (string | number)[] };

export const SEARCH_SPACES: Record<TrainableKind, Record<string, Distribution>> = {
  logistic: {
    l2: { log: true, min: 1e-3, max: 100 },
  },
  random_forest: {
    max_depth: { int: true, min: 4, max: 20 },
    min_samples_leaf: { int: true, min: 1, max: 30 },
    trees: { choice: [100, 200, 300, 500] },
  },
  gradient_boosting: {
    learning_rate: { log: true, min: 0.01, max: 0.3 },
    max_depth: { int: true, min: 2, max: 8 },
    min_child_hessian: { log: true, min: 0.1, max: 30 },
    l2: { log: true, min: 0.1, max: 100 },
    subsample: { log: false, min: 0.5, max: 1 },
    colsample: { log: false, min: 0.4, max: 1 },
    init_l2: { log: true, min: 1, max: 300 },
  },
  cox: {
    l2: { log: true, min: 1e-3, max: 10 },
  },
  sequence: {
    learning_rate: { log: true, min: 3e-4, max: 0.01 },
    hidden: { choice: [16, 32, 64] },
    l2: { log: true, min: 1e-6, max: 1e-2 },
    positive_weight: { choice: [1, 2, 4] },
  },
};

/** Three significant digits: a drawn value reads like one a person would write in a config. */
function readable(v: number): number {
  return Number(v.toPrecision(3));
}

export function draw(d: Distribution, rng: Rng): string | number {
  if ('choice' in d) return d.choice[Math.floor(rng.next() * d.choice.length)];
  if ('int' in d) return d.min + Math.floor(rng.next() * (d.max - d.min + 1));
  if (d.log) return readable(Math.exp(Math.log(d.min) + rng.next() * (Math.log(d.max) - Math.log(d.min))));
  return readable(d.min + rng.next() * (d.max - d.min));
}

/** One trial's parameters: every searched parameter drawn, in the space's order. */
export function drawParams(kind: TrainableKind, rng: Rng): Record<string, string | number> {
  return Object.fromEntries(Object.entries(SEARCH_SPACES[kind]).map(([k, d]) => [k, draw(d, rng)]));
}
