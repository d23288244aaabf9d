import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import type { VmBackend, VmRun } from './backend';
import { VmManager, type VmInfo } from './manager';
import { PortForwarder, publishedPorts } from './port-forwarder';

const container = (id: string, name: string, ports: Docker.Port[], State = 'running') => ({ Id: id, Names: [`/${name}`], State, Ports: ports }) as Docker.ContainerInfo;
const tcp = (PublicPort: number, IP = '0.0.0.0'): Docker.Port => ({ IP, PrivatePort: 80, PublicPort, Type: 'tcp' });

describe('published ports', () => {
  it('are the TCP host ports running containers publish on all addresses or loopback, each once', () => {
    expect(
      publishedPorts([
        container('a', 'web', [tcp(8080), tcp(8080, '::'), { IP: '0.0.0.0', PrivatePort: 53, PublicPort: 5353, Type: 'udp' }]),
        container('b', 'api', [tcp(9000, '127.0.0.1'), tcp(9001, '10.0.0.5'), { PrivatePort: 80, Type: 'tcp' } as Docker.Port]),
        container('c', 'old', [tcp(7000)], 'exited'),
        container('d', 'web2', [tcp(8080)]),
      ]),
    ).toEqual([
      { port: 8080, containers: ['web', 'web2'] },
      { port: 9000, containers: ['api'] },
    ]);
  });
});

/** A fake engine: a container list and an events stream the test writes to. */
function fakeDocker(list: Docker.ContainerInfo[]) {
  const events = new PassThrough();
  const docker = { getEvents: async () => events, listContainers: async () => list.slice() } as unknown as Docker;
  return { docker, events, list };
}

describe('port forwarder', () => {
  it('follows start and die events, and warns in words when a host port is taken', async () => {
    const { docker, events, list } = fakeDocker([container('a', 'web', [tcp(8080)])]);
    const open = new Set<number>();
    const changes: Array<[number[], string[]]> = [];
    const f = new PortForwarder({
      docker,
      forward: async (port) => {
        if (port === 9999) throw new Error('Port 9999 on 127.0.0.1 is already taken by another program.');
        open.add(port);
        return async () => void open.delete(port);
      },
      onChange: (ports, warnings) => changes.push([ports, warnings]),
    });
    await f.start();
    expect([...open]).toEqual([8080]);

    list.push(container('b', 'db', [tcp(9999)]));
    events.write(JSON.stringify({ status: 'start', id: 'b' }) + '\n');
    await f.sync();
    expect(changes.at(-1)).toEqual([[8080], ['Port 9999 on 127.0.0.1 is already taken by another program. Container db can be reached on it from inside the VM only.']]);

    // At 'die' the engine may still list the container as running: the event decides.
    events.write(JSON.stringify({ status: 'die', id: 'a' }));
    events.write('\n');
    await f.sync();
    expect([...open]).toEqual([]);
    expect(changes.at(-1)![0]).toEqual([]);

    await f.close();
  });
});

/** A backend whose machine the test controls. */
function fakeBackend(opts: { failBoot?: string; bootGate?: Promise<void> } = {}) {
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
      const run: VmRun = { dockerHost: 'unix:///nonexistent/docker.sock', forwardPort: async () => async () => undefined, exited, stop: async () => (stops.push('stop'), end({ expected: true })) };
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
const env = { DOCKER_CONFIG: dockerConfig }; // where the `berth` docker context is written

describe('VM manager', () => {
  it('starts through its steps, stops cleanly, and stopping again is no error', async () => {
    const { backend, stops } = fakeBackend();
    const m = new VmManager({ backend, resources: () => ({ cpus: 1, memoryMiB: 512, diskGiB: 8 }), env });
    const seen = states(m);
    await m.start();
    expect(m.info()).toMatchObject({ state: 'running', backend: 'mock', dockerHost: 'unix:///nonexistent/docker.sock' });
    await m.stop();
    await m.stop();
    expect(stops).toEqual(['stop']);
    expect(seen.map((i) => `${i.state}${i.step ? `:${i.step}` : ''}`)).toEqual(['starting:Preparing', 'starting:Booting Linux and connecting over SSH', 'running', 'stopping', 'stopped']);
  });

  it('reports a crash as an error with its reason; start works again from there', async () => {
    const { backend, crash } = fakeBackend();
    const m = new VmManager({ backend, resources: () => ({ cpus: 1, memoryMiB: 512, diskGiB: 8 }), env });
    await m.start();
    crash('QEMU was ended by SIGKILL');
    await new Promise((r) => setImmediate(r));
    expect(m.info()).toMatchObject({ state: 'error', reason: 'QEMU was ended by SIGKILL' });
    expect(m.info().dockerHost).toBeUndefined();
    await m.start();
    expect(m.info().state).toBe('running');
  });

  it('a failed boot is an error in words; a stop during the boot waits for it and ends stopped', async () => {
    const failing = new VmManager({ backend: fakeBackend({ failBoot: 'The VM did not finish booting (waiting for dockerd) in 180 s.' }).backend, resources: () => ({ cpus: 1, memoryMiB: 512, diskGiB: 8 }), env });
    await expect(failing.start()).rejects.toThrow('did not finish booting');
    expect(failing.info()).toMatchObject({ state: 'error', reason: 'The VM did not finish booting (waiting for dockerd) in 180 s.' });

    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const { backend, stops } = fakeBackend({ bootGate: gate });
    const m = new VmManager({ backend, resources: () => ({ cpus: 1, memoryMiB: 512, diskGiB: 8 }), env });
    const started = m.start();
    expect(m.start()).toBe(started); // one boot at a time
    const stopped = m.stop();
    expect(m.info().state).toBe('stopping');
    open();
    await Promise.all([started, stopped]);
    expect(m.info().state).toBe('stopped');
    expect(stops).toEqual(['stop']);
  });
});
