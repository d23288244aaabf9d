import { describe, expect, it } from 'vitest';
import { BerthError } from './errors';

describe('BerthError.from', () => {
  it('keeps a BerthError as it is', () => {
    const e = new BerthError('NOT_FOUND', 'No such container: web');
    expect(BerthError.from(e)).toBe(e);
  });

  it('turns anything else into an INTERNAL with its message and the bug hint', () => {
    const cases: [unknown, string][] = [
      [new TypeError('x is undefined'), 'x is undefined'],
      ['plain words', 'plain words'],
      [42, '42'],
      [undefined, 'undefined'],
      [null, 'null'],
      [{ message: 'like an error' }, 'like an error'],
      [Symbol('s'), 'Symbol(s)'],
      [
        {
          toString: () => {
            throw new Error('no');
          },
        },
        'Unknown error',
      ],
      [Object.create(null), 'Unknown error'],
    ];
    for (const [thrown, message] of cases) {
      const e = BerthError.from(thrown);
      expect(e, String(message)).toBeInstanceOf(BerthError);
      expect(e.code).toBe('INTERNAL');
      expect(e.message).toBe(message);
      expect(e.hint).toMatch(/bug in Berth/);
    }
  });
});
