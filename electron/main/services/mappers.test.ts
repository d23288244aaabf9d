import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { toContainerSummary } from './containers';
import { toImageSummary } from './images';
import { networkMembers, toNetworkSummary } from './networks';
import { toVolumeSummary, volumeUsage } from './volumes';

const container = (over: Partial<Dockerode.ContainerInfo>): Dockerode.ContainerInfo =>
  ({ Id: 'c'.repeat(64), Names: ['/web'], Image: 'nginx', ImageID: 'sha256:i', Command: 'run', Created: 1700000000, Ports: [], Labels: {}, State: 'running', Status: 'Up 1 minute', HostConfig: { NetworkMode: 'default' }, NetworkSettings: { Networks: {} }, Mounts: [], ...over }) as Dockerode.ContainerInfo;

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

  it('image: drops <none> tags, marks dangling, counts users', () => {
    const img = { Id: 'sha256:i', RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'], Size: 5, Created: 1, ParentId: '', SharedSize: -1, VirtualSize: 5, Labels: {}, Containers: -1 } as Dockerode.ImageInfo;
    expect(toImageSummary(img, new Map([['sha256:i', 2]]))).toEqual({ id: 'sha256:i', tags: [], digests: [], size: 5, created: 1000, containers: 2, dangling: true });
  });

  it('volume: in use by the containers that mount it by name', () => {
    const usage = volumeUsage([
      container({ Names: ['/a'], Mounts: [{ Type: 'volume', Name: 'data', Source: '', Destination: '/d', Driver: 'local', Mode: '', RW: true, Propagation: '' }] }),
      container({ Names: ['/b'], Mounts: [{ Type: 'bind', Source: '/x', Destination: '/x', Mode: '', RW: true, Propagation: '' }] }),
    ]);
    expect(toVolumeSummary({ Name: 'data', Driver: 'local', Mountpoint: '/m', CreatedAt: '2024-01-01T00:00:00Z', Labels: null }, usage)).toEqual({
      name: 'data', driver: 'local', mountpoint: '/m', created: Date.parse('2024-01-01T00:00:00Z'), labels: {}, inUse: true, usedBy: ['a'],
    });
    expect(toVolumeSummary({ Name: 'other', Driver: 'local', Mountpoint: '/m' }, usage)).toMatchObject({ inUse: false, usedBy: [] });
  });

  it('network: members from the containers, built-ins flagged, subnets listed', () => {
    const members = networkMembers([container({ Id: 'c1', Names: ['/web'], NetworkSettings: { Networks: { front: { NetworkID: 'n1' } as Dockerode.NetworkInfo } } })]);
    const net = { Id: 'n1', Name: 'front', Driver: 'bridge', Scope: 'local', Created: '2024-01-01T00:00:00Z', IPAM: { Driver: 'default', Config: [{ Subnet: '10.1.0.0/24' }] }, Internal: false } as unknown as Dockerode.NetworkInspectInfo;
    expect(toNetworkSummary(net, members)).toMatchObject({ builtin: false, subnets: ['10.1.0.0/24'], containers: [{ id: 'c1', name: 'web' }] });
    expect(toNetworkSummary({ ...net, Name: 'bridge' }, new Map()).builtin).toBe(true);
  });
});
