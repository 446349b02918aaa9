/**
 * The tests Stryker reruns against each mutant (`npm run mutation`): the fast unit tests of the
 * mutated folders, on small hand-made inputs with hand-worked or reference values. The slow
 * end-to-end tests (training on Telco, the CLI, the report in a browser) stay in `npm test` only.
 * Each test here must pass alone: Stryker reruns only the tests that reach a mutant.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/evaluate/**/*.test.ts',
      'test/models/{sigmoid,logistic,logistic-unit,linalg,cox-likelihood,survival,linear-reference,cox-baseline,cox-strata,cox-checks,penalized,contributions,forest-unit,model-file,feature-order,tree-shap,tree-walk,shap-quadrature,boosting-unit,boosting-fit,blend,duration-leak,linear-design,cox-fit}.test.ts',
      'test/data/**/*.test.ts',
      'test/ingest/cells-sql.test.ts',
      'test/features/**/*.test.ts',
      'test/labels/**/*.test.ts',
      'test/panel/sequence-family.test.ts',
      'test/score/{top-reasons,reason-sentences,actions,drift-unit,list-boundaries,list,value,merge,score-typed,early-warning}.test.ts',
      'test/io/atomic-faults.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
