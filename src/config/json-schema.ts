/**
 * The config's JSON Schema, generated from the zod schemas that validate it (so the two cannot
 * disagree): shipped as schema/config.schema.json for editors to complete and check keys.
 * `npm run schema` rewrites the file; a test fails when it is stale.
 */
import { z } from 'zod';
import { panelConfigSchema } from './panel-schema.js';
import { tableConfigObject } from './schema.js';

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(z.union([tableConfigObject, panelConfigSchema]), { io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    title: 'churnscope config',
    description: 'A customer table (source, target, roles, ...) or an operator panel ("kind": "panel"). YAML or JSON. See the README, "A customer table" and "An operator panel".',
  };
}
