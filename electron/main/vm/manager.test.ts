import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engineLike, FakeEngine } from '../../../test/support/fake-engine';
import { settles, until } from '../../../test/support/waits';
import { contextMetaDir } from '../engine/docker-config';
import type { VmBackend, VmRun } from './backend';
import type { VmInfo } from '../../shared/models';
import { VmManager } from './manager';

/** A backend whose machine the test controls. */
function fakeBackend(opts: { failBoot?: string; bootGate?: Promise<void>; dockerHost?: string } = {}) {
  let crash!: (reason: string) => void;
  const stops: string[] = [];
  const backend: VmBackend = {
    kind: 'mock',
    boot: async (_, step) => {
      step('Booting Linux and connecting over SSH');
      await opts.bootGate;
      if (opts.failBoot) throw new Error(opts.failBoot);
      let end!: (e: { expected: boolean; reason?: string }) => void;
      const exited = new Promise<{ expected: boolean; reason?: string }>((r) => (end = r));
      crash = (reason) => end({ expected: false, reason });
      const run: VmRun = {
        dockerHost: opts.dockerHost ?? 'unix:///nonexistent/docker.sock',
        forwardPort: async () => async () => undefined,
        exited,
        stop: async () => (stops.push('stop'), end({ expected: true })),
      };
      return run;
    },
  };
  return { backend, crash: (r: string) => crash(r), stops };
}

const states = (m: VmManager) => {
  const seen: VmInfo[] = [];
  m.on((i) => seen.push(i));
  return seen;
};
const dockerConfig = mkdtempSync(join(tmpdir(), 'berth-manager-docker-'));
afterAll(() => rmSync(dockerConfig, { recursive: true, force: true }));
const env = { DOCKER_CONFIG: dockerConfig, BERTH_HOME: join(dockerConfig, 'berth') }; // where the `berth` docker context and the last start's time are written

describe('VM manager', () => {
  it('starts through its steps, stops cleanly, and stopping again is no error', async () => {
    const { backend, stops } = fakeBackend();
    const m = new VmManager({ backend, resources: () => ({ cpus: 1, memoryMiB: 512, diskGiB: 8, autoPauseMinutes: 0 }), env });
    const seen = states(m);
    await m.start();
    expect(m.info()).toMatchObject({ state: 'running', backend: 'mock', dockerHost: 'unix:///nonexistent/docker.sock' });
    await m.stop();
    await m.stop();
    expect(stops).toEqual(['stop']);
    expect(seen.map((i) => `${i.state}${i.step ? `:${i.step}` : ''}`)).toEqual(['starting:Preparing', 'starting:Booting Linux and connecting over SSH', 'running', 'stopping', 'stopped']);
  });

  it('reports how far a start is, and how long the last one took', async () => {
    const { backend } = fakeBackend();
    const stepped: VmBackend = { kind: 'mock', boot: (r, step) => (step('Starting QEMU', 0.2), step('A late step without a fraction'), step('Going back', 0.1), backend.boot(r, step)) };
    const env = { DOCKER_CONFIG: dockerConfig, BERTH_HOME: mkdtempSync(join(tmpdir(), 'berth-manager-home-')) }; // its own: no other start's record
    const m = new VmManager({ backend: stepped, resources: () => ({ cpus: 1, memoryMiB: 512, diskGiB: 8, autoPauseMinutes: 0 }), env });
    const seen = states(m);
    await m.start();
    const starting = seen.filter((i) => i.state === 'starting');
    expect(starting.map((i) => i.progress)).toEqual([0, 0.2, 0.2, 0.2, 0.2]); // never backwards
    expect(new Set(starting.map((i) => i.startedAt)).size).toBe(1);
    expect(starting[0]!.expectedMs).toBeUndefined(); // no start has finished before
    await m.stop();
    const record = join(env.BERTH_HOME, 'vm', 'last-start.json');
    await m.recorded;
    expect(JSON.parse(readFileSync(record, 'utf8'))).toMatchObject({ ms: expect.any(Number), backend: 'mock' });
    writeFileSync(record, JSON.stringify({ ms: 4321 }));
    await m.start();
    expect(seen.filter((i) => i.state === 'starting').at(-1)!.expectedMs).toBe(4321);
    await m.stop();
    // A start that built the image first is not kept as the time a start takes.
    await m.recorded;
    writeFileSync(record, JSON.stringify({ ms: 4321 }));
    const building = new VmManager({
      backend: { kind: 'mock', boot: (r, step) => (step('Building the VM image (first start only, about 1 min): fetching packages', 0.1), backend.boot(r, step)) },
      resources: () => ({ cpus: 1, memoryMiB: 512, diskGiB: 8, autoPauseMinutes: 0 }),
      env,
    });
    await building.start();
    await building.stop();
    await building.recorded;
    expect(JSON.parse(readFileSync(record, 'utf8'))).toEqual({ ms: 4321 });
    rmSync(env.BERTH_HOME, { recursive: true, force: true });
  });

  it('runs beside a `berth` docker context the user made, leaves it as it is, and says so', async () => {
    const config = mkdtempSync(join(tmpdir(), 'berth-manager-foreign-'));
    const meta = contextMetaDir('berth', { DOCKER_CONFIG: config });
    mkdirSync(meta, { recursive: true });
    const theirs = JSON.stringify({ Name: 'berth', Metadata: {}, Endpoints: { docker: { Host: 'tcp://10.0.0.9:2375' } } });
    writeFileSync(join(meta, 'meta.json'), theirs);
    const m = new VmManager({ backend: fakeBackend().backend, resources: () => ({ cpus: 1, memoryMiB: 512, diskGiB: 8, autoPauseMinutes: 0 }), env: { ...env, DOCKER_CONFIG: config } });
    await m.start();
    expect(m.info().state).toBe('running');
    expect(m.info().warnings).toEqual([expect.stringMatching(/^A docker context named "berth" already exists .*\(it points at tcp:\/\/10\.0\.0\.9:2375\).*docker context rm berth/)]);
    expect(readFileSync(join(meta, 'meta.json'), 'utf8')).toBe(theirs);
    await m.stop();
    rmSync(config, { recursive: true, force: true });
  });

  it('reports a crash as an error with its reason; start works again from there', async () => {
    const { backend, crash } = fakeBackend();
    const m = new VmManager({ backend, resources: () => ({ cpus: 1, memoryMiB: 512, diskGiB: 8, autoPauseMinutes: 0 }), env });
    await m.start();
    crash('QEMU was ended by SIGKILL');
    await new Promise((r) => setImmediate(r));
    expect(m.info()).toMatchObject({ state: 'error', reason: 'QEMU was ended by SIGKILL' });
    expect(m.info().dockerHost).toBeUndefined();
    await m.start();
    expect(m.info().state).toBe('running');
  });

  it('a failed boot is an error in words; a stop during a boot that cannot be aborted waits for it and ends stopped', async () => {
    const failing = new VmManager({
      backend: fakeBackend({ failBoot: 'The VM did not finish booting (waiting for dockerd) in 180 s.' }).backend,
      resources: () => ({ cpus: 1, memoryMiB: 512, diskGiB: 8, autoPauseMinutes: 0 }),
      env,
    });
    await expect(failing.start()).rejects.toThrow('did not finish booting');
    expect(failing.info()).toMatchObject({ state: 'error', errorCode: 'COMMAND_FAILED', reason: 'The VM did not finish booting (waiting for dockerd) in 180 s.' });

    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const { backend, stops } = fakeBackend({ bootGate: gate });
    const m = new VmManager({ backend, resources: () => ({ cpus: 1, memoryMiB: 512, diskGiB: 8, autoPauseMinutes: 0 }), env });
    const started = m.start();
    expect(m.start()).toBe(started); // one boot at a time
    await until(() => m.info().step === 'Booting Linux and connecting over SSH'); // in the backend, which ignores the abort
    const stopped = m.stop();
    expect(m.info().state).toBe('stopping');
    open();
    await Promise.all([started, stopped]);
    expect(m.info().state).toBe('stopped');
    expect(stops).toEqual(['stop']);
  });

  it('a stop while booting aborts the boot (a first-run build, say) instead of waiting for it', async () => {
    let aborted = false;
    const slow: VmBackend = {
      kind: 'mock',
      boot: (_, step, signal) =>
        new Promise((_resolve, reject) => {
          step('Building the VM image (first start only, about 2 min): fetching packages', 0.05);
          signal!.addEventListener('abort', () => ((aborted = true), reject(new Error('The VM was asked to stop while booting.'))));
        }),
    };
    const m = new VmManager({ backend: slow, resources: () => ({ cpus: 1, memoryMiB: 512, diskGiB: 8, autoPauseMinutes: 0 }), env });
    const started = m.start();
    await until(() => m.info().step?.startsWith('Building') ?? false);
    expect(await settles(m.stop())).toBe(true); // not the build's two minutes
    expect(aborted).toBe(true);
    await started.catch(() => undefined);
    expect(m.info().state).toBe('stopped');
  });

  it('stop ends a start whose guest engine never answers, and `berth vm stop` returns', async () => {
    const engine = await new FakeEngine(engineLike(() => undefined)).listen();
    try {
      const { backend, stops } = fakeBackend({ dockerHost: engine.dockerHost });
      const m = new VmManager({ backend, resources: () => ({ cpus: 1, memoryMiB: 512, diskGiB: 8, autoPauseMinutes: 0 }), env });
      const started = m.start();
      await until(() => engine.requests.some((r) => r.startsWith('GET /containers/json'))); // the first sync: no answer
      expect(await settles(m.stop())).toBe(true);
      expect(await settles(started)).toBe(true);
      expect(m.info().state).toBe('stopped');
      expect(stops).toEqual(['stop']);
      await until(() => engine.open === 0);
    } finally {
      await engine.close();
    }
  });
});
