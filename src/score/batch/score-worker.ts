/** Worker entry: scores the coded batches it is sent with the model it was started with. */
import { parentPort, workerData } from 'node:worker_threads';
import { isChurnscopeError } from '../../errors.js';
import { exitIfTestSaysSo } from '../../io/worker-thread.js';
import { loadModel } from '../../models/registry.js';
import { CodedScorer, type CodedInput } from './coded-scorer.js';
import type { ScorerInit, WorkerReply } from './score-pool.js';

const init = workerData as ScorerInit;
const scorer = new CodedScorer({ saved: init.saved, model: await loadModel(init.saved.model), text: '' }, init.layout);

let batches = 0;
parentPort?.on('message', (input: CodedInput) => {
  exitIfTestSaysSo('score', ++batches);
  let reply: WorkerReply;
  try {
    reply = { ok: true, output: scorer.score(input) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply = { ok: false, error: { message: err.message, code: isChurnscopeError(e) ? e.code : null, context: isChurnscopeError(e) ? e.context : {} } };
  }
  // Each buffer transferred once: a model may hand back one array as two columns.
  parentPort?.postMessage(reply, reply.ok ? [...new Set(reply.output.columns.map((c) => c.buffer as ArrayBuffer))] : []);
});
