import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Executing the notebooks is `npm run notebooks` (CI runs it after the tests); this checks the
// committed files: no outputs, and the library imported by its package name, never copied code.
const files = readdirSync('notebooks').filter((f) => f.endsWith('.ipynb')).sort();

interface Cell { cell_type: string; source: string[]; outputs?: unknown[]; execution_count?: number | null }

describe('committed notebooks', () => {
  it('are the four the README links', () => {
    expect(files).toEqual(['01-explore.ipynb', '02-compare-models.ipynb', '03-operator-panel.ipynb', '04-monthly-run.ipynb']);
    const readme = readFileSync('README.md', 'utf8');
    for (const f of files) expect(readme).toContain(`notebooks/${f}`);
  });

  for (const f of files) {
    it(`${f} carries no outputs and imports churnscope by name`, () => {
      const nb = JSON.parse(readFileSync(`notebooks/${f}`, 'utf8')) as { cells: Cell[]; metadata: { kernelspec: { name: string } } };
      expect(nb.metadata.kernelspec.name).toBe('tslab');
      const code = nb.cells.filter((c) => c.cell_type === 'code');
      for (const c of code) {
        expect(c.outputs).toEqual([]);
        expect(c.execution_count).toBeNull();
        expect(c.source.join('')).not.toMatch(/from '\.\.?\/(src|dist)/);
      }
      expect(code.some((c) => c.source.join('').includes("from 'churnscope'"))).toBe(true);
    });
  }
});
