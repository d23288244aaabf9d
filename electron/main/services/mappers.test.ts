import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { toContainerSummary } from './containers';
import { healthOf, toHealthReport } from './health-check';
import { toImageSummary } from './images';
import { networkMembers, toNetworkSummary } from './networks';
import { toVolumeSummary, volumeUsage } from './volumes';

const container = (over: Partial<Dockerode.ContainerInfo>): Dockerode.ContainerInfo => ({
  Id: 'c'.repeat(64),
  Names: ['/web'],
  Image: 'nginx',
  ImageID: 'sha256:i',
  Command: 'run',
  Created: 1700000000,
  Ports: [],
  Labels: {},
  State: 'running',
  Status: 'Up 1 minute',
  HostConfig: { NetworkMode: 'default' },
  NetworkSettings: { Networks: {} },
  Mounts: [],
  ...over,
});

describe('DTO mappers', () => {
  it('container: strips the name slash, shows each published port once, reads the compose project', () => {
    const c = toContainerSummary(
      container({
        Ports: [
          { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
          { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
          { IP: '', PrivatePort: 53, PublicPort: 0, Type: 'udp' },
        ],
        Labels: { 'com.docker.compose.project': 'shop' },
      }),
    );
    expect(c).toMatchObject({ name: 'web', created: 1700000000000, composeProject: 'shop', state: 'running' });
    expect(c.ports).toEqual([
      { privatePort: 53, publicPort: undefined, ip: undefined, type: 'udp' },
      { privatePort: 80, publicPort: 8080, ip: '0.0.0.0', type: 'tcp' },
    ]);
  });

  it('container: an unknown engine state is shown as dead rather than trusted', () => {
    expect(toContainerSummary(container({ State: 'zombie' })).state).toBe('dead');
  });

  it.each([
    [{ Status: 'Up 1 minute' }, { health: 'none' }],
    [{ Status: 'Up 3 minutes (healthy)' }, { health: 'healthy' }],
    [{ Status: 'Up 3 minutes (unhealthy)' }, { health: 'unhealthy' }],
    [{ Status: 'Up 2 seconds (health: starting)' }, { health: 'starting' }],
    [{ Status: 'Up 3 minutes (Paused)', State: 'paused' }, { health: 'none' }],
    [{ Status: 'Exited (1) 2 minutes ago', State: 'exited' }, { health: 'none' }],
    [{ Status: 'Up (healthy) for a while' }, { health: 'none' }], // only the engine's own suffix counts
    // API 1.52 lists it, with the streak.
    [
      { Status: 'Up 3 minutes', Health: { Status: 'unhealthy', FailingStreak: 4 } },
      { health: 'unhealthy', failingStreak: 4 },
    ],
    [{ Status: 'Up 3 minutes', Health: { Status: 'none', FailingStreak: 0 } }, { health: 'none' }],
    [{ Status: 'Up 3 minutes', Health: { Status: 'healthy', FailingStreak: -1 } }, { health: 'healthy' }],
    [{ Status: 'Up 3 minutes', Health: { Status: 'constructor' } }, { health: 'none' }],
    [{ Status: 42 as unknown as string }, { health: 'none' }],
    // API 1.52 keeps listing a stopped container's last health: not a check that runs.
    [{ Status: 'Exited (0) 1 minute ago', State: 'exited', Health: { Status: 'unhealthy', FailingStreak: 3 } }, { health: 'none' }],
  ])('container health from %o: %o', (over, health) => {
    expect(healthOf({ State: 'running', ...over })).toEqual(health);
    const row = toContainerSummary(container({ State: 'running', ...over }));
    expect(row).toMatchObject(health);
    expect(row.status).not.toMatch(/\((un)?healthy\)$|\(health: starting\)$/); // the Health column says it
  });

  it('health report: the check with the engine defaults filled in, the last probes newest first', () => {
    const r = toHealthReport({
      State: {
        Running: true,
        Health: {
          Status: 'unhealthy',
          FailingStreak: 3,
          Log: [
            { Start: '2026-12-01T10:00:00.000Z', End: '2026-12-01T10:00:00.250Z', ExitCode: 0, Output: 'ok\n' },
            { Start: '2026-12-01T10:00:05.000Z', End: '2026-12-01T10:00:05.100Z', ExitCode: 1, Output: 'x'.repeat(10_000) },
          ],
        },
      },
      Config: { Healthcheck: { Test: ['CMD', 'wget', '-q', '--spider', 'http://localhost/a b'], Interval: 5e9, Retries: 0 } },
    });
    expect(r).toMatchObject({ status: 'unhealthy', failingStreak: 3, check: { command: "wget -q --spider 'http://localhost/a b'", interval: 5000, timeout: 30_000, retries: 3, startPeriod: 0 } });
    expect(r.probes.map((p) => [p.exitCode, p.end - p.start, p.output.length])).toEqual([
      [1, 100, 4096],
      [0, 250, 3],
    ]);
    expect(toHealthReport({ State: { Running: true }, Config: { Healthcheck: { Test: ['CMD-SHELL', 'test -f /ready'] } } })).toEqual({
      status: 'none',
      failingStreak: 0,
      check: { command: 'test -f /ready', interval: 30_000, timeout: 30_000, retries: 3, startPeriod: 0 },
      probes: [],
    });
  });

  it('health report: the last ten probes at most, whatever the engine lists', () => {
    const Log = Array.from({ length: 200 }, (_, i) => ({ Start: new Date(1e12 + i * 1000).toISOString(), End: new Date(1e12 + i * 1000 + 5).toISOString(), ExitCode: 0, Output: `probe ${i}` }));
    const r = toHealthReport({ State: { Running: true, Health: { Status: 'healthy', Log } }, Config: { Healthcheck: { Test: ['CMD-SHELL', 'true'] } } });
    expect(r.probes.map((p) => p.output)).toEqual(Array.from({ length: 10 }, (_, i) => `probe ${199 - i}`));
  });

  it.each([
    undefined,
    null,
    42,
    'x',
    {},
    { State: { Health: { Log: 'no', Status: 7 } }, Config: { Healthcheck: { Test: ['NONE'] } } },
    { Config: { Healthcheck: { Test: ['CMD', 1] } } },
    { State: { Running: false, Health: { Status: 'healthy' } }, Config: { Healthcheck: { Test: ['CMD-SHELL', 'true'] } } },
  ])('health report of %o: no check running, no throw', (raw) => {
    expect(toHealthReport(raw)).toMatchObject({ status: 'none', failingStreak: 0, probes: [] });
  });

  it('image: drops <none> tags, marks dangling, counts users', () => {
    const img = {
      Id: 'sha256:i',
      RepoTags: ['<none>:<none>'],
      RepoDigests: ['<none>@<none>'],
      Size: 5,
      Created: 1,
      ParentId: '',
      SharedSize: -1,
      VirtualSize: 5,
      Labels: {},
      Containers: -1,
    } as Dockerode.ImageInfo;
    expect(toImageSummary(img, new Map([['sha256:i', 2]]))).toEqual({ id: 'sha256:i', tags: [], digests: [], size: 5, created: 1000, containers: 2, dangling: true });
  });

  it('volume: in use by the containers that mount it by name', () => {
    const usage = volumeUsage([
      container({ Names: ['/a'], Mounts: [{ Type: 'volume', Name: 'data', Source: '', Destination: '/d', Driver: 'local', Mode: '', RW: true, Propagation: '' }] }),
      container({ Names: ['/b'], Mounts: [{ Type: 'bind', Source: '/x', Destination: '/x', Mode: '', RW: true, Propagation: '' }] }),
    ]);
    expect(toVolumeSummary({ Name: 'data', Driver: 'local', Mountpoint: '/m', CreatedAt: '2024-01-01T00:00:00Z', Labels: null }, usage)).toEqual({
      name: 'data',
      driver: 'local',
      mountpoint: '/m',
      created: Date.parse('2024-01-01T00:00:00Z'),
      labels: {},
      inUse: true,
      usedBy: ['a'],
    });
    expect(toVolumeSummary({ Name: 'other', Driver: 'local', Mountpoint: '/m' }, usage)).toMatchObject({ inUse: false, usedBy: [] });
  });

  it('network: members from the containers, built-ins flagged, subnets listed', () => {
    const members = networkMembers([container({ Id: 'c1', Names: ['/web'], NetworkSettings: { Networks: { front: { NetworkID: 'n1' } as Dockerode.NetworkInfo } } })]);
    const net = {
      Id: 'n1',
      Name: 'front',
      Driver: 'bridge',
      Scope: 'local',
      Created: '2024-01-01T00:00:00Z',
      IPAM: { Driver: 'default', Config: [{ Subnet: '10.1.0.0/24' }] },
      Internal: false,
    } as unknown as Dockerode.NetworkInspectInfo;
    expect(toNetworkSummary(net, members)).toMatchObject({ builtin: false, subnets: ['10.1.0.0/24'], containers: [{ id: 'c1', name: 'web' }] });
    expect(toNetworkSummary({ ...net, Name: 'bridge' }, new Map()).builtin).toBe(true);
  });
});
