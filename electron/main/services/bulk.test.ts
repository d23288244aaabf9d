import { describe, expect, it } from 'vitest';
import { BerthError } from '../../shared/errors';
import { bulk } from './bulk';

describe('bulk', () => {
  it('runs a few at a time, keeps the order, and one failure fails only itself', async () => {
    let running = 0;
    let most = 0;
    const ids = Array.from({ length: 100 }, (_, i) => `c${i}`);
    const results = await bulk(
      ids,
      async (id) => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 1));
        running--;
        if (id === 'c7') throw new BerthError('IN_USE', 'c7 is in use');
      },
      8,
    );
    expect(most).toBe(8);
    expect(results.map((r) => r.id)).toEqual(ids);
    expect(results.filter((r) => !r.ok)).toEqual([{ id: 'c7', ok: false, error: { code: 'IN_USE', message: 'c7 is in use', hint: expect.any(String) } }]);
  });

  it('nothing to do is an empty answer', async () => {
    expect(await bulk([], () => Promise.reject(new Error('never')))).toEqual([]);
  });
});
