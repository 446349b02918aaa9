/** Temporary folders for tests, removed after the test file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export function tempDir(prefix = 'churnscope-'): { dir: string; write(name: string, text: string): string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(name: string, text: string): string {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}
