import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectedCore, engine, nextEvent, TEST_DATA_DIR, TEST_SETTINGS_FILE, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();

describe('contexts', () => {
  it('adds an engine, switches every service to it and back, and keeps the choice in the settings', async () => {
    expect(await t.call('contexts.list')).toEqual({
      ok: true,
      value: {
        contexts: [
          { name: 'default', host: docker.dockerHost, active: true, builtIn: true, source: 'docker-cli', description: expect.stringContaining('BERTH_DOCKER_HOST'), why: 'from BERTH_DOCKER_HOST' },
          { name: 'berth-vm', host: `unix://${join(TEST_DATA_DIR, 'run/docker.sock')}`, active: false, builtIn: true, source: 'berth', description: 'The Berth VM' }, // the Berth VM's forwarded socket
        ],
        problems: [],
      },
    });
    expect(await t.call('contexts.add', { name: 'nowhere', host: 'unix:///tmp/berth-no-such-engine.sock' })).toMatchObject({ ok: true });
    expect(await t.call('contexts.add', { name: 'bad', host: 'http://x' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', hint: expect.stringContaining('ssh://') } });
    expect(await t.call('contexts.add', { name: 'nowhere', host: 'unix:///x.sock' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const name = uniq('ctx');
    docker.cli(['create', '--name', name, TEST_IMAGE]);
    const switched = nextEvent(t.core, 'contexts:changed');
    expect(await t.call('contexts.use', { name: 'nowhere' })).toMatchObject({ ok: true });
    expect(await switched).toEqual({ active: 'nowhere' });
    await waitFor(() => t.core.engine.getStatus().state === 'unreachable' || undefined, 10_000, 'unreachable');
    expect(t.core.engine.getStatus()).toMatchObject({ endpoint: 'unix:///tmp/berth-no-such-engine.sock', reason: expect.stringContaining('no engine socket') });
    expect(await t.call('containers.list')).toMatchObject({ ok: false, error: { code: 'ENGINE_UNREACHABLE' } });
    expect(JSON.parse(readFileSync(TEST_SETTINGS_FILE, 'utf8'))).toMatchObject({ activeContext: 'nowhere' });
    expect(await t.call('contexts.remove', { name: 'nowhere' })).toMatchObject({ ok: false, error: { code: 'IN_USE' } });

    expect(await t.call('contexts.use', { name: 'default' })).toMatchObject({ ok: true });
    await waitFor(() => t.core.engine.getStatus().state === 'up' || undefined, 10_000, 'up again');
    const list = await t.call('containers.list');
    expect(list.ok && (list.value as { name: string }[]).map((c) => c.name)).toContain(name);
    expect(await t.call('contexts.remove', { name: 'default' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await t.call('contexts.remove', { name: 'berth-vm' })).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: 'The "berth-vm" context is built in and cannot be removed.' } });
    expect(await t.call('contexts.remove', { name: 'nowhere' })).toMatchObject({
      ok: true,
      value: {
        contexts: [
          { name: 'default', active: true },
          { name: 'berth-vm', active: false },
        ],
      },
    });
    expect(await t.call('contexts.use', { name: 'nowhere' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
