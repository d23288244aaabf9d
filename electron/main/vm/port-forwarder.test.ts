import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { engineLike, FakeEngine } from '../../../test/support/fake-engine';
import { settles, until } from '../../../test/support/waits';
import { DockerClient } from '../engine/docker-client';
import { PortForwarder, portName, publishedPorts, type ForwardedPort } from './port-forwarder';

const container = (id: string, name: string, ports: Docker.Port[], State = 'running') => ({ Id: id, Names: [`/${name}`], State, Ports: ports }) as Docker.ContainerInfo;
const tcp = (PublicPort: number, IP = '0.0.0.0'): Docker.Port => ({ IP, PrivatePort: 80, PublicPort, Type: 'tcp' });
const udp = (PublicPort: number, IP = '0.0.0.0'): Docker.Port => ({ IP, PrivatePort: 53, PublicPort, Type: 'udp' });

describe('published ports', () => {
  const containers = [
    container('a', 'web', [tcp(8080), tcp(8080, '::'), udp(5353)]),
    container('b', 'api', [tcp(9000, '127.0.0.1'), tcp(9001, '10.0.0.5'), udp(9002, '::1'), { PrivatePort: 80, Type: 'tcp' } as Docker.Port]),
    container('c', 'old', [tcp(7000)], 'exited'),
    container('d', 'web2', [tcp(8080)]),
    container('e', 'dns', [udp(8080)]),
  ];

  it('are the TCP and UDP host ports running containers publish on all addresses or loopback, each once, on 127.0.0.1 by default', () => {
    expect(publishedPorts(containers)).toEqual([
      { protocol: 'udp', port: 5353, address: '127.0.0.1', containers: ['web'] },
      { protocol: 'tcp', port: 8080, address: '127.0.0.1', containers: ['web', 'web2'] },
      { protocol: 'udp', port: 8080, address: '127.0.0.1', containers: ['dns'] },
      { protocol: 'tcp', port: 9000, address: '127.0.0.1', containers: ['api'], vmLoopback: true },
      { protocol: 'udp', port: 9002, address: '127.0.0.1', containers: ['api'], vmLoopback: true },
    ]);
  });

  it('go on 0.0.0.0 when the preference allows it, and only those published on all addresses', () => {
    const on = publishedPorts(containers, true);
    expect(on.map((p) => `${portName(p)} ${p.address}`)).toEqual(['5353/udp 0.0.0.0', '8080 0.0.0.0', '8080/udp 0.0.0.0', '9000 127.0.0.1', '9002/udp 127.0.0.1']);
    // One container on loopback and one on all addresses share a port: all addresses wins.
    expect(publishedPorts([container('x', 'x', [tcp(80, '127.0.0.1')]), container('y', 'y', [tcp(80, '::')])], true)).toEqual([
      { protocol: 'tcp', port: 80, address: '0.0.0.0', containers: ['x', 'y'] },
    ]);
    expect(publishedPorts([container('y', 'y', [tcp(80, '::')]), container('x', 'x', [tcp(80, '127.0.0.1')])])).toEqual([{ protocol: 'tcp', port: 80, address: '127.0.0.1', containers: ['y', 'x'] }]);
  });
});

/** A fake engine: a container list and an events stream the test writes to. */
function fakeDocker(list: Docker.ContainerInfo[]) {
  const events = new PassThrough();
  const docker = { getEvents: async () => events, listContainers: async () => list.slice() } as unknown as Docker;
  return { docker, events, list };
}

/** A forward that records what is open (`protocol/port@address`) and refuses the ports in `taken`. */
function recorder(taken: string[] = []) {
  const open = new Set<string>();
  const forward = async (p: ForwardedPort) => {
    const key = `${portName(p)}@${p.address}`;
    if (taken.includes(portName(p))) throw new Error(`${p.protocol === 'udp' ? 'UDP port' : 'Port'} ${p.port} on ${p.address} is already taken by another program.`);
    open.add(key);
    return async () => void open.delete(key);
  };
  return { open, forward };
}

describe('port forwarder', () => {
  it('follows start and die events, TCP and UDP, and warns in words when a host port is taken', async () => {
    const { docker, events, list } = fakeDocker([container('a', 'web', [tcp(8080), udp(8080)])]);
    const { open, forward } = recorder(['9999/udp']);
    const changes: Array<[ForwardedPort[], string[]]> = [];
    const f = new PortForwarder({ docker, forward, onChange: (ports, warnings) => changes.push([ports, warnings]) });
    await f.start();
    expect([...open].sort()).toEqual(['8080/udp@127.0.0.1', '8080@127.0.0.1']);

    list.push(container('b', 'db', [udp(9999)]));
    events.write(JSON.stringify({ status: 'start', id: 'b' }) + '\n');
    await f.sync();
    expect(changes.at(-1)).toEqual([
      [
        { protocol: 'tcp', port: 8080, address: '127.0.0.1' },
        { protocol: 'udp', port: 8080, address: '127.0.0.1' },
      ],
      ['UDP port 9999 on 127.0.0.1 is already taken by another program. Container db can be reached on it from inside the VM only.'],
    ]);

    // At 'die' the engine may still list the container as running: the event decides.
    events.write(JSON.stringify({ status: 'die', id: 'a' }));
    events.write('\n');
    events.write(JSON.stringify({ status: 'die', id: 'b' }) + '\n');
    await f.sync();
    expect([...open]).toEqual([]);
    expect(changes.at(-1)).toEqual([[], []]);
    await f.close();
  });

  it('moves a forward between 127.0.0.1 and 0.0.0.0 when the preference changes, and stops watching it at close', async () => {
    const { docker } = fakeDocker([container('a', 'web', [tcp(8080), tcp(9000, '127.0.0.1')])]);
    const { open, forward } = recorder();
    let all = false;
    let changed: (() => void) | undefined;
    let synced: () => void = () => undefined;
    const f = new PortForwarder({ docker, forward, allAddresses: async () => all, watchPreference: (c) => ((changed = c), () => (changed = undefined)), onChange: () => synced() });
    await f.start();
    expect([...open].sort()).toEqual(['8080@127.0.0.1']); // 9000: on the VM's loopback only, never forwarded
    all = true;
    const next = new Promise<void>((r) => (synced = r));
    changed!(); // the watch alone moves it: no sync() here
    await next;
    expect([...open].sort()).toEqual(['8080@0.0.0.0']);
    expect(f.forwarded()).toEqual([{ protocol: 'tcp', port: 8080, address: '0.0.0.0' }]);
    await f.close();
    expect(changed).toBeUndefined();
    expect([...open]).toEqual([]);
  });

  it('a settings write that leaves the preference as it was asks the engine nothing (a paused VM stays asleep)', async () => {
    const { docker } = fakeDocker([container('a', 'web', [tcp(8080)])]);
    let lists = 0;
    const list = docker.listContainers.bind(docker);
    docker.listContainers = ((...a: Parameters<typeof list>) => (lists++, list(...a))) as typeof docker.listContainers;
    let all = false;
    let reads = 0;
    let changed: (() => void) | undefined;
    let synced: () => void = () => undefined;
    const f = new PortForwarder({ docker, forward: recorder().forward, allAddresses: async () => (reads++, all), watchPreference: (c) => ((changed = c), () => undefined), onChange: () => synced() });
    await f.start();
    expect(lists).toBe(1);
    const before = reads;
    changed!(); // the theme, the auto-pause minutes
    await until(() => reads > before); // the preference was read...
    await new Promise((r) => setImmediate(r)); // ...and what followed from it has run
    expect(lists).toBe(1); // the write itself listed nothing
    all = true;
    const next = new Promise<void>((r) => (synced = r));
    changed!();
    await next;
    expect(lists).toBe(2);
    await f.close();
  });

  it('tries a port again once its address changes (a port taken on 0.0.0.0 may be free on 127.0.0.1)', async () => {
    const { docker } = fakeDocker([container('a', 'web', [tcp(8080)])]);
    const taken: string[] = [];
    const open = new Set<string>();
    const forward = async (p: ForwardedPort) => {
      if (taken.includes(`${p.port}@${p.address}`)) throw new Error(`Port ${p.port} on ${p.address} is already taken by another program.`);
      open.add(`${p.port}@${p.address}`);
      return async () => void open.delete(`${p.port}@${p.address}`);
    };
    taken.push('8080@0.0.0.0');
    let all = true;
    const warnings: string[][] = [];
    const f = new PortForwarder({ docker, forward, allAddresses: async () => all, onChange: (_, w) => warnings.push(w) });
    await f.start();
    expect(warnings.at(-1)).toEqual(['Port 8080 on 0.0.0.0 is already taken by another program. Container web can be reached on it from inside the VM only.']);
    all = false;
    await f.sync();
    expect(warnings.at(-1)).toEqual([]);
    expect([...open]).toEqual(['8080@127.0.0.1']);
    await f.close();
  });

  it("does not forward a port published on the VM's 127.0.0.1 (no forward reaches it): a warning says why and what to do, until it is published on all addresses", async () => {
    const { docker, events, list } = fakeDocker([container('a', 'local', [tcp(9000, '127.0.0.1'), udp(9053, '127.0.0.1')])]);
    const { open, forward } = recorder();
    const warnings: string[][] = [];
    const f = new PortForwarder({ docker, forward, onChange: (_, w) => warnings.push(w) });
    await f.start();
    expect([...open]).toEqual([]);
    expect(warnings.at(-1)).toEqual([
      "Container local publishes port 9000 on 127.0.0.1 inside the VM, where the host cannot reach it, so Berth did not forward it. Publish it without an address (-p 9000:<port in the container>): Berth still keeps it on this computer's 127.0.0.1.",
      "Container local publishes UDP port 9053 on 127.0.0.1 inside the VM, where the host cannot reach it, so Berth did not forward it. Publish it without an address (-p 9053:<port in the container>/udp): Berth still keeps it on this computer's 127.0.0.1.",
    ]);
    list.push(container('b', 'all', [tcp(9000)]));
    events.write(JSON.stringify({ status: 'start', id: 'b' }) + '\n');
    await f.sync();
    expect([...open]).toEqual(['9000@127.0.0.1']);
    expect(warnings.at(-1)).toHaveLength(1);
    await f.close();
  });

  it('keeps 127.0.0.1 when the preference cannot be read', async () => {
    const { docker } = fakeDocker([container('a', 'web', [tcp(8080)])]);
    const { open, forward } = recorder();
    const f = new PortForwarder({ docker, forward, allAddresses: () => Promise.reject(new Error('no settings')), onChange: () => undefined });
    await f.start();
    expect([...open]).toEqual(['8080@127.0.0.1']);
    await f.close();
  });

  it('close() does not wait on a guest engine that never answers: the calls on their way are ended', async () => {
    // Events flow, the container list never comes: a dockerd hung mid-sync.
    const engine = await new FakeEngine(engineLike(() => undefined)).listen();
    const client = new DockerClient({ kind: 'unix', socketPath: engine.socketPath }, { refusal: () => undefined, slow: () => undefined });
    try {
      const f = new PortForwarder({ docker: client.docker, forward: async () => async () => undefined, onChange: () => undefined });
      const started = f.start();
      await until(() => engine.requests.some((r) => r.startsWith('GET /containers/json')));
      expect(await settles(f.close())).toBe(true);
      expect(await settles(started)).toBe(true);
      await until(() => engine.open === 0); // the event stream and the list: both ended
    } finally {
      client.dispose();
      await engine.close();
    }
  });
});
