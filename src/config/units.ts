/** The unit a config's tenure role counts in: its own setting, else the duration's when tenure is the duration, else months. */
import type { TableConfig, TimeUnit } from './schema.js';

export function tenureUnitOf(config: Pick<TableConfig, 'tenure_unit' | 'duration_unit' | 'duration' | 'roles'>): TimeUnit {
  return config.tenure_unit ?? (config.roles.tenure !== undefined && config.roles.tenure === config.duration ? config.duration_unit : 'months');
}
