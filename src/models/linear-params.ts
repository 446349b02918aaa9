/** The logistic and Cox models' parameters as the config names them, with ranges and defaults. */
import { z } from 'zod';
import type { CoxParams } from './cox.js';
import type { LogisticParams } from './logistic.js';
import { modelParamsObject } from './params.js';

export const logisticParamsSchema = modelParamsObject('logistic', {
  l2: z.number().min(0).default(1).describe('L2 penalty on standardized coefficients'),
  max_iter: z.number().int().min(1).max(10_000).default(100).describe('Newton (IRLS) iterations at most'),
  tol: z.number().gt(0).default(1e-8).describe('convergence: largest change of a standardized coefficient'),
});

export const coxParamsSchema = modelParamsObject('cox', {
  l2: z.number().min(0).default(0.1).describe('L2 penalty on standardized coefficients'),
  max_iter: z.number().int().min(1).max(10_000).default(50).describe('Newton iterations at most'),
  tol: z.number().gt(0).default(1e-10).describe('convergence: change of the penalized log partial likelihood'),
  max_step: z.number().gt(0).default(5).describe('largest change of one standardized coefficient in a step'),
  ties: z.enum(['efron', 'breslow']).default('efron').describe('tied exit times'),
});

/** The logistic model's own parameter names (kept in its model files). */
export function logisticParams(p: z.output<typeof logisticParamsSchema>): LogisticParams {
  return { l2: p.l2, maxIter: p.max_iter, tol: p.tol };
}

/** The Cox model's own parameter names; its strata come from the config's survival section. */
export function coxParams(p: z.output<typeof coxParamsSchema>, strata: readonly string[]): CoxParams {
  return { l2: p.l2, maxIter: p.max_iter, tol: p.tol, maxStep: p.max_step, ties: p.ties, strata: [...strata] };
}
