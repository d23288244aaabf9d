import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AutoPause } from './auto-pause';

/** An AutoPause over a machine the test controls: pause and resume resolve when the test says. */
function setup(idleMs = 60_000) {
  const calls: string[] = [];
  const gates: Record<'pause' | 'resume', Array<{ ok: () => void; fail: (e: Error) => void }>> = { pause: [], resume: [] };
  const step = (what: 'pause' | 'resume') => () => (calls.push(what), new Promise<void>((ok, fail) => gates[what].push({ ok, fail })));
  const changes: boolean[] = [];
  const errors: string[] = [];
  const ap = new AutoPause({ idleMs, pause: step('pause'), resume: step('resume'), onPaused: (p) => changes.push(p), onError: (w, e) => errors.push(`${w}: ${e.message}`) });
  return { ap, calls, gates, changes, errors };
}
const flush = () => vi.advanceTimersByTimeAsync(0);

describe('auto-pause', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('pauses after the idle time with no container running, not before, and not while one runs', async () => {
    const { ap, calls, gates, changes } = setup();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls).toEqual([]); // the running containers are not known yet
    ap.containers(1);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toEqual([]);
    ap.containers(0);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toEqual(['pause']);
    expect(ap.paused).toBe(true);
    gates.pause[0]!.ok();
    await flush();
    expect(changes).toEqual([true]);
    expect(vi.getTimerCount()).toBe(0); // nothing ticks while paused
  });

  it('traffic and connections push the pause back, with one timer at most', async () => {
    const { ap, calls } = setup();
    ap.containers(0);
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(30_000);
      if (i % 2) ap.traffic();
      else await ap.gate();
      expect(vi.getTimerCount()).toBe(1);
    }
    await vi.advanceTimersByTimeAsync(59_999);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual(['pause']);
  });

  it('a connection to a paused VM waits for the resume; callers during a wake share the one resume', async () => {
    const { ap, calls, gates, changes } = setup(1000);
    ap.containers(0);
    await vi.advanceTimersByTimeAsync(1000);
    gates.pause[0]!.ok();
    await flush();
    let through = 0;
    const conns = [ap.gate(), ap.gate(), ap.gate()].map((p) => p.then(() => through++));
    ap.traffic(); // a byte on a connection that stayed open
    await flush();
    expect(calls).toEqual(['pause', 'resume']);
    expect(through).toBe(0);
    gates.resume[0]!.ok();
    await Promise.all(conns);
    expect(through).toBe(3);
    expect(changes).toEqual([true, false]);
    expect(ap.paused).toBe(false);
    await vi.advanceTimersByTimeAsync(1000); // idle again: paused again
    expect(calls).toEqual(['pause', 'resume', 'pause']);
  });

  it('a connection during a pause in progress waits for it, then resumes', async () => {
    const { ap, calls, gates, changes } = setup(1000);
    ap.containers(0);
    await vi.advanceTimersByTimeAsync(1000);
    let done = false;
    const conn = ap.gate().then(() => (done = true));
    await flush();
    expect(calls).toEqual(['pause']);
    gates.pause[0]!.ok();
    await flush();
    expect(calls).toEqual(['pause', 'resume']);
    expect(done).toBe(false);
    gates.resume[0]!.ok();
    await conn;
    expect(changes).toEqual([true, false]);
  });

  it('a failed pause leaves the VM awake and tries again after another idle time; a failed resume is retried by the next call', async () => {
    const { ap, calls, gates, changes, errors } = setup(1000);
    ap.containers(0);
    await vi.advanceTimersByTimeAsync(1000);
    gates.pause[0]!.fail(new Error('QEMU said no'));
    await flush();
    expect(ap.paused).toBe(false);
    expect(errors).toEqual(['pause: QEMU said no']);
    await vi.advanceTimersByTimeAsync(1000);
    gates.pause[1]!.ok();
    await flush();
    const first = ap.gate();
    await flush();
    gates.resume[0]!.fail(new Error('QEMU is gone'));
    await expect(first).rejects.toThrow('QEMU is gone');
    expect(ap.paused).toBe(true);
    const second = ap.gate();
    await flush();
    gates.resume[1]!.ok();
    await second;
    expect(calls).toEqual(['pause', 'pause', 'resume', 'resume']);
    expect(changes).toEqual([true, false]);
  });

  it('a changed idle time applies at once, counted from the last activity', async () => {
    const { ap, calls } = setup(60_000);
    ap.containers(0);
    await vi.advanceTimersByTimeAsync(10_000);
    ap.setIdleMs(0);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls).toEqual([]);
    ap.traffic();
    ap.setIdleMs(5000);
    await vi.advanceTimersByTimeAsync(4999);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual(['pause']);
  });

  it('0 minutes: never pauses; dispose stops the timer and waits for a pause in progress', async () => {
    const never = setup(0);
    never.ap.containers(0);
    await vi.advanceTimersByTimeAsync(10 * 86_400_000);
    expect(never.calls).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);

    const { ap, gates } = setup(1000);
    ap.containers(0);
    await vi.advanceTimersByTimeAsync(1000);
    let disposed = false;
    const d = ap.dispose().then(() => (disposed = true));
    await flush();
    expect(disposed).toBe(false);
    gates.pause[0]!.ok();
    await d;
    ap.containers(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('dispose waits for a wake in progress too, so a stop after it finds the VM awake', async () => {
    const { ap, calls, gates, changes } = setup(1000);
    ap.containers(0);
    await vi.advanceTimersByTimeAsync(1000);
    gates.pause[0]!.ok();
    await flush();
    const conn = ap.gate();
    await flush();
    let disposed = false;
    const d = ap.dispose().then(() => (disposed = true));
    await flush();
    expect(disposed).toBe(false);
    gates.resume[0]!.ok();
    await d;
    await conn;
    expect(ap.paused).toBe(false);
    expect(calls).toEqual(['pause', 'resume']);
    expect(changes).toEqual([true, false]);
  });

  it('dispose after a wake that failed still resolves (the VM stays paused)', async () => {
    const { ap, gates } = setup(1000);
    ap.containers(0);
    await vi.advanceTimersByTimeAsync(1000);
    gates.pause[0]!.ok();
    await flush();
    const conn = ap.gate().catch((e: Error) => e.message);
    await flush();
    const d = ap.dispose();
    gates.resume[0]!.fail(new Error('QEMU is gone'));
    await d;
    expect(await conn).toBe('QEMU is gone');
    expect(ap.paused).toBe(true);
  });

  it('no pause while held; the idle time starts again when the last hold is released', async () => {
    const { ap, calls } = setup(1000);
    ap.containers(0);
    const a = ap.hold();
    const b = ap.hold();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    ap.traffic();
    ap.containers(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual([]);
    a();
    a(); // twice is once
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    b();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual(['pause']);
  });
});
