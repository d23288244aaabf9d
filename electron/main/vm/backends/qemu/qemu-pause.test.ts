import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIMITS, pauseVm, resumeVm, type PauseParts } from './qemu-pause';

/** A VM whose guest commands and QEMU answers the test decides. */
function parts(o: { exec?: (cmd: string) => Promise<{ code: number | null; output: string }>; hmp?: (cmd: string) => Promise<string> } = {}) {
  const calls: string[] = [];
  const logs: string[] = [];
  const wedged: string[] = [];
  let awake = false;
  const p: PauseParts = {
    gone: () => undefined,
    exec: (cmd) => (calls.push(cmd.startsWith('/sbin/berth-init resume') ? 'clock' : 'prep'), (o.exec ?? (async () => ({ code: 0, output: '' })))(cmd)),
    hmp: (cmd) => (calls.push(cmd), (o.hmp ?? (async () => ''))(cmd)),
    awake: () => awake,
    wedged: (r) => void wedged.push(r),
    log: (l) => void logs.push(l),
  };
  return { p, calls, logs, wedged, continued: () => void (awake = true) };
}
const never = () => new Promise<never>(() => undefined);

describe('QEMU pause and resume', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a clock set that fails after cont: the resume still succeeds, and the clock is tried again a few times', async () => {
    const t = parts({ exec: async () => ({ code: 1, output: 'date: cannot set' }) });
    await resumeVm(t.p, t.continued); // the guest runs: that is a wake, not a failure
    expect(t.calls).toEqual(['cont', 'clock']);
    await vi.advanceTimersByTimeAsync(LIMITS.clockRetryMs * (LIMITS.clockTries + 2));
    expect(t.calls.filter((c) => c === 'clock')).toHaveLength(LIMITS.clockTries);
    expect(t.logs.at(-1)).toMatch(/could not set its clock \(date: cannot set\); it keeps running/);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a clock set that fails once and then works stops trying', async () => {
    let n = 0;
    const t = parts({ exec: async () => (n++ ? { code: 0, output: '' } : { code: 1, output: 'busy' }) });
    await resumeVm(t.p, t.continued);
    await vi.advanceTimersByTimeAsync(LIMITS.clockRetryMs * 10);
    expect(t.calls).toEqual(['cont', 'clock', 'clock']);
    expect(t.logs.at(-1)).toBe('the resumed VM set its clock');
  });

  it('a cont QEMU never finishes: the resume fails in words and the VM is ended', async () => {
    const t = parts({ hmp: never });
    const r = resumeVm(t.p, t.continued).catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(LIMITS.hmpMs);
    expect(await r).toMatchObject({ code: 'COMMAND_FAILED', message: `it took over ${LIMITS.hmpMs / 1000} s for QEMU to resume the VM` }); // a start waits on it: typed
    expect(t.wedged).toEqual([`QEMU did not resume the paused VM (it took over ${LIMITS.hmpMs / 1000} s for QEMU to resume the VM), so it was ended`]);
  });

  it('a clock set that hangs is given up on in time, and the VM counts as awake', async () => {
    const t = parts({ exec: never });
    const r = resumeVm(t.p, t.continued);
    await vi.advanceTimersByTimeAsync(LIMITS.clockMs);
    await r;
    expect(t.logs[0]).toMatch(/it took over 30 s setting the clock after resuming/);
    expect(t.wedged).toEqual([]);
  });

  it('a stop QEMU never finishes: the pause fails in words', async () => {
    const t = parts({ hmp: never });
    const r = pauseVm(t.p).catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(LIMITS.hmpMs);
    expect(await r).toBe(`it took over ${LIMITS.hmpMs / 1000} s for QEMU to pause the VM`);
    expect(t.calls).toEqual(['prep', 'stop']);
  });
});
