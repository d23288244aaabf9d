import { describe, expect, it } from 'vitest';
import type { VolumeSummary } from '../../electron/shared/models';
import { connectedCore, engine, uniq } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const { call } = connectedCore();
const cliVolumes = () => docker.cli(['volume', 'ls', '-q']).split('\n').filter(Boolean);

describe('volumes through the API', () => {
  it('creates a named volume the CLI sees, and lists it with its users', async () => {
    const name = uniq('vol');
    expect(await call('volumes.create', { name, labels: { team: 'a' } })).toMatchObject({ ok: true, value: { name, driver: 'local', inUse: false } });
    expect(cliVolumes()).toContain(name);
    expect(docker.cli(['volume', 'inspect', '-f', '{{.Labels.team}}', name])).toBe('a');

    const user = uniq('user');
    docker.cli(['create', '--name', user, '-v', `${name}:/data`, TEST_IMAGE]);
    const list = ((await call('volumes.list')) as { value: VolumeSummary[] }).value;
    expect(list.map((v) => v.name).sort()).toEqual(cliVolumes().sort());
    expect(list.find((v) => v.name === name)).toMatchObject({ inUse: true, usedBy: [user] });
  });

  it('creates an anonymous volume when no name is given', async () => {
    const before = cliVolumes();
    const reply = (await call('volumes.create', {})) as { ok: boolean; value: VolumeSummary };
    expect(reply.ok).toBe(true);
    expect(before).not.toContain(reply.value.name);
    expect(cliVolumes()).toContain(reply.value.name);
  });

  it('refuses invalid and taken names and creates nothing', async () => {
    const before = cliVolumes();
    for (const name of ['bad name', '-x', 'a', 'x/y', 'é']) {
      expect(await call('volumes.create', { name }), name).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
    const taken = uniq('taken');
    docker.cli(['volume', 'create', taken]);
    expect(await call('volumes.create', { name: taken })).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/already exists/) } });
    expect(cliVolumes().sort()).toEqual([...before, taken].sort());
  });

  it('refuses to remove a volume in use and keeps it; removes an unused one', async () => {
    const used = uniq('used');
    const free = uniq('free');
    docker.cli(['volume', 'create', used]);
    docker.cli(['volume', 'create', free]);
    docker.cli(['create', '--name', uniq('holder'), '-v', `${used}:/data`, TEST_IMAGE]);
    const reply = (await call('volumes.remove', { names: [used, free] })) as { value: { id: string; ok: boolean; error?: { code: string; message: string } }[] };
    expect(reply.value[0]).toMatchObject({ id: used, ok: false, error: { code: 'IN_USE', message: expect.stringMatching(/in use/) } });
    expect(reply.value[1]).toEqual({ id: free, ok: true });
    expect(cliVolumes()).toContain(used);
    expect(cliVolumes()).not.toContain(free);
  });

  it('prune removes unused volumes and keeps used ones', async () => {
    const used = uniq('pused');
    const unused = uniq('punused');
    docker.cli(['volume', 'create', used]);
    docker.cli(['volume', 'create', unused]);
    docker.cli(['create', '--name', uniq('pholder'), '-v', `${used}:/data`, TEST_IMAGE]);
    const reply = (await call('volumes.prune')) as { ok: boolean; value: { removed: string[] } };
    expect(reply.ok).toBe(true);
    expect(reply.value.removed).toContain(unused);
    expect(reply.value.removed).not.toContain(used);
    expect(cliVolumes()).toContain(used);
    expect(cliVolumes()).not.toContain(unused);
  });
});
