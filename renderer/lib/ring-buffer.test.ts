import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  it('keeps the newest items up to capacity and counts what it dropped', () => {
    const r = new RingBuffer<number>(3);
    r.push([1, 2]);
    expect(r.toArray()).toEqual([1, 2]);
    r.push([3, 4, 5]);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect([r.length, r.dropped, r.at(0), r.at(2), r.at(3), r.at(-1)]).toEqual([3, 2, 3, 5, undefined, undefined]);
  });

  it('stays bounded over a million pushes', () => {
    const r = new RingBuffer<number>(1000);
    for (let i = 0; i < 1000; i++) r.push(Array.from({ length: 1000 }, (_, j) => i * 1000 + j));
    expect(r.length).toBe(1000);
    expect(r.dropped).toBe(999_000);
    expect(r.at(0)).toBe(999_000);
    expect(r.at(999)).toBe(999_999);
  });

  it('clears', () => {
    const r = new RingBuffer<string>(2);
    r.push(['a', 'b', 'c']);
    r.clear();
    expect([r.length, r.dropped, r.toArray()]).toEqual([0, 0, []]);
  });
});
