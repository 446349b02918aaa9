/**
 * Model parameters checked against their schema when a model is configured: an unknown key or a
 * value of the wrong type or out of range is a config error naming the key and what is allowed.
 */
import type { z } from 'zod';
import { ConfigError } from '../errors.js';

export function parseModelParams<S extends z.ZodObject>(schema: S, raw: Record<string, unknown>, kind: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const allowed = Object.keys(schema.shape).join(', ');
  const path = issue.path.map(String);
  const key = ['model_params', kind, ...(issue.code === 'unrecognized_keys' ? [issue.keys[0]] : path)].join('.');
  const message = issue.code === 'unrecognized_keys'
    ? `unknown parameter "${issue.keys[0]}" for ${kind}; allowed: ${allowed}`
    : `${issue.message} (parameters of ${kind}: ${allowed})`;
  throw new ConfigError(message, { key });
}
