/**
 * Scoring on every core: batches go to worker threads, each holding the model once, and come
 * back as typed columns whose text codes are rewritten onto one shared dictionary. With zero
 * workers the same scorer runs on the calling thread (small inputs, where starting threads
 * costs more than it saves).
 */
import type { Worker } from 'node:worker_threads';
import { ChurnscopeError, type ErrorCode, type ErrorContext } from '../../errors.js';
import { siblingModule, startWorker, watchWorker } from '../../io/worker-thread.js';
import type { SavedModel } from '../../models/artifact.js';
import { CodedScorer, type ScoredColumn, type CodedInput, type CodedOutput, type InputLayout } from './coded-scorer.js';
import type { LoadedModel } from '../../models/load-model.js';
import { CodeRemap, StringCodes } from './string-codes.js';

export interface ScorerInit {
  saved: SavedModel;
  layout: InputLayout;
}

export type WorkerReply =
  | { ok: true; output: CodedOutput }
  | { ok: false; error: { message: string; code: ErrorCode | null; context: ErrorContext } };

interface Task {
  input: CodedInput;
  resolve: (output: CodedOutput) => void;
  reject: (e: Error) => void;
}

interface Lane {
  worker: Worker | null; // null: inline
  unwatch: () => void;
  remap: CodeRemap;
  busy: Task | null;
}

export class ScorePool {
  /** Every text the scored columns' codes stand for, by code. */
  readonly texts = new StringCodes();
  private readonly lanes: Lane[] = [];
  private readonly queue: Task[] = [];
  private readonly inline: CodedScorer | null;
  private readonly codeColumns: number[];
  private failure: Error | null = null;

  constructor(loaded: LoadedModel, layout: InputLayout, schema: readonly ScoredColumn[], workers: number) {
    this.codeColumns = schema.flatMap((c, j) => (c.name === 'warning_signals' || /^reason_\d$/.test(c.name) ? [j] : []));
    if (workers <= 0) {
      this.inline = new CodedScorer(loaded, layout);
      this.lanes.push({ worker: null, unwatch: () => {}, remap: new CodeRemap(this.texts), busy: null });
      return;
    }
    this.inline = null;
    const init: ScorerInit = { saved: loaded.saved, layout };
    for (let w = 0; w < workers; w++) {
      const worker = startWorker(siblingModule(import.meta.url, 'score-worker'), init);
      const lane: Lane = { worker, unwatch: watchWorker(worker, `scoring worker ${w + 1} of ${workers}`, 'io', (e) => this.fail(e)), remap: new CodeRemap(this.texts), busy: null };
      worker.on('message', (reply: WorkerReply) => this.settle(lane, reply));
      this.lanes.push(lane);
    }
  }

  get size(): number {
    return this.lanes.length;
  }

  /** Scores one batch on the first free worker; the output's codes refer to `texts`. */
  score(input: CodedInput): Promise<CodedOutput> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const lane of this.lanes) {
      if (lane.busy !== null || this.queue.length === 0) continue;
      const task = this.queue.shift() as Task;
      lane.busy = task;
      if (lane.worker === null) {
        let reply: WorkerReply;
        try {
          reply = { ok: true, output: (this.inline as CodedScorer).score(task.input) };
        } catch (e) {
          lane.busy = null;
          task.reject(e instanceof Error ? e : new Error(String(e)));
          continue;
        }
        this.settle(lane, reply);
      } else {
        const { rowid, numeric, text } = task.input;
        lane.worker.postMessage(task.input, [rowid, ...numeric, ...text].map((a) => a.buffer as ArrayBuffer));
      }
    }
  }

  private settle(lane: Lane, reply: WorkerReply): void {
    const task = lane.busy;
    lane.busy = null;
    if (task === null) return;
    if (reply.ok) {
      lane.remap.learn(reply.output.fresh);
      for (const j of this.codeColumns) lane.remap.apply(reply.output.columns[j] as Int32Array);
      task.resolve(reply.output);
    } else {
      const { message, code, context } = reply.error;
      task.reject(code === null ? new Error(message) : new ChurnscopeError(code, message, context));
    }
    this.dispatch();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const lane of this.lanes) {
      lane.busy?.reject(e);
      lane.busy = null;
    }
    for (const task of this.queue.splice(0)) task.reject(e);
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map(async (lane) => {
      if (lane.worker === null) return;
      lane.unwatch();
      await lane.worker.terminate();
    }));
  }
}
