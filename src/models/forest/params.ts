/** The random forest's parameters as the config names them, with ranges and defaults. */
import { z } from 'zod';
import { modelParamsObject } from '../params.js';
import type { ForestParams } from './forest.js';

export const forestParamsSchema = modelParamsObject('random_forest', {
  trees: z.number().int().min(1).max(10_000).default(300).describe('trees in the forest'),
  max_depth: z.number().int().min(1).max(64).default(12).describe('deepest split level'),
  min_samples_leaf: z.number().int().min(1).default(3).describe('fewest training rows in a leaf'),
  max_features: z.union([z.literal('sqrt'), z.number().int().min(1)]).default('sqrt').describe('features tried per split: "sqrt" of the feature count, or a count'),
  bins: z.number().int().min(2).max(255).default(255).describe('histogram bins per feature'),
  workers: z.number().int().min(0).max(64).default(0).describe('threads growing trees; 0 = one per core'),
});

/** The forest's own parameter names (kept in its model files). */
export function forestParams(p: z.output<typeof forestParamsSchema>): ForestParams {
  return { trees: p.trees, maxDepth: p.max_depth, minSamplesLeaf: p.min_samples_leaf, maxFeatures: p.max_features, bins: p.bins, workers: p.workers };
}
