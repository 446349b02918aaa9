import { describe, expect, it } from 'vitest';
import { topContributions } from '../../src/score/batch/reasons.js';
import { CodeRemap, StringCodes } from '../../src/score/batch/string-codes.js';

describe('the typed top reasons', () => {
  it('keeps each row\'s three largest positive parts, largest first, equal parts by feature name', () => {
    const features = ['tenure', 'charges', 'contract', 'complaints'];
    // Row-major, two rows: row 0 has a tie between "tenure" and "charges" (0.5) and a negative part;
    // row 1 has only one positive part.
    const parts = Float64Array.from([
      0.5, 0.5, -1, 0.2,
      -0.1, 0, 0.7, -0.3,
    ]);
    const top = topContributions(parts, 2, features, 3);
    expect(Array.from(top.feature)).toEqual([1, 0, 3, 2, -1, -1]); // "charges" < "tenure" by name
    expect(Array.from(top.contribution.subarray(0, 4))).toEqual([0.5, 0.5, 0.2, 0.7]);
    expect(Number.isNaN(top.contribution[4]) && Number.isNaN(top.contribution[5])).toBe(true);
  });

  it('breaks a tie by feature name whichever column comes first, and keeps only the first three of four equal parts', () => {
    // Names not in column order: a, c, b, d. Row 0: all four tie; row 1: "d" larger, then c and b tie.
    const features = ['a', 'c', 'b', 'd'];
    const parts = Float64Array.from([
      1, 1, 1, 1,
      0, 2, 2, 3,
    ]);
    const top = topContributions(parts, 2, features, 3);
    expect(Array.from(top.feature)).toEqual([0, 2, 1, 3, 2, 1]);
    expect(Array.from(top.contribution)).toEqual([1, 1, 1, 3, 2, 2]);
  });

  it('matches sorting every part of every row, on random parts with ties', () => {
    const features = Array.from({ length: 30 }, (_, j) => `f${String(29 - j).padStart(2, '0')}`);
    const rows = 500;
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const parts = Float64Array.from({ length: rows * features.length }, () => Math.round((rand() - 0.4) * 8) / 4); // many ties
    const top = topContributions(parts, rows, features, 3);
    for (let i = 0; i < rows; i++) {
      const expected = features
        .map((name, j) => ({ j, name, c: parts[i * features.length + j] }))
        .filter((e) => e.c > 0)
        .sort((a, b) => b.c - a.c || (a.name < b.name ? -1 : 1))
        .slice(0, 3)
        .map((e) => e.j);
      while (expected.length < 3) expected.push(-1);
      expect(Array.from(top.feature.subarray(i * 3, i * 3 + 3))).toEqual(expected);
    }
  });
});

describe('string codes', () => {
  it('gives each string one code and rewrites a producer\'s codes onto the shared dictionary', () => {
    const shared = new StringCodes();
    shared.code('a');
    const worker = new StringCodes();
    const codes = Int32Array.from([worker.code('b'), worker.code('a'), worker.code('b'), -1]);
    const remap = new CodeRemap(shared);
    remap.learn(worker.takeNew());
    remap.apply(codes);
    expect(Array.from(codes)).toEqual([1, 0, 1, -1]);
    expect(shared.values).toEqual(['a', 'b']);
    expect(worker.takeNew()).toEqual([]);
  });

  it('maps thousands of a producer\'s codes, past the remap\'s first 1,024 slots, learnt in one go or in parts', () => {
    const shared = new StringCodes();
    shared.code('x'); // shared codes are the producer's + 1
    const worker = new StringCodes();
    const codes = Int32Array.from({ length: 5000 }, (_, i) => worker.code(`s${i}`));
    const remap = new CodeRemap(shared);
    remap.learn(worker.values.slice(0, 3000)); // more than twice the first slots at once
    remap.learn(worker.values.slice(3000)); // then beyond them again
    remap.apply(codes);
    expect([codes[0], codes[1023], codes[1024], codes[2999], codes[3000], codes[4999]]).toEqual([1, 1024, 1025, 3000, 3001, 5000]);
    expect(shared.values[5000]).toBe('s4999');
  });
});
