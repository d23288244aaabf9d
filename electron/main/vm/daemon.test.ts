import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { engineLike, FakeEngine } from '../../../test/support/fake-engine';
import { BerthError } from '../../shared/errors';
import type { VmBackend, VmPausing, VmRun } from './backend';
import { VmClient } from './client';
import { runVmDaemon } from './daemon';

const home = mkdtempSync(join('/tmp', 'berth-daemon-')); // short: the control socket lives under it
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('the VM daemon', () => {
  it("carries a failed start's code and hint to the client: a refusal stays typed", async () => {
    const env = { BERTH_HOME: home, DOCKER_CONFIG: join(home, 'docker') };
    const refusing: VmBackend = {
      kind: 'mock',
      boot: async () => {
        throw new BerthError('CONFLICT', 'The VM data disk was last used by Engine 99.0.', { hint: 'Start it with a newer image.' });
      },
    };
    const { done } = await runVmDaemon(refusing, env);
    const client = new VmClient({ env });
    await expect(client.start()).rejects.toMatchObject({ name: 'BerthError', code: 'CONFLICT', message: 'The VM data disk was last used by Engine 99.0.', hint: 'Start it with a newer image.' });
    expect(await client.status()).toMatchObject({ state: 'error', errorCode: 'CONFLICT', reason: 'The VM data disk was last used by Engine 99.0. Start it with a newer image.' });
    await client.stop();
    await done;
  });

  afterEach(() => vi.useRealTimers());

  it('a hold keeps the VM from auto-pausing for as long as its connection stays open', async () => {
    const env = { BERTH_HOME: home, DOCKER_CONFIG: join(home, 'docker'), BERTH_VM_AUTO_PAUSE_MS: '30' };
    const engine = await new FakeEngine(engineLike((_, res) => void res.end('[]'))).listen();
    const calls: string[] = [];
    let hooks: Parameters<VmPausing['hooks']>[0] | undefined;
    const pausing: VmBackend = {
      kind: 'mock',
      boot: async () => {
        let end!: (e: { expected: boolean }) => void;
        const run: VmRun = {
          dockerHost: engine.dockerHost,
          forwardPort: async () => async () => undefined,
          exited: new Promise((r) => (end = r)),
          stop: async () => end({ expected: true }),
          pausing: { pause: async () => void calls.push('pause'), resume: async () => void calls.push('resume'), hooks: (h) => void (hooks = h) },
        };
        return run;
      },
    };
    const { done } = await runVmDaemon(pausing, env);
    const client = new VmClient({ env });
    await client.start();
    await vi.waitFor(() => expect(calls).toEqual(['pause']));
    const release = await client.hold();
    expect((await client.status()).state).toBe('paused'); // a hold wakes nothing: `berth vm ssh` starts it
    await client.start();
    expect(calls).toEqual(['pause', 'resume']);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await hooks!.gate(); // activity arms nothing while held
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(calls).toEqual(['pause', 'resume']);
    release!();
    // The connection closed: the idle time starts again (waitFor moves the fake clock on).
    await vi.waitFor(() => expect(calls).toEqual(['pause', 'resume', 'pause']));
    vi.useRealTimers();
    await client.stop();
    await done;
    await engine.close();
  });

  it('a hold with no daemon holds nothing', async () => {
    expect(await new VmClient({ env: { BERTH_HOME: join(home, 'none'), DOCKER_CONFIG: join(home, 'docker') } }).hold()).toBeUndefined();
  });
});
