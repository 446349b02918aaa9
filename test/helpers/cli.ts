/** Runs the CLI in-process and captures what it writes to stdout (the summary) and stderr (progress, warnings, errors). */
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

export async function runCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const capture = (into: (s: string) => void) => (chunk: string | Uint8Array): boolean => {
    into(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture((s) => { stdout += s; }));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture((s) => { stderr += s; }));
  try {
    return { code: await main(['node', 'churnscope', ...args]), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
