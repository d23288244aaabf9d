import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { engineLike, FakeEngine } from '../../../test/support/fake-engine';
import type { VmBackend, VmPausing, VmRun } from './backend';
import type { VmInfo } from '../../shared/models';
import { VmManager } from './manager';

const home = mkdtempSync(join(tmpdir(), 'berth-manager-pause-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const env = { DOCKER_CONFIG: join(home, 'docker'), BERTH_HOME: join(home, 'berth'), BERTH_VM_AUTO_PAUSE_MS: '30' };

/** A machine that pauses and resumes as asked, over a fake engine with no containers. */
async function setup(o: { minutes?: number; env?: Record<string, string>; pause?: () => Promise<void>; trim?: () => Promise<number>; duringBoot?: (m: VmManager) => void } = {}) {
  const engine = await new FakeEngine(engineLike((_, res) => void res.end('[]'))).listen();
  const calls: string[] = [];
  let hooks: Parameters<VmPausing['hooks']>[0] | undefined;
  let crash!: (reason: string) => void;
  const backend: VmBackend = {
    kind: 'mock',
    boot: async () => {
      o.duringBoot?.(m);
      let end!: (e: { expected: boolean; reason?: string }) => void;
      const exited = new Promise<{ expected: boolean; reason?: string }>((r) => (end = r));
      crash = (reason) => end({ expected: false, reason });
      const run: VmRun = {
        dockerHost: engine.dockerHost,
        forwardPort: async () => async () => undefined,
        exited,
        stop: async () => (calls.push('stop'), end({ expected: true })),
        trim: async () => (calls.push('trim'), (o.trim ?? (async () => 0))()),
        pausing: { pause: async () => (calls.push('pause'), await o.pause?.()), resume: async () => void calls.push('resume'), hooks: (h) => void (hooks = h) },
      };
      return run;
    },
  };
  const m = new VmManager({ backend, resources: () => ({ cpus: 1, memoryMiB: 512, diskGiB: 8, autoPauseMinutes: o.minutes ?? 5 }), env: o.env ?? env });
  const seen: string[] = [];
  const reach = (state: VmInfo['state']) =>
    new Promise<void>((resolve) => {
      if (m.info().state === state) return resolve();
      const off = m.on((i) => i.state === state && (off(), resolve()));
    });
  m.on((i) => seen.at(-1) !== i.state && seen.push(i.state));
  return { m, calls, seen, reach, gate: () => hooks!.gate(), crash: (r: string) => crash(r), close: () => engine.close() };
}

describe('VM manager with auto-pause', () => {
  afterEach(() => vi.useRealTimers());

  it('pauses when idle; a connection resumes it; start resumes it too; stop from paused stops', async () => {
    const t = await setup();
    await t.m.start();
    await t.reach('paused');
    await t.gate();
    expect(t.m.info().state).toBe('running');
    await t.reach('paused');
    await t.m.start();
    expect(t.m.info().state).toBe('running');
    await t.reach('paused');
    await t.m.stop();
    expect(t.seen).toEqual(['starting', 'running', 'paused', 'running', 'paused', 'running', 'paused', 'stopping', 'stopped']);
    expect(t.calls).toEqual(['pause', 'resume', 'pause', 'resume', 'pause', 'stop']); // the run's stop resumes a paused machine itself
    await t.close();
  });

  it('the preference in minutes: 0 never pauses, and a change applies to the running VM at once', async () => {
    const t = await setup({ minutes: 0, env: { ...env, BERTH_VM_AUTO_PAUSE_MS: '' } });
    await t.m.start();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await vi.advanceTimersByTimeAsync(86_400_000);
    expect(vi.getTimerCount()).toBe(0); // no idle timer armed at all
    expect(t.m.info().state).toBe('running');
    vi.useRealTimers();
    t.m.setAutoPauseMinutes(0.0005); // 30 ms
    await t.reach('paused');
    await t.m.stop();
    expect(t.calls).toEqual(['pause', 'stop']);
    await t.close();
  });

  it('a crash while paused is an error that says so; start works again from there', async () => {
    const t = await setup();
    await t.m.start();
    await t.reach('paused');
    t.crash('QEMU was ended by SIGKILL');
    await t.reach('error');
    expect(t.m.info().reason).toBe('While paused: QEMU was ended by SIGKILL');
    await t.m.start();
    expect(t.m.info().state).toBe('running');
    await t.m.stop();
    await t.close();
  });

  it('a preference change the watcher delivers during the boot is kept', async () => {
    const t = await setup({ minutes: 0, env: { ...env, BERTH_VM_AUTO_PAUSE_MS: '' }, duringBoot: (m) => m.setAutoPauseMinutes(0.0005) });
    await t.m.start();
    await t.reach('paused'); // before: the boot's 0 (never) overwrote it
    await t.m.stop();
    await t.close();
  });

  it('a trim during a pause in progress waits for it and the resume; no pause under a long trim', async () => {
    let pauseDone!: () => void;
    let trimDone!: (n: number) => void;
    let pauses = 0;
    const t = await setup({
      pause: () => (pauses++ ? Promise.resolve() : new Promise<void>((r) => (pauseDone = r))),
      trim: () => new Promise<number>((r) => (trimDone = r)),
    });
    await t.m.start();
    await vi.waitFor(() => expect(t.calls).toEqual(['pause'])); // pausing: the state still reads running
    expect(t.m.info().state).toBe('running');
    const trimmed = t.m.trim();
    await new Promise((r) => setImmediate(r));
    expect(t.calls).toEqual(['pause']); // not on the pausing VM
    pauseDone();
    await vi.waitFor(() => expect(t.calls).toEqual(['pause', 'resume', 'trim']));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await t.gate(); // activity meanwhile arms nothing: the trim holds the VM awake, however long it takes
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(t.calls).toEqual(['pause', 'resume', 'trim']);
    vi.useRealTimers();
    trimDone(1024);
    expect(await trimmed).toBe(1024);
    await t.reach('paused'); // released: idle again
    expect(t.calls).toEqual(['pause', 'resume', 'trim', 'pause']);
    await t.m.stop();
    await t.close();
  });
});
