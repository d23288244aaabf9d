import { describe, expect, it } from 'vitest';
import type { NetworkSummary } from '../../electron/shared/models';
import { connectedCore, engine, uniq } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const { call } = connectedCore();
const cliNetworks = () => docker.cli(['network', 'ls', '--format', '{{.Name}}']).split('\n');
const networksOf = (c: string) => Object.keys(JSON.parse(docker.cli(['inspect', '-f', '{{json .NetworkSettings.Networks}}', c])) as object);

describe('networks through the API', () => {
  it('creates a bridge network with a subnet the CLI sees', async () => {
    const name = uniq('net');
    const reply = await call('networks.create', { name, subnet: '172.29.7.0/24' });
    expect(reply).toMatchObject({ ok: true, value: { name, driver: 'bridge', subnets: ['172.29.7.0/24'], builtin: false } });
    expect(docker.cli(['network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Subnet}}{{end}} {{.Driver}}', name])).toBe('172.29.7.0/24 bridge');
  });

  it('refuses bad names, bad subnets and taken names, and creates nothing', async () => {
    const before = cliNetworks();
    for (const args of [{ name: 'bad name' }, { name: '' }, { name: 'ok', subnet: '300.1.1.0/24' }, { name: 'ok', subnet: '10.0.0.0' }, { name: 'ok', driver: 'overlay' }]) {
      expect(await call('networks.create', args), JSON.stringify(args)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
    const taken = uniq('taken');
    docker.cli(['network', 'create', taken]);
    expect(await call('networks.create', { name: taken })).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/already exists/) } });
    // overlapping subnet: the engine's own reason comes through
    const a = uniq('ov');
    expect((await call('networks.create', { name: a, subnet: '172.29.99.0/24' })).ok).toBe(true);
    const overlap = await call('networks.create', { name: uniq('ov'), subnet: '172.29.99.0/25' });
    expect(overlap).toMatchObject({ ok: false, error: { message: expect.stringMatching(/overlap/i) } });
    expect(cliNetworks().sort()).toEqual([...before, taken, a].sort());
  });

  it('connects and disconnects a container, and lists the members', async () => {
    const net = uniq('conn');
    const c = uniq('member');
    docker.cli(['network', 'create', net]);
    docker.cli(['run', '-d', '--name', c, TEST_IMAGE, 'sleep', '600']);
    expect(await call('networks.connect', { network: net, container: c })).toEqual({ ok: true, value: null });
    expect(networksOf(c)).toContain(net);
    const list = ((await call('networks.list')) as { value: NetworkSummary[] }).value;
    expect(list.find((n) => n.name === net)!.containers.map((m) => m.name)).toEqual([c]);
    expect(list.map((n) => n.name).sort()).toEqual(cliNetworks().sort());
    expect(await call('networks.disconnect', { network: net, container: c })).toEqual({ ok: true, value: null });
    expect(networksOf(c)).not.toContain(net);
  });

  it('refuses to remove a network in use or a built-in one, and keeps them', async () => {
    const net = uniq('busy');
    docker.cli(['network', 'create', net]);
    docker.cli(['run', '-d', '--name', uniq('busyc'), '--network', net, TEST_IMAGE, 'sleep', '600']);
    const reply = (await call('networks.remove', { ids: [net, 'bridge'] })) as { value: { ok: boolean; error?: { code: string; message: string } }[] };
    expect(reply.value[0]).toMatchObject({ ok: false, error: { code: 'IN_USE', message: expect.stringMatching(/active endpoints/) } });
    expect(reply.value[1]).toMatchObject({ ok: false, error: { message: expect.stringMatching(/pre-defined/) } });
    expect(cliNetworks()).toEqual(expect.arrayContaining([net, 'bridge']));
  });

  it('removes an unused network, and prune removes only unused ones', async () => {
    const gone = uniq('gone');
    const unused = uniq('unused');
    const used = uniq('used');
    for (const n of [gone, unused, used]) docker.cli(['network', 'create', n]);
    docker.cli(['run', '-d', '--name', uniq('usedc'), '--network', used, TEST_IMAGE, 'sleep', '600']);
    expect(await call('networks.remove', { ids: [gone] })).toMatchObject({ ok: true, value: [{ ok: true }] });
    const pruned = (await call('networks.prune')) as { value: { removed: string[] } };
    expect(pruned.value.removed).toContain(unused);
    expect(cliNetworks()).toContain(used);
    expect(cliNetworks()).not.toContain(unused);
    expect(cliNetworks()).not.toContain(gone);
  });
});
