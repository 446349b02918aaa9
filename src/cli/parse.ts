/**
 * Option parsers for the command line: each refuses a value it cannot honour before any work
 * starts (commander turns the refusal into a usage error, exit code 2, naming the option).
 */
import { InvalidArgumentError } from 'commander';

/** A whole number written as digits (no 1e3, no 12abc) within [min, max]. */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v) => {
    const n = /^[+-]?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min.toLocaleString('en')}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max.toLocaleString('en')}`}`);
    }
    return n;
  };
}

/** A finite decimal number within [min, max] (max may be Infinity). */
export function decimal(min: number, max = Number.POSITIVE_INFINITY, what = `a number of at least ${min}`): (v: string) => number {
  return (v) => {
    const x = v.trim() === '' ? Number.NaN : Number(v);
    if (!Number.isFinite(x) || x < min || x > max) throw new InvalidArgumentError(`expected ${what}`);
    return x;
  };
}

/** A share of something: a number in [0, 1]. */
export const rate = decimal(0, 1, 'a rate from 0 to 1, e.g. 0.3');

/** A cost or amount: a number ≥ 0. */
export const amount = decimal(0, Number.POSITIVE_INFINITY, 'a number of at least 0, e.g. 10');

/** A memory size as DuckDB takes it: digits and a unit (KB, MB, GB, TB; KiB…; or B), e.g. 1GB or 512MiB. */
export function memorySize(v: string): string {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$/i.exec(v);
  if (m === null || !(Number(m[1]) > 0)) throw new InvalidArgumentError('expected a size with a unit, e.g. 1GB, 512MB or 2GiB');
  return `${m[1]}${m[2]}`;
}

/** A calendar month as YYYY-MM (month 01 to 12). */
export function month(v: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(v);
  if (m === null || Number(m[2]) < 1 || Number(m[2]) > 12) throw new InvalidArgumentError('expected a month as YYYY-MM, e.g. 2025-06');
  return v;
}

/** Shard i of n: i/n with 0 ≤ i < n. */
export function shard(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (m === null || Number(m[1]) >= Number(m[2]) || Number(m[2]) > 100_000) throw new InvalidArgumentError('expected i/n with 0 <= i < n, e.g. 0/4');
  return { index: Number(m[1]), count: Number(m[2]) };
}
