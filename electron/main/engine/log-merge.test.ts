import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../shared/models';
import { mergeByTime, timeKey } from './log-merge';

const l = (time: string, text: string, more?: true): LogLine => ({ time, text, ...(more ? { more } : {}) });

describe('merging logs by time', () => {
  it('keys sort as time does, whatever the engine trimmed of the nanoseconds', () => {
    const a = timeKey('2026-12-03T10:00:05.1Z');
    const b = timeKey('2026-12-03T10:00:05.12Z');
    const c = timeKey('2026-12-03T10:00:05Z');
    expect([b, a, c].sort()).toEqual([c, a, b]);
    expect(timeKey(undefined)).toBe('');
  });

  it('interleaves runs in time order, ties in input order, pieces of a long line together', () => {
    const web = [l('2026-12-03T10:00:01Z', 'w1'), l('2026-12-03T10:00:03Z', 'w3a', true), l('2026-12-03T10:00:03Z', 'w3b')];
    const db = [l('2026-12-03T10:00:02.5Z', 'd2'), l('2026-12-03T10:00:03Z', 'd3'), l('2026-12-03T10:00:04Z', 'd4')];
    expect(mergeByTime([web, db]).map((x) => x.text)).toEqual(['w1', 'd2', 'w3a', 'w3b', 'd3', 'd4']);
    expect(mergeByTime([[], db]).map((x) => x.text)).toEqual(['d2', 'd3', 'd4']);
    expect(mergeByTime([])).toEqual([]);
  });

  it('merges 50,000 lines of three runs in order', () => {
    const runs = [0, 1, 2].map((s) => Array.from({ length: 16_667 }, (_, i) => l(new Date(Date.UTC(2026, 0, 1) + i * 3 + s).toISOString(), `${s}-${i}`)));
    const merged = mergeByTime(runs);
    expect(merged).toHaveLength(50_001);
    expect(merged.every((x, i) => i === 0 || timeKey(merged[i - 1]!.time) <= timeKey(x.time))).toBe(true);
  });
});
