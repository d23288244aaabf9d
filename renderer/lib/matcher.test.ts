import { describe, expect, it } from 'vitest';
import { makeMatcher, type Matcher } from './matcher';

const m = (q: string, regex = false) => makeMatcher(q, regex) as Matcher;

describe('search matchers', () => {
  it('a substring, any case, every place it is', () => {
    expect(m('err').test('An ERROR here')).toBe(true);
    expect(m('err').ranges('err, Err and ERR')).toEqual([
      [0, 3],
      [5, 8],
      [13, 16],
    ]);
    expect(makeMatcher('')).toBeUndefined();
  });

  it('a regular expression, any case; empty matches mark nothing and do not loop', () => {
    expect(m('time=\\d+ms', true).ranges('GET / time=12ms, POST time=7MS')).toEqual([
      [6, 15],
      [22, 30],
    ]);
    expect(m('^\\[warn\\]', true).test('[WARN] disk')).toBe(true);
    expect(m('x*', true).ranges('abc')).toEqual([]);
    expect(m('a|b', true).test('xyz')).toBe(false);
    expect(m('.', true).ranges('y'.repeat(10_000))).toHaveLength(200); // marks stop at 200
  });

  it.each(['(a+)+$', '(\\w*)*x', '(x{2,})+', '(?:a|b+)*c', '([a-z]+\\d*)+'])('refuses %s: it can take minutes on a long line', (q) => {
    expect(makeMatcher(q, true)).toEqual({ error: expect.stringMatching(/repeats a group that repeats inside/) });
  });

  it('says why a pattern is not one', () => {
    expect(makeMatcher('(unclosed', true)).toEqual({ error: expect.stringMatching(/^Not a regular expression: /) });
    expect(makeMatcher('(a)+', true)).not.toHaveProperty('error'); // a repeat of a group without a repeat inside is fine
  });
});
