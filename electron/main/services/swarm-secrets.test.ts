import { describe, expect, it } from 'vitest';
import { parseSubnet, toOverlay } from './swarm-networks';
import { mountPath, SwarmSecretsService, toSwarmData } from './swarm-secrets';

describe('secrets and configs as listed', () => {
  it('names the services that mount one, and where', () => {
    const services = [
      { ID: 's1', Spec: { Name: 'web', TaskTemplate: { ContainerSpec: { Secrets: [{ SecretID: 'x', SecretName: 'pw', File: { Name: 'pw' } }] } } } },
      { ID: 's2', Spec: { Name: 'api', TaskTemplate: { ContainerSpec: { Secrets: [{ SecretID: 'x', SecretName: 'pw', File: { Name: '/etc/pw' } }], Configs: [{ ConfigID: 'x' }] } } } },
      { ID: 's3', Spec: { Name: 'none', TaskTemplate: { ContainerSpec: {} } } },
    ];
    const d = toSwarmData({ ID: 'x', CreatedAt: '2026-01-02T03:04:05Z', Spec: { Name: 'pw', Labels: { 'com.docker.stack.namespace': 'shop' } } }, 'secret', services);
    expect(d).toEqual({
      id: 'x',
      kind: 'secret',
      name: 'pw',
      labels: { 'com.docker.stack.namespace': 'shop' },
      stack: 'shop',
      created: Date.parse('2026-01-02T03:04:05Z'),
      usedBy: [
        { serviceId: 's2', service: 'api', target: '/etc/pw' },
        { serviceId: 's1', service: 'web', target: '/run/secrets/pw' },
      ],
    });
    // A config reference with the same id is a config's, not this secret's.
    expect(toSwarmData({ ID: 'x', Spec: { Name: 'c' } }, 'config', services).usedBy).toEqual([{ serviceId: 's2', service: 'api', target: '/c' }]);
  });

  it('puts a secret named by a file name under /run/secrets, and leaves an absolute path as it is', () => {
    expect(mountPath('secret', 'db')).toBe('/run/secrets/db');
    expect(mountPath('secret', '/etc/db')).toBe('/etc/db');
    expect(mountPath('config', 'app.conf')).toBe('/app.conf');
  });
});

describe('overlay subnets', () => {
  it('takes an IPv4 subnet at its start, and says what is wrong with any other', () => {
    expect(parseSubnet('10.20.0.0/24')).toEqual({ start: 10 * 2 ** 24 + 20 * 2 ** 16, size: 256, text: '10.20.0.0/24' });
    expect(parseSubnet('10.20.0.7/24')).toBe('"10.20.0.7/24" is not the start of a subnet: did you mean 10.20.0.0/24?');
    expect(parseSubnet('10.20.0.0/30')).toMatch(/between a \/8 and a \/29/);
    expect(parseSubnet('300.1.1.0/24')).toMatch(/each of the four numbers is 0-255/);
    expect(parseSubnet('fd00::/64')).toMatch(/write an IPv4 subnet/);
    expect(parseSubnet('')).toMatch(/is not a subnet/);
  });

  it('lists the services on a network and the nodes their running tasks are on', () => {
    const net = { Id: 'n1', Name: 'back', Driver: 'overlay', Scope: 'swarm', Attachable: true, Options: { encrypted: '' }, IPAM: { Config: [{ Subnet: '10.1.0.0/24' }] } };
    const services = [
      { ID: 's1', Spec: { Name: 'web', TaskTemplate: { Networks: [{ Target: 'n1' }] } } },
      { ID: 's2', Spec: { Name: 'old', Networks: [{ Target: 'back' }] } },
      { ID: 's3', Spec: { Name: 'other', TaskTemplate: { Networks: [{ Target: 'n2' }] } } },
    ];
    const tasks = [
      { ServiceID: 's1', NodeID: 'a', DesiredState: 'running', NetworksAttachments: [{ Network: { ID: 'n1' } }] },
      { ServiceID: 's1', NodeID: 'b', DesiredState: 'shutdown', NetworksAttachments: [{ Network: { ID: 'n1' } }] },
      { ServiceID: 's3', NodeID: 'c', DesiredState: 'running', NetworksAttachments: [{ Network: { ID: 'n2' } }] },
    ];
    expect(toOverlay(net, services, tasks, new Map([['a', 'node1']]))).toEqual({
      id: 'n1',
      name: 'back',
      attachable: true,
      encrypted: true,
      ingress: false,
      subnets: ['10.1.0.0/24'],
      services: [
        { id: 's2', name: 'old' },
        { id: 's1', name: 'web' },
      ],
      nodes: ['node1'],
    });
  });
});

describe('giving a secret to a service', () => {
  it('reads the service again and updates it again when another change got in between', async () => {
    let version = 7;
    const updates: { version: number; secrets: unknown }[] = [];
    const service = () => ({ ID: 's1', Version: { Index: version }, Spec: { Name: 'web', TaskTemplate: { ContainerSpec: { Image: 'x', Secrets: [] } } } });
    const docker = {
      listSecrets: async () => [{ ID: 'x', Spec: { Name: 'pw' } }],
      listConfigs: async () => [],
      listServices: async () => [service()],
      getService: () => ({
        inspect: async () => service(),
        update: async (o: { _query: { version: number }; _body: { TaskTemplate: { ContainerSpec: { Secrets: unknown } } } }) => {
          updates.push({ version: o._query.version, secrets: o._body.TaskTemplate.ContainerSpec.Secrets });
          if (updates.length === 1) {
            version = 8; // someone else's change landed first
            throw Object.assign(new Error('(HTTP code 500) server error'), { statusCode: 500, json: { message: 'rpc error: code = Unknown desc = update out of sequence' } });
          }
        },
      }),
    };
    await new SwarmSecretsService(docker as never).attach('secret', 'pw', 'web');
    expect(updates.map((u) => u.version)).toEqual([7, 8]);
    expect(updates[1]!.secrets).toEqual([{ File: { Name: 'pw', UID: '0', GID: '0', Mode: 0o444 }, SecretID: 'x', SecretName: 'pw' }]);
  });
});
