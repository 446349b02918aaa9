/**
 * Mutation testing of churnscope's core (`npm run mutation`): Stryker plants one small change at a
 * time (a `<` for `<=`, a dropped term, a flipped condition) in the maths below and reruns the unit
 * tests that cover it; a change no test notices is a gap in the suite. Incremental: a rerun only
 * retests mutants in code or tests changed since the file below was written. On demand and before
 * a release; not part of `npm test`. Scores per folder and the equivalent mutants: README, Tests.
 */
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/evaluate/**/*.ts',
    // The models' maths: fits, likelihoods, survival curves, splits, tree walks and SHAP. Their
    // plumbing is left out: parameter schemas and tables, state schemas, the model file, loading,
    // migration and the registry (zod checks and file handling, tested by their errors in
    // test/models/model-file and params), worker pools and WebAssembly loaders (threads and bytes;
    // their results are checked bit for bit against the plain walks). The GRU (sequence/) trains
    // for seconds in every test that reaches it: hours under Stryker; run it on its own when it
    // changes: npm run mutation -- --mutate 'src/models/sequence/**/*.ts' (add its tests).
    'src/models/{cox,cox-likelihood,cox-ph-test,kaplan-meier,logistic,linalg,linear-design,linear-terms,blend,duration-leak,sigmoid,gauss-legendre}.ts',
    'src/models/boosting/{boosting,grow,split,histogram,linear-init,bin-rows,newton-step,pool-jobs}.ts',
    'src/models/forest/{forest,tree,grow,binning}.ts',
    'src/models/trees/{tree-shap,shap-tables,shap-quadrature,tree-walk}.ts',
    'src/data/**/*.ts',
    'src/ingest/cells.ts',
    'src/features/**/*.ts',
    'src/labels/**/*.ts',
    // The scoring maths; the job's plumbing (threads, streams, files) is tested end to end instead.
    'src/score/batch/{early-warning,reasons,value,survival,string-codes,score-typed,model-matrix}.ts',
    'src/score/drift/*.ts',
    'src/score/list/*.ts',
    'src/io/atomic.ts',
  ],
  // A mutant reached only while modules load or in beforeAll (the catalogue's prose, default
  // parameters) would rerun every test; they are ignored, and counted as such in the report.
  // Tests therefore fit models and build snapshots inside each test, where Stryker sees them.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['html', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  clearTextReporter: { allowEmojis: false, logTests: false, reportMutants: false },
  concurrency: 2, // the machine's two cores
  timeoutMS: 10000,
  thresholds: { high: 80, low: 60, break: null },
  ignorePatterns: ['dist', 'notebooks', 'docs', 'reports', 'bench', 'demo-output', 'pipelines'],
  tempDirName: '.stryker-tmp',
};
