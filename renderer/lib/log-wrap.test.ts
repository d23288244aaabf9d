import { describe, expect, it } from 'vitest';
import { lineAtRow, rowsFor, visualLength, wrapOffsets } from './log-wrap';

describe('wrapped log layout', () => {
  it('counts the columns a line takes: colour codes none, wide characters two, a tab eight', () => {
    expect(visualLength('hello')).toBe(5);
    expect(visualLength('\x1b[31mred\x1b[0m')).toBe(3);
    expect(visualLength('日本')).toBe(4);
    expect(visualLength('a😀b')).toBe(4);
    expect(visualLength('\tx')).toBe(9);
  });

  it('gives each line the rows it needs and finds the line at any row', () => {
    const lengths = [0, 80, 81, 200, 5];
    expect(lengths.map((l) => rowsFor(l, 80))).toEqual([1, 1, 2, 3, 1]);
    const off = wrapOffsets(lengths.length, (i) => lengths[i]!, 80);
    expect([...off]).toEqual([0, 1, 2, 4, 7, 8]);
    expect([0, 1, 2, 3, 4, 6, 7, 100].map((r) => lineAtRow(off, r))).toEqual([0, 1, 2, 2, 3, 3, 4, 4]);
    expect(lineAtRow(wrapOffsets(0, () => 0, 80), 5)).toBe(0);
  });

  it('lays out 200,000 lines at once', () => {
    const off = wrapOffsets(200_000, (i) => (i % 7) * 50, 100);
    expect(off[200_000]).toBeGreaterThan(200_000);
    expect(lineAtRow(off, off[123_456]!)).toBe(123_456);
  });
});
