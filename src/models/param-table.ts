/**
 * The README's table of every model's parameters, written from their schemas (npm run schema
 * rewrites it between its markers; a test fails when the README's copy is stale).
 */
import { z } from 'zod';
import { MODEL_PARAM_SCHEMAS } from './param-schemas.js';

interface JsonProperty {
  type?: string; enum?: unknown[]; const?: unknown; anyOf?: JsonProperty[]; default?: unknown; description?: string;
  minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number;
}

function allowed(q: JsonProperty): string {
  if (q.enum !== undefined) return q.enum.map((e) => JSON.stringify(e)).join(', ');
  if (q.const !== undefined) return JSON.stringify(q.const);
  if (q.anyOf !== undefined) return q.anyOf.map(allowed).join(' or ');
  if (q.type === 'array') return 'list of names';
  if (q.type === 'object') return 'feature: -1, 0 or 1';
  const max = q.maximum === Number.MAX_SAFE_INTEGER ? undefined : q.maximum; // zod's bound on a whole number: none
  const lo = q.minimum !== undefined ? `≥ ${q.minimum}` : q.exclusiveMinimum !== undefined ? `> ${q.exclusiveMinimum}` : '';
  const hi = max !== undefined ? `≤ ${max}` : q.exclusiveMaximum !== undefined ? `< ${q.exclusiveMaximum}` : '';
  return [q.type === 'integer' ? 'whole number' : 'number', [lo, hi].filter((s) => s !== '').join(', ')].filter((s) => s !== '').join(' ');
}

export const PARAM_TABLE_START = '<!-- model parameters: written by npm run schema -->';
export const PARAM_TABLE_END = '<!-- end of model parameters -->';

export function modelParamsTable(): string {
  const rows = ['| model | parameter | default | allowed | meaning |', '|---|---|---|---|---|'];
  for (const [kind, schema] of Object.entries(MODEL_PARAM_SCHEMAS)) {
    const { properties } = z.toJSONSchema(schema, { io: 'input' }) as { properties: Record<string, JsonProperty> };
    for (const [key, p] of Object.entries(properties)) {
      rows.push(`| ${kind} | \`${key}\` | \`${JSON.stringify(p.default)}\` | ${allowed(p)} | ${(p.description ?? '').replaceAll('|', '\\|')} |`);
    }
  }
  return `${PARAM_TABLE_START}\n${rows.join('\n')}\n${PARAM_TABLE_END}`;
}
