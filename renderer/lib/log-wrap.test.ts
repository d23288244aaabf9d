import { describe, expect, it } from 'vitest';
import { lineAtRow, rowsFor, visualLength, WrapLayout, wrapOffsets } from './log-wrap';

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
    expect(
      lineAtRow(
        wrapOffsets(0, () => 0, 80),
        5,
      ),
    ).toBe(0);
  });

  it('lays out 200,000 lines at once', () => {
    const off = wrapOffsets(200_000, (i) => (i % 7) * 50, 100);
    expect(off[200_000]).toBeGreaterThan(200_000);
    expect(lineAtRow(off, off[123_456]!)).toBe(123_456);
  });

  it('keeps up with a log that grows at its end and drops at its start, counting only the new lines', () => {
    type L = { len: number };
    let ring: L[] = Array.from({ length: 200_000 }, (_, i) => ({ len: (i * 37) % 400 }));
    let counted = 0;
    const rows = (l: L) => (counted++, rowsFor(l.len, 100));
    const layout = new WrapLayout<L>();
    const check = () => {
      const want = wrapOffsets(ring.length, (i) => ring[i]!.len, 100);
      for (const i of [0, 1, 777, ring.length - 1, ring.length]) expect(layout.rowOf(i)).toBe(want[i]);
      for (const r of [0, 5, want[ring.length - 1]!, want[ring.length]! + 10]) expect(layout.lineAtRow(r)).toBe(lineAtRow(want, r));
    };
    layout.update('100', ring.length, (i) => ring[i], rows);
    expect(counted).toBe(200_000);
    check();
    // 1,000 new lines, the 1,000 oldest dropped (the ring is full): only the new ones are counted.
    counted = 0;
    ring = [...ring.slice(1000), ...Array.from({ length: 1000 }, (_, i) => ({ len: i }))];
    layout.update('100', ring.length, (i) => ring[i], rows);
    expect(counted).toBe(1000);
    check();
    counted = 0;
    layout.update('100', ring.length, (i) => ring[i], rows); // nothing new
    expect(counted).toBe(0);
    // Another key (the width changed, or only matching lines shown): every line anew.
    ring = ring.filter((l) => l.len > 300);
    layout.update('100|only', ring.length, (i) => ring[i], rows);
    expect(counted).toBe(ring.length);
    check();
    // Cleared, then new lines: counted from nothing.
    ring = [{ len: 250 }, { len: 0 }];
    layout.update('100|only', ring.length, (i) => ring[i], rows);
    expect([layout.rowOf(0), layout.rowOf(1), layout.rowOf(2)]).toEqual([0, 3, 4]);
    layout.update('100|only', 0, () => undefined, rows);
    expect([layout.rowOf(0), layout.lineAtRow(3)]).toEqual([0, 0]);
  });
});
