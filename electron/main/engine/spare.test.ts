import { describe, expect, it } from 'vitest';
import { Spare } from './spare';

/** A fake channel opener: each open is numbered; `fail` makes the next opens reject; `hold` keeps them waiting. */
function opener(count?: number) {
  let n = 0;
  let clock = 0;
  const discarded: number[] = [];
  const dead = new Set<number>();
  const held: Array<() => void> = [];
  const state = { fail: false, hold: false };
  const spare = new Spare<number>({
    open: () => {
      const id = ++n;
      if (state.fail) return Promise.reject(new Error(`open ${id} failed`));
      if (state.hold) return new Promise((resolve) => held.push(() => resolve(id)));
      return Promise.resolve(id);
    },
    usable: (id) => !dead.has(id),
    discard: (id) => void discarded.push(id),
    maxAgeMs: 1000,
    ...(count ? { count } : {}),
    now: () => clock,
  });
  const settle = () => new Promise((r) => setImmediate(r));
  return { spare, discarded, dead, held, state, settle, opened: () => n, advance: (ms: number) => (clock += ms) };
}

describe('a spare opened ahead of its use', () => {
  it('opens one per take until refilled, then hands out the ready one without opening', async () => {
    const f = opener();
    expect(await f.spare.take()).toBe(1);
    f.spare.refill();
    await f.settle();
    expect(f.spare.readyCount).toBe(1);
    expect(await f.spare.take()).toBe(2);
    expect(f.opened()).toBe(2);
    expect(f.spare.readyCount).toBe(0);
  });

  it('opens only one ahead however often it is refilled', async () => {
    const f = opener();
    f.spare.refill();
    f.spare.refill();
    await f.settle();
    f.spare.refill();
    expect(f.opened()).toBe(1);
  });

  it('discards one that is too old or no longer usable, and opens a fresh one', async () => {
    const f = opener();
    f.spare.refill();
    await f.settle();
    f.advance(1001);
    expect(await f.spare.take()).toBe(2);
    expect(f.discarded).toEqual([1]);
    f.spare.refill();
    await f.settle();
    f.dead.add(3); // its link went away while it waited
    expect(await f.spare.take()).toBe(4);
    expect(f.discarded).toEqual([1, 3]);
  });

  it('a take while the spare is being opened waits for that one instead of opening another', async () => {
    const f = opener();
    f.state.hold = true;
    f.spare.refill();
    const taken = f.spare.take();
    f.held[0]!();
    expect(await taken).toBe(1);
    expect(f.opened()).toBe(1);
    expect(f.spare.readyCount).toBe(0); // it went to the take, not to the pool
  });

  it('a failed spare is not retried on its own; the next take opens its own and says why it failed', async () => {
    const f = opener();
    f.state.fail = true;
    f.spare.refill();
    await f.settle();
    expect(f.opened()).toBe(1);
    await expect(f.spare.take()).rejects.toThrow('open 2 failed');
    f.state.fail = false;
    expect(await f.spare.take()).toBe(3);
  });

  it('a take that waited on a failed spare opens its own', async () => {
    const f = opener();
    f.state.fail = true;
    f.spare.refill();
    const taken = f.spare.take();
    f.state.fail = false;
    expect(await taken).toBe(2);
  });

  it('drain discards the ready one and the one still opening, and refill works again after', async () => {
    const f = opener();
    f.spare.refill();
    await f.settle();
    f.spare.drain();
    expect(f.discarded).toEqual([1]);
    f.state.hold = true;
    f.spare.refill();
    f.spare.drain();
    f.held[0]!();
    await f.settle();
    expect(f.discarded).toEqual([1, 2]);
    expect(f.spare.readyCount).toBe(0);
    f.state.hold = false;
    f.spare.refill();
    await f.settle();
    expect(await f.spare.take()).toBe(3);
  });

  it('a take already waiting keeps its item when a drain comes meanwhile', async () => {
    const f = opener();
    f.state.hold = true;
    f.spare.refill();
    const taken = f.spare.take();
    f.spare.drain();
    f.held[0]!();
    expect(await taken).toBe(1);
    expect(f.discarded).toEqual([]);
  });

  it('keeps `count` ready, hands out the oldest first, and opens only what is missing', async () => {
    const f = opener(2);
    f.spare.refill();
    await f.settle();
    expect(f.spare.readyCount).toBe(2);
    f.dead.add(1);
    expect(await f.spare.take()).toBe(2); // 1 died while it waited
    expect(f.discarded).toEqual([1]);
    f.spare.refill();
    expect(f.opened()).toBe(4); // two missing, two opened
    await f.settle();
    expect(await f.spare.take()).toBe(3);
    expect(await f.spare.take()).toBe(4);
    f.spare.drain();
    expect(f.opened()).toBe(4);
  });
});

describe('a spare once closed', () => {
  it('opens nothing more: a take rejects, a refill does nothing', async () => {
    const f = opener();
    f.spare.refill();
    await f.settle();
    f.spare.close();
    expect(f.discarded).toEqual([1]);
    await expect(f.spare.take()).rejects.toThrow('closed');
    f.spare.refill();
    await f.settle();
    expect(f.opened()).toBe(1);
  });

  it('a take that waited on one being opened gives it up when closed meanwhile, and opens no other', async () => {
    const f = opener();
    f.state.hold = true;
    f.spare.refill();
    const taken = f.spare.take();
    f.spare.close();
    f.held[0]!();
    await expect(taken).rejects.toThrow('closed');
    expect(f.discarded).toEqual([1]);
    expect(f.opened()).toBe(1);
  });

  it('counts the ready ones still usable', async () => {
    const f = opener();
    f.spare.refill();
    await f.settle();
    expect(f.spare.usableCount).toBe(1);
    f.dead.add(1);
    expect(f.spare.usableCount).toBe(0);
  });
});
