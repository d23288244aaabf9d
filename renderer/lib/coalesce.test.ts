import { describe, expect, it } from 'vitest';
import { coalesced } from './coalesce';

/** A load the test answers by hand: each call waits until `answer()`. */
function manualLoad() {
  const pending: (() => void)[] = [];
  let calls = 0;
  const load = coalesced(() => {
    calls++;
    return new Promise<void>((r) => pending.push(r));
  });
  return { load, calls: () => calls, answer: () => pending.shift()?.(), waiting: () => pending.length };
}
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('coalesced', () => {
  it('calls during a load ask for one more load after it, not one each; one at a time', async () => {
    const m = manualLoad();
    void m.load();
    for (let i = 0; i < 30; i++) void m.load();
    expect([m.calls(), m.waiting()]).toEqual([1, 1]);
    m.answer();
    await flush();
    expect([m.calls(), m.waiting()]).toEqual([2, 1]); // the one more, for all 30
    m.answer();
    await flush();
    expect(m.calls()).toBe(2);
    void m.load(); // after the last one: a new load
    expect(m.calls()).toBe(3);
    m.answer();
  });

  it('every caller waits for a load that began after its call', async () => {
    const m = manualLoad();
    void m.load();
    let second = false;
    void m.load().then(() => (second = true));
    m.answer();
    await flush();
    expect(second).toBe(false); // its load (the one more) is still going
    m.answer();
    await flush();
    expect(second).toBe(true);
  });

  it('a failing load does not stop the next', async () => {
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
