/**
 * The starter config `churnscope init` writes: YAML with a comment on every guess, the open
 * questions at the top, and a pointer to the JSON Schema so editors complete and check keys.
 */
import { Document, isScalar, isSeq, Scalar, type Pair, type YAMLMap } from 'yaml';
import { ROLE_NAMES, tableConfigObject } from '../schema.js';
import type { Guesses } from './guess.js';
import type { TableProfile } from './profile.js';

export interface StarterOptions {
  /** The data file as the config should name it (relative to the config's folder). */
  source: string;
  /** The JSON Schema as the config should point at it, or null to leave the pointer out. */
  schema: string | null;
}

/** Whether the config schema has a key (init writes newer keys only when the schema knows them). */
const schemaHas = (key: string): boolean => key in tableConfigObject.shape;

export function starterConfig(p: TableProfile, g: Guesses, opts: StarterOptions): string {
  const CHOOSE = 'CHOOSE';
  const config: Record<string, unknown> = { source: opts.source };
  if (g.id !== null) config.id = g.id.column;
  config.target = { column: g.target?.column ?? CHOOSE, churned: g.target?.churned ?? CHOOSE };
  if (g.duration !== null) config.duration = g.duration;
  // When the tenure is the duration its unit is the duration's (tenure_unit follows duration_unit).
  const unitKey = g.duration !== null ? 'duration_unit' : 'tenure_unit';
  if (g.tenureUnit !== null) config[unitKey] = g.tenureUnit.unit;
  const roles: Record<string, string | string[]> = {};
  for (const role of ROLE_NAMES) {
    const r = g.roles[role];
    if (r !== undefined) roles[role] = r.columns.length === 1 ? r.columns[0] : r.columns;
  }
  config.roles = roles;
  config.drop = [];
  if (g.excludeFromSurvival.length > 0) config.exclude_from_survival = g.excludeFromSurvival;
  if (g.missingValues.length > 0 && schemaHas('missing_values')) config.missing_values = g.missingValues;

  const doc = new Document(config);
  const sample = p.sampled ? `the first ${p.rows.toLocaleString('en')} rows` : `all ${p.rows.toLocaleString('en')} rows`;
  const header = [
    ...(opts.schema === null ? [] : [` yaml-language-server: $schema=${opts.schema}`]),
    ` churnscope config, written by \`churnscope init\` from the header and ${sample} of`,
    ` ${opts.source}. Every guess carries a comment; check those marked CHECK, then run`,
    '   churnscope train --config <this file> --out <run folder>',
    ' Keys and defaults: schema/config.schema.json and the README ("A customer table").',
  ];
  if (g.undecided.length > 0) header.push('', ' Could not decide (please check):', ...g.undecided.map((u) => ` - ${u}`));
  if (g.missingValues.length > 0 && !schemaHas('missing_values')) header.push('', ` Cells holding ${g.missingValues.map((t) => `"${t}"`).join(', ')} look like missing values: replace them with blanks before training.`);
  doc.commentBefore = header.join('\n');

  const root = doc.contents as YAMLMap;
  const pair = (key: string): Pair | undefined => root.items.find((it) => isScalar(it.key) && it.key.value === key);
  // A scalar or a list (written inline) with a comment after it.
  const note = (path: string[], text: string): void => {
    const node = doc.getIn(path, true);
    if (isScalar(node)) node.comment = ` ${text}`;
    else if (isSeq(node)) {
      node.flow = true;
      node.comment = ` ${text}`;
    }
  };
  const before = (key: string, text: string): void => {
    const it = pair(key);
    if (it !== undefined && isScalar(it.key)) it.key.commentBefore = text.split('\n').map((l) => ` ${l}`).join('\n');
  };

  note(['source'], 'relative to this file');
  const aboveTarget: string[] = [];
  if (g.id !== null) note(['id'], g.id.note);
  else aboveTarget.push('id: none found; customers are numbered by row');
  note(['target', 'column'], g.target === null ? 'CHECK: no two-valued column named like churn' : g.target.note);
  const churned = doc.getIn(['target', 'churned'], true);
  if (isScalar(churned)) {
    churned.type = Scalar.QUOTE_DOUBLE; // "Yes" and "1" stay text, whatever YAML version reads them
    churned.comment = g.target === null ? ' CHECK' : ` the other value, "${g.target.stayed}", means stayed`;
  }
  if (g.twoValued.length > 0) aboveTarget.push(`other two-valued columns: ${g.twoValued.slice(0, 8).map((c) => c.name).join(', ')}${g.twoValued.length > 8 ? ', …' : ''}`);
  if (aboveTarget.length > 0) before('target', aboveTarget.join('\n'));
  if (g.duration !== null) note(['duration'], 'time on network, for the survival model (cox)');
  if (g.tenureUnit !== null) note([unitKey], g.tenureUnit.note);
  before('roles', 'Columns carrying telecom signals (a list is summed). Roles: ' + ROLE_NAMES.join(', '));
  for (const [role, r] of Object.entries(g.roles)) note(['roles', role], r.note);
  if (Object.keys(roles).length === 0) note(['roles'], 'CHECK: no column name suggested a role');
  before('drop', 'Columns not to use as features (identifiers, leaks)');
  if (g.excludeFromSurvival.length > 0) note(['exclude_from_survival'], 'lifetime totals grow with tenure: they would leak the duration into the Cox model');
  return doc.toString({ lineWidth: 0 });
}
