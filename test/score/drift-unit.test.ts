/**
 * The drift check on a hand-made input and reference: the input's shares in each training bin
 * (right-closed numeric bins, non-finite and unreadable numbers as missing, unknown levels and
 * missing text as "other"), each column's PSI, and when the check warns, refuses or steps aside.
 */
import { describe, expect, it, vi } from 'vitest';
import type { DriftReference } from '../../src/data/drift-reference.js';
import { DriftError, InputError } from '../../src/errors.js';
import { withDuckDB } from '../../src/io/duckdb.js';
import type { SavedModel } from '../../src/models/artifact.js';
import type { LoadedModel } from '../../src/models/load-model.js';
import { checkDrift } from '../../src/score/drift/drift-check.js';
import { measureDrift, psi } from '../../src/score/drift/drift.js';

// Training: n in bins ≤ 1, (1, 2], > 2, missing with shares 0.5, 0.25, 0.25, 0; plan a and b half each.
const REFERENCE: DriftReference = {
  rows: 100,
  columns: [
    { kind: 'numeric', column: 'n', edges: [1, 2], shares: [0.5, 0.25, 0.25, 0] },
    { kind: 'categorical', column: 'plan', levels: ['a', 'b'], shares: [0.5, 0.5, 0] },
  ],
};
// Input: n 0.5 and 1 (≤ 1), 2 and 1.5 ((1, 2]), 2.5 (> 2), and three missing: text, blank, infinity.
// plan: a three times, b twice, then c, a missing value and "" (none a known level).
const ROWS = [['0.5', 'a'], ['1', 'a'], ['2', 'b'], ['2.5', 'c'], ['abc', null], [null, ''], ['inf', 'a'], ['1.5', 'b']];
// PSI by hand (Python), training's empty bin floored at 1e-4.
const PSI_N = 3.3451739112097543;
const PSI_PLAN = 3.294490772696234;

const loaded = (reference: DriftReference | null, limit = 0.25): LoadedModel =>
  ({ saved: { drift_reference: reference, scoring: { drift_limit: limit } } as unknown as SavedModel, text: '' }) as unknown as LoadedModel;

async function onInput<T>(rows: readonly (readonly (string | null)[])[], work: (con: Parameters<Parameters<typeof withDuckDB>[0]>[0]) => Promise<T>): Promise<T> {
  return withDuckDB(async (con) => {
    await con.run('CREATE TABLE src (n VARCHAR, plan VARCHAR)');
    for (const [n, plan] of rows) await con.run(`INSERT INTO src VALUES (${n === null ? 'NULL' : `'${n}'`}, ${plan === null ? 'NULL' : `'${plan}'`})`);
    return work(con);
  });
}

describe('population stability index', () => {
  it('sums (a − e)·ln(a/e), empty bins floored at 1e-4, and needs bins that match', () => {
    expect(psi([0.5, 0.25, 0.25, 0], [0.25, 0.25, 0.125, 0.375])).toBeCloseTo(PSI_N, 12);
    expect(psi([0.25, 0.25, 0.25, 0.25, 0], [0.375, 0.25, 0.25, 0.125, 0])).toBeCloseTo(0.1373265360835137, 12);
    expect(psi([1, 0], [1, 0])).toBe(0);
    expect(() => psi([0.5, 0.5], [1])).toThrow('psi: 2 expected shares but 1 actual');
  });
});

describe('measuring drift', () => {
  it('bins the input as training did and gives each column its PSI', async () => {
    const { rows, features } = await onInput(ROWS, (con) => measureDrift(con, 'src', REFERENCE, 'in.csv'));
    expect(rows).toBe(8);
    expect(features.map((f) => [f.feature, f.shares])).toEqual([['n', [0.25, 0.25, 0.125, 0.375]], ['plan', [0.375, 0.25, 0.375]]]);
    expect(features[0].psi).toBeCloseTo(PSI_N, 12);
    expect(features[1].psi).toBeCloseTo(PSI_PLAN, 12);
    // An empty input: no rows, shares all 0.
    const empty = await onInput([], (con) => measureDrift(con, 'src', REFERENCE, 'in.csv'));
    expect([empty.rows, empty.features[0].shares]).toEqual([0, [0, 0, 0, 0]]);
    // No reference columns: just the rows.
    expect(await onInput(ROWS, (con) => measureDrift(con, 'src', { rows: 1, columns: [] }, 'in.csv'))).toEqual({ rows: 8, features: [] });
    const unread = await onInput(ROWS, (con) => measureDrift(con, 'nothing', REFERENCE, 'in.csv')).catch((e: unknown) => e);
    expect(unread).toBeInstanceOf(InputError);
    expect(unread).toMatchObject({ message: expect.stringMatching(/^the drift check cannot read the input: Catalog Error: Table with name nothing does not exist!$/) as unknown as string, context: { file: 'in.csv', key: 'drift_reference' } });
    expect((unread as Error).cause).toBeInstanceOf(Error);
    // A text column training never saw a level of: everything is "other", as in training.
    const levelless = await onInput(ROWS, (con) => measureDrift(con, 'src', { rows: 4, columns: [{ kind: 'categorical', column: 'plan', levels: [], shares: [1] }] }, 'in.csv'));
    expect(levelless.features).toEqual([{ feature: 'plan', psi: 0, shares: [1] }]);
  });
});

describe('the drift check', () => {
  const quiet = (): void => { vi.spyOn(process.stderr, 'write').mockImplementation(() => true); };

  it('refuses past the limit, naming the worst columns first', async () => {
    quiet();
    const refused = await onInput(ROWS, (con) => checkDrift(con, loaded(REFERENCE), { file: 'in.csv' })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DriftError);
    expect((refused as DriftError).message).toBe('the input has drifted from the training data past the PSI limit 0.25: n 3.345, plan 3.294.');
    expect((refused as DriftError).features).toEqual([{ feature: 'n', psi: 3.345174 }, { feature: 'plan', psi: 3.294491 }]);
    expect((refused as DriftError).context).toMatchObject({ file: 'in.csv', column: 'n', key: 'drift_limit' });
    vi.restoreAllMocks();
  });

  it('scores anyway when allowed, or under a higher limit, and says why', async () => {
    quiet();
    const allowed = await onInput(ROWS, (con) => checkDrift(con, loaded(REFERENCE), { file: 'in.csv', allow: true }));
    expect(allowed).toEqual({
      limit: 0.25, allowed: true, checked: true, max_psi: 3.345174,
      features: [{ feature: 'n', psi: 3.345174 }, { feature: 'plan', psi: 3.294491 }],
      warnings: [
        'PSI above 0.1 (the input has shifted from the training data): n 3.345, plan 3.294',
        'PSI above the limit 0.25, scored anyway (--allow-drift): n 3.345, plan 3.294',
      ],
    });
    const higher = await onInput(ROWS, (con) => checkDrift(con, loaded(REFERENCE, 0.25), { file: 'in.csv', limit: 3.4 }));
    expect([higher.limit, higher.allowed, higher.warnings]).toEqual([3.4, false, ['PSI above 0.1 (the input has shifted from the training data): n 3.345, plan 3.294']]);
    vi.restoreAllMocks();
  });

  it('a PSI exactly at the limit is not past it; below 0.1 nothing is said', async () => {
    quiet();
    const reference: DriftReference = { rows: 8, columns: [{ kind: 'numeric', column: 'n', edges: [1, 2, 3], shares: [0.25, 0.25, 0.25, 0.25, 0] }] };
    // ≤ 1: 3, (1, 2]: 2, (2, 3]: 2, > 3: 1 -> 0.375, 0.25, 0.25, 0.125: PSI 0.137327.
    const moderate = [['0', 'a'], ['1', 'a'], ['1', 'a'], ['2', 'a'], ['1.5', 'a'], ['3', 'a'], ['2.5', 'a'], ['9', 'a']];
    const at = await onInput(moderate, (con) => checkDrift(con, loaded(reference, 0.137327), { file: 'in.csv' }));
    expect([at.max_psi, at.warnings]).toEqual([0.137327, ['PSI above 0.1 (the input has shifted from the training data): n 0.137']]);
    const same = await onInput(moderate, (con) => checkDrift(con, loaded({ rows: 8, columns: [{ ...reference.columns[0], shares: [0.375, 0.25, 0.25, 0.125, 0] }]}), { file: 'in.csv' }));
    expect([same.max_psi, same.warnings, same.checked]).toEqual([0, [], true]);
    vi.restoreAllMocks();
  });

  it('steps aside without a training reference or without rows', async () => {
    quiet();
    const v1 = await onInput(ROWS, (con) => checkDrift(con, loaded(null), { file: 'in.csv' }));
    expect(v1).toEqual({
      limit: 0.25, allowed: false, checked: false, max_psi: null, features: [],
      warnings: ['drift not checked: the model file (format version 1) has no training reference distributions; retrain it to enable the check'],
    });
    const empty = await onInput([], (con) => checkDrift(con, loaded(REFERENCE), { file: 'in.csv' }));
    expect(empty).toEqual({ limit: 0.25, allowed: false, checked: false, max_psi: null, features: [], warnings: ['drift not checked: the input has no rows'] });
    vi.restoreAllMocks();
  });

  it('names at most five columns, worst first, equal PSIs by name, then how many more; a PSI of exactly 0.1 is no shift', async () => {
    const said = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    // Every column of the input is half x, half y; training had x with share e. PSI = (0.5 − e)·ln((1 − e)/e):
    // g 0.878890, b and c 0.415888, a 0.274653, d 0.169460, f 0.1 (e solved for it), e 0.092856.
    const e = { a: 0.25, c: 0.2, b: 0.2, d: 0.3, e: 0.35, f: 0.34452538334401694, g: 0.1 }; // c before b: the tie is sorted, not kept
    const reference: DriftReference = { rows: 8, columns: Object.entries(e).map(([column, x]) => ({ kind: 'categorical', column, levels: ['x', 'y'], shares: [x, 1 - x, 0] })) };
    const check = (options: { allow?: boolean }): Promise<unknown> => withDuckDB(async (con) => {
      await con.run(`CREATE TABLE src AS SELECT ${Object.keys(e).map((c) => `CASE WHEN i % 2 = 0 THEN 'x' ELSE 'y' END AS ${c}`).join(', ')} FROM range(8) t(i)`);
      return checkDrift(con, loaded(reference, 0.01), { file: 'in.csv', ...options });
    }).catch((err: unknown) => err);
    const refused = await check({});
    expect(refused).toBeInstanceOf(DriftError);
    expect((refused as DriftError).message).toBe('the input has drifted from the training data past the PSI limit 0.01: g 0.879, b 0.416, c 0.416, a 0.275, d 0.169 and 2 more.');
    expect((refused as DriftError).features.map((f) => f.feature)).toEqual(['g', 'b', 'c', 'a', 'd', 'f', 'e']);
    expect((refused as DriftError).features[5].psi).toBe(0.1);
    expect((refused as DriftError).context).toMatchObject({ column: 'g', hint: "Check this month's extract; to score anyway, rerun with --allow-drift (or raise --drift-limit)." });
    expect(said).not.toHaveBeenCalled(); // a refusal is the error, not a warning too
    const allowed = await check({ allow: true });
    expect((allowed as { warnings: string[] }).warnings).toEqual([
      'PSI above 0.1 (the input has shifted from the training data): g 0.879, b 0.416, c 0.416, a 0.275, d 0.169',
      'PSI above the limit 0.01, scored anyway (--allow-drift): g 0.879, b 0.416, c 0.416, a 0.275, d 0.169 and 2 more',
    ]);
    expect(said.mock.calls.map((c) => c[0])).toEqual((allowed as { warnings: string[] }).warnings.map((w) => `warning: ${w}\n`));
    said.mockClear();
    // A reference without columns: rows to check, nothing to compare.
    const none = await onInput(ROWS, (con) => checkDrift(con, loaded({ rows: 8, columns: [] }), { file: 'in.csv' }));
    expect(none).toEqual({ limit: 0.25, allowed: false, checked: true, max_psi: null, features: [], warnings: [] });
    await onInput(ROWS, (con) => checkDrift(con, loaded(null), { file: 'in.csv' }));
    expect(said.mock.calls.map((c) => c[0])).toEqual(['warning: drift not checked: the model file (format version 1) has no training reference distributions; retrain it to enable the check\n']);
    vi.restoreAllMocks();
  });
});
