import { describe, expect, it } from 'vitest';
import { rangeInput, rangeSeconds, readLogRange } from './log-range';

describe('log range fields', () => {
  it('shows seconds as the field takes them and reads them back (in any time zone)', () => {
    expect(rangeInput(1700000000)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(rangeSeconds(rangeInput(1700000000))).toBe(1700000000);
    expect(rangeInput(undefined)).toBe('');
  });

  it('leaves an empty or unreadable field unbounded', () => {
    expect(rangeSeconds('')).toBeUndefined();
    expect(rangeSeconds('not a date')).toBeUndefined();
    expect(readLogRange('', '')).toEqual({ since: undefined, until: undefined });
  });

  it('takes a range that ends after it starts, or one side alone; refuses one that ends first', () => {
    const from = rangeInput(1700000000);
    const to = rangeInput(1700000060);
    expect(readLogRange(from, to)).toEqual({ since: 1700000000, until: 1700000060 });
    expect(readLogRange(from, '')).toEqual({ since: 1700000000, until: undefined });
    expect(readLogRange(to, from)).toEqual({ problem: '"Until" must be after "from".' });
    expect(readLogRange(from, from)).toEqual({ problem: '"Until" must be after "from".' });
  });
});
