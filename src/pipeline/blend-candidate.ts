/**
 * The blended candidate a run adds when it trained the sequence model and a tree model: the mean
 * of the sequence model's probabilities and those of the best tree model (on the champion metric),
 * evaluated on the same test rows and eligible as champion like any model.
 */
import { chooseChampion } from '../evaluate/champion.js';
import { BlendModel } from '../models/blend.js';
import type { ChurnModel, ModelKind } from '../models/model.js';

/** Tree models a blend may take. */
const TREE_KINDS: readonly string[] = ['random_forest', 'gradient_boosting'];

export function blendCandidate(
  fitted: ReadonlyMap<ModelKind, { model: ChurnModel }>,
  metrics: Readonly<Record<string, Record<string, number>>>,
  metric: string,
): { model: BlendModel; members: ModelKind[] } | null {
  const sequence = fitted.get('sequence');
  const trees = [...fitted.keys()].filter((k) => TREE_KINDS.includes(k));
  if (sequence === undefined || trees.length === 0) return null;
  const tree = chooseChampion(Object.fromEntries(trees.map((k) => [k, metrics[k]])), metric) as ModelKind;
  const members: ModelKind[] = ['sequence', tree];
  return { model: BlendModel.of(members.map((name) => ({ name, model: (fitted.get(name) as { model: ChurnModel }).model }))), members };
}
