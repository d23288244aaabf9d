import { describe, expect, it } from 'vitest';
import { failingWords, formatBytes, formatDuration, relativeTime, shortId } from './format';

describe('format', () => {
  it('says how many health checks failed in a row, and nothing for none', () => {
    expect(failingWords(undefined)).toBeUndefined();
    expect(failingWords(0)).toBeUndefined();
    expect(failingWords(1)).toBe('1 check failed in a row');
    expect(failingWords(12)).toBe('12 checks failed in a row');
  });

  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [247.77006937561944, '248 B'], // rates are fractional
    [1023, '1023 B'],
    [1024, '1.00 KiB'],
    [1536, '1.50 KiB'],
    [64 * 1024 ** 2, '64.0 MiB'], // a --memory 64m limit reads as typed
    [512 * 1024 ** 2, '512 MiB'],
    [1.5 * 1024 ** 3, '1.50 GiB'],
    [67_108_864 - 1, '64.0 MiB'],
    [1.5 * 1024 ** 4, '1.50 TiB'],
    [3 * 1024 ** 5, '3072 TiB'], // the largest unit keeps counting
    [-1, '—'],
    [NaN, '—'],
  ])('formatBytes(%d) = %s', (n, s) => expect(formatBytes(n)).toBe(s));

  it.each([
    [0, 'just now'],
    [30_000, '30 seconds ago'],
    [60_000, '1 minute ago'],
    [3 * 3600_000, '3 hours ago'],
    [2 * 86400_000, '2 days ago'],
    [400 * 86400_000, '1 year ago'],
  ])('relativeTime(now - %d) = %s', (ago, s) => expect(relativeTime(1e12 - ago, 1e12)).toBe(s));

  it('handles missing times and future clocks', () => {
    expect(relativeTime(undefined)).toBe('—');
    expect(relativeTime(2e12, 1e12)).toBe('just now');
  });

  it('shortens ids like docker does', () => {
    expect(shortId('sha256:0123456789abcdef')).toBe('0123456789ab');
  });

  it('says a duration in the unit that fits', () => {
    expect([850, 12_400, 3.2 * 1000, 185_000, 3_725_000].map(formatDuration)).toEqual(['850 ms', '12 s', '3.2 s', '3 min 05 s', '1 h 02 min']);
    expect(formatDuration(-1)).toBe('—');
  });
});
