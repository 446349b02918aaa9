/**
 * A pipeline definition (pipelines/*.yaml): its parameters and its stages in order, each a
 * churnscope command with the files it reads and the outputs it writes into the run folder.
 * `${name}` in a command or an input is a parameter's value, `${out}` the run folder.
 */
import { z } from 'zod';
import { configIssue, readConfigFile } from '../../config/load.js';
import { UsageError } from '../../errors.js';

const name = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'expected a lower-case name (letters, digits, - and _)');

const paramSchema = z.strictObject({
  doc: z.string().default(''),
  default: z.union([z.string(), z.number()]).transform(String).optional(),
});

const stageSchema = z.strictObject({
  name,
  doc: z.string().default(''),
  /** The churnscope command and its arguments (no `run`: pipelines do not nest). */
  command: z.array(z.union([z.string(), z.number()]).transform(String)).min(1).refine((c) => c[0] !== 'run', 'a stage cannot run a pipeline'),
  /** Files or folders the stage reads besides earlier stages' outputs it names: hashed to tell whether it must run again. */
  inputs: z.array(z.string()).default([]),
  /** Paths under the run folder the stage writes (files or folders), as `${out}/<path>` in its command. */
  outputs: z.array(z.string().min(1)).min(1),
});

const pipelineSchema = z.strictObject({
  name,
  doc: z.string().default(''),
  params: z.record(name, paramSchema).default({}),
  stages: z.array(stageSchema).min(1)
    .refine((s) => new Set(s.map((x) => x.name)).size === s.length, 'two stages have the same name'),
});

export type PipelineDefinition = z.output<typeof pipelineSchema>;
export type StageDefinition = PipelineDefinition['stages'][number];

export function loadPipeline(file: string): PipelineDefinition {
  const parsed = pipelineSchema.safeParse(readConfigFile(file));
  if (!parsed.success) throw configIssue(parsed.error, file);
  return parsed.data;
}

/** The parameters' values: given ones, else defaults; every one must have a value. */
export function resolveParams(def: PipelineDefinition, given: Readonly<Record<string, string>>, file: string): Record<string, string> {
  for (const key of Object.keys(given)) {
    if (def.params[key] === undefined) {
      const known = Object.keys(def.params);
      throw new UsageError(`the pipeline ${def.name} has no parameter --${key}${known.length === 0 ? '' : `; it takes ${known.map((k) => `--${k}`).join(', ')}`}`, { file, key });
    }
  }
  const out: Record<string, string> = {};
  for (const [key, p] of Object.entries(def.params)) {
    const value = given[key] ?? p.default;
    if (value === undefined) throw new UsageError(`the pipeline ${def.name} needs --${key} <value>${p.doc === '' ? '' : ` (${p.doc})`}`, { file, key });
    out[key] = value;
  }
  return out;
}

/** `text` with `${name}` replaced from `vars`; an unknown name is an error naming the stage. */
export function substitute(text: string, vars: Readonly<Record<string, string>>, where: string, file: string): string {
  return text.replace(/\$\{([a-z][a-z0-9_-]*)\}/g, (_, key: string) => {
    const value = vars[key];
    if (value === undefined) throw new UsageError(`${where} uses \${${key}}, which is neither a parameter nor out`, { file, key });
    return value;
  });
}
