/**
 * Model parameters checked against their schema (in snake_case, like the rest of the config): an
 * unknown key or a value of the wrong type or out of range is a config error naming the model, the
 * key and what is allowed. The config checks `model_params` with the same schemas before any work.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';

/** A model's parameter object: unknown keys refused with the model's name and its allowed keys. */
export function modelParamsObject<T extends z.core.$ZodLooseShape>(kind: string, shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown parameter ${iss.keys.map((k) => `"${k}"`).join(', ')} for ${kind}; allowed: ${allowed}` : undefined),
  });
}

export function parseModelParams<S extends z.ZodObject>(schema: S, raw: Record<string, unknown>, kind: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.path.map(String);
  const key = ['model_params', kind, ...(issue.code === 'unrecognized_keys' ? [issue.keys[0]] : path)].join('.');
  const message = issue.code === 'unrecognized_keys' ? issue.message : `${issue.message} (parameters of ${kind}: ${Object.keys(schema.shape).join(', ')})`;
  throw new ConfigError(message, { key });
}
