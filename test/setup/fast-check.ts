/**
 * Property tests draw their cases from one fixed seed, so a run is repeatable and CI cannot fail
 * on a draw nobody can replay. FC_SEED=<n> explores another part of the space (fast-check prints
 * the seed and the shrunk counterexample of any failure; add it to the test's `examples`).
 */
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261127) });
