/**
 * Runs a pipeline's stages in order (`churnscope run`). Each stage is a churnscope command run in
 * this process; its outputs are written as every command writes them (to a temporary name,
 * renamed at the end), and the stage is done only once its manifest is written, last. Before a
 * stage runs its old manifest is removed: a run killed midway leaves the stages before it done and
 * this one not, and the next run resumes there. A stage whose command and inputs hash as its
 * manifest says, and whose outputs are still as it wrote them, is skipped.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChurnscopeError, InputError } from '../../errors.js';
import { tempPathFor, toStableJson } from '../../io/atomic.js';
import { contentHash, type ContentHash } from '../../io/content-hash.js';
import { withDuckDB } from '../../io/duckdb.js';
import { withInputFiles } from '../../io/input-file.js';
import { readJsonFile } from '../../io/json-file.js';
import { openTable } from '../../io/open-table.js';
import { note } from '../../io/progress.js';
import { formatOf } from '../../io/table-format.js';
import { readEvaluation } from '../../evaluate/files/evaluation-file.js';
import { loadPipeline, resolveParams, substitute, type PipelineDefinition, type StageDefinition } from './definition.js';
import { STAGE_MANIFEST, STAGE_MANIFEST_FORMAT, STAGE_MANIFEST_VERSION, type StageManifest } from './stage-manifest.js';

export interface PipelineOptions {
  /** The pipeline definition (YAML or JSON). */
  file: string;
  /** The run folder: every stage's outputs and `stages/`, its manifests. */
  out: string;
  params?: Readonly<Record<string, string>>;
  /** Runs one churnscope command, e.g. ['score', '--model', …]; throws when it fails. */
  execute: (argv: readonly string[]) => Promise<void>;
}

export interface StageOutcome {
  stage: string;
  status: 'ran' | 'skipped';
  seconds: number;
  rows: number | null;
}

/** Where a stage's manifest lives in the run folder. */
const stageManifestPath = (out: string, stage: string): string => join(out, 'stages', `${stage}.json`);

/** The manifest a completed stage left, or null (never run, killed, or not readable as ours). */
function previousManifest(out: string, stage: string): StageManifest | null {
  const file = stageManifestPath(out, stage);
  if (!existsSync(file)) return null;
  try {
    return readJsonFile(file, STAGE_MANIFEST);
  } catch {
    return null;
  }
}

/** Rows of an output: a table's rows, a run folder's training rows; null for anything else. */
async function outputRows(path: string, kind: ContentHash['kind']): Promise<number | null> {
  if (kind === 'folder') return existsSync(join(path, 'evaluation.json')) ? readEvaluation(path).dataset.rows : null;
  try {
    formatOf(path);
  } catch {
    return null; // not a table (a manifest, a model, a report page)
  }
  return withInputFiles([{ path, what: 'the stage output' }], ([file]) => withDuckDB(async (con) => {
    await openTable(con, 'output', file, { text: true });
    return Number((await con.runAndReadAll('SELECT count(*)::BIGINT::DOUBLE FROM output')).getRowsJS()[0][0]);
  }));
}

interface Planned {
  command: string[];
  inputs: { path: string; hash: ContentHash }[];
  fingerprint: string;
}

/**
 * A stage's command and inputs with the parameters filled in, and its fingerprint. The run folder
 * stays `${out}` in the fingerprint and the manifest: a run folder moved elsewhere is still up to date.
 */
async function plan(def: PipelineDefinition, stage: StageDefinition, params: Record<string, string>, out: string, file: string): Promise<Planned & { shown: { command: string[]; inputs: string[] } }> {
  const where = `stage ${stage.name}`;
  const symbolic = (text: string): string => substitute(text, { ...params, out: '${out}' }, where, file);
  const real = (text: string): string => symbolic(text).replaceAll('${out}', out);
  const shown = { command: stage.command.map(symbolic), inputs: stage.inputs.map(symbolic) };
  const inputs: Planned['inputs'] = [];
  for (const raw of stage.inputs) {
    const path = real(raw);
    const hash = await contentHash(path);
    if (hash === null) throw new InputError(`the ${where} of pipeline ${def.name} reads ${path}, which does not exist (an earlier stage's output, or a file to give as a parameter)`, { file: path });
    inputs.push({ path, hash });
  }
  const fingerprint = createHash('sha256').update(JSON.stringify({ command: shown.command, inputs: shown.inputs.map((p, j) => [p, inputs[j].hash.sha256]) })).digest('hex');
  return { command: stage.command.map(real), inputs, fingerprint, shown };
}

/** Whether a stage's manifest still describes it: the same command and inputs, its outputs as it wrote them. */
async function upToDate(manifest: StageManifest | null, planned: Planned, out: string): Promise<boolean> {
  if (manifest === null || manifest.fingerprint !== planned.fingerprint) return false;
  for (const o of manifest.outputs) if ((await contentHash(join(out, o.path)))?.sha256 !== o.sha256) return false;
  return true;
}

export async function runPipeline(options: PipelineOptions): Promise<StageOutcome[]> {
  const def = loadPipeline(options.file);
  const params = resolveParams(def, options.params ?? {}, options.file);
  const out = options.out;
  await mkdir(join(out, 'stages'), { recursive: true });
  const outcomes: StageOutcome[] = [];
  const n = def.stages.length;
  for (const [k, stage] of def.stages.entries()) {
    const tag = `[${k + 1}/${n}] ${stage.name}`;
    const planned = await plan(def, stage, params, out, options.file);
    const before = previousManifest(out, stage.name);
    if (await upToDate(before, planned, out)) {
      note(`${tag}: unchanged, skipped`);
      outcomes.push({ stage: stage.name, status: 'skipped', seconds: 0, rows: before?.rows ?? null });
      continue;
    }
    note(`${tag}: churnscope ${planned.command.join(' ')}`);
    // Not done until its new manifest is written: a kill from here on leaves the stage to run again.
    await rm(stageManifestPath(out, stage.name), { force: true });
    const started = performance.now();
    try {
      await options.execute(planned.command);
    } catch (e) {
      if (e instanceof ChurnscopeError) throw new ChurnscopeError(e.code, `stage ${stage.name} of pipeline ${def.name}: ${e.message}`, e.context, { cause: e });
      throw e;
    }
    const seconds = (performance.now() - started) / 1000;
    const outputs: StageManifest['outputs'] = [];
    for (const rel of stage.outputs) {
      const path = join(out, rel);
      const hash = await contentHash(path);
      if (hash === null) throw new ChurnscopeError('usage', `stage ${stage.name} of pipeline ${def.name} declares the output ${rel}, which its command did not write`, { file: options.file });
      outputs.push({ path: rel, ...hash, rows: await outputRows(path, hash.kind) });
    }
    const counted = outputs.filter((o) => o.rows !== null);
    const rows = counted.length === 0 ? null : counted.reduce((a, o) => a + (o.rows ?? 0), 0);
    const manifest: StageManifest = {
      format: STAGE_MANIFEST_FORMAT,
      version: STAGE_MANIFEST_VERSION,
      pipeline: def.name,
      stage: stage.name,
      command: planned.shown.command,
      params,
      fingerprint: planned.fingerprint,
      inputs: planned.inputs.map((i, j) => ({ path: planned.shown.inputs[j], ...i.hash })),
      outputs,
      seconds: Math.round(seconds * 1000) / 1000,
      rows,
    };
    const target = stageManifestPath(out, stage.name);
    const tmp = tempPathFor(target);
    await writeFile(tmp, toStableJson(manifest));
    await rename(tmp, target);
    note(`${tag}: done in ${seconds.toFixed(1)} s${rows === null ? '' : `, ${rows.toLocaleString('en')} rows`}`);
    outcomes.push({ stage: stage.name, status: 'ran', seconds, rows });
  }
  return outcomes;
}
