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
    'src/models/**/*.ts',
    '!src/models/forest/walk-wasm.ts', // the kernel's bytes, checked against walk.wat by a test
    '!src/models/**/worker.ts',
    // The GRU trains for seconds in every test that reaches it: hours under Stryker. Run it on its
    // own when it changes: npm run mutation -- --mutate 'src/models/sequence/**/*.ts' (add its tests).
    '!src/models/sequence/**',
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
