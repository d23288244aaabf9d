import { describe, expect, it } from 'vitest';
import { coalesced } from './coalesce';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('coalesced', () => {
  it('under pushes faster than a load, loads one at a time and each answer is used', async () => {
    let running = 0;
    let most = 0;
    const used: number[] = [];
    let n = 0;
    const load = coalesced(async () => {
      const mine = ++n;
      running++;
      most = Math.max(most, running);
      await tick(20);
      running--;
      used.push(mine);
    });
    for (let i = 0; i < 30; i++) {
      void load();
      await tick(3);
    }
    await load();
    expect(most).toBe(1);
    expect(used.length).toBeGreaterThan(1);
    expect(used.length).toBeLessThan(10); // ~90 ms of pushes over 20 ms loads, not one load per push
    expect(used).toEqual(used.map((_, i) => i + 1));
  });

  it('a call after the last run starts a new one; a failing load does not stop the next', async () => {
    let calls = 0;
    const load = coalesced(async () => {
      calls++;
      if (calls === 1) throw new Error('down');
    });
    await load();
    await load();
    expect(calls).toBe(2);
  });
});
