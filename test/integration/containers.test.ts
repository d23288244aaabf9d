import { describe, expect, it } from 'vitest';
import type { ContainerDetail, ContainerSummary } from '../../electron/shared/models';
import { connectedCore, engine, uniq } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const { call } = connectedCore();
const state = (name: string) => docker.cli(['inspect', '-f', '{{.State.Status}}', name]);
const run = (name: string, ...extra: string[]) => docker.cli(['run', '-d', '--name', name, ...extra, TEST_IMAGE, 'sleep', '600']);

describe('containers through the API', () => {
  it('lists what `docker ps -a` lists, with state, image, ports and labels', async () => {
    const name = uniq('list');
    run(name, '-p', '127.0.0.1::80', '--label', 'com.docker.compose.project=demo');
    const reply = await call('containers.list');
    expect(reply.ok).toBe(true);
    const list = (reply as { value: ContainerSummary[] }).value;
    const cli = docker.cli(['ps', '-a', '--format', '{{.ID}}']).split('\n');
    expect(list.map((c) => c.id.slice(0, 12)).sort()).toEqual(cli.sort());
    const c = list.find((x) => x.name === name)!;
    expect(c.state).toBe('running');
    expect(c.image).toBe(TEST_IMAGE);
    expect(c.composeProject).toBe('demo');
    const published = docker.cli(['port', name, '80/tcp']).split('\n')[0]!;
    expect(c.ports).toEqual([{ privatePort: 80, publicPort: Number(published.split(':').pop()), ip: '127.0.0.1', type: 'tcp' }]);
  });

  it('stop, start, pause, unpause, restart and kill each change the engine state', async () => {
    const name = uniq('life');
    const id = run(name);
    const steps: [string, string][] = [
      ['stop', 'exited'],
      ['start', 'running'],
      ['pause', 'paused'],
      ['unpause', 'running'],
      ['restart', 'running'],
      ['kill', 'exited'],
    ];
    for (const [action, expected] of steps) {
      const reply = await call('containers.action', { ids: [id], action });
      expect(reply, action).toEqual({ ok: true, value: [{ id, ok: true }] });
      expect(state(name), action).toBe(expected);
    }
  });

  it('starting a running container is not an error', async () => {
    const id = run(uniq('again'));
    expect(await call('containers.action', { ids: [id], action: 'start' })).toEqual({ ok: true, value: [{ id, ok: true }] });
  });

  it('acts on several containers at once, each reported on its own', async () => {
    const a = run(uniq('bulk'));
    const b = run(uniq('bulk'));
    const reply = await call('containers.action', { ids: [a, b, 'no-such-container'], action: 'stop' });
    expect(reply.ok).toBe(true);
    const results = (reply as { value: { id: string; ok: boolean; error?: { code: string } }[] }).value;
    expect(results.filter((r) => r.ok).map((r) => r.id)).toEqual([a, b]);
    expect(results[2]).toMatchObject({ id: 'no-such-container', ok: false, error: { code: 'NOT_FOUND' } });
    expect([state(a), state(b)]).toEqual(['exited', 'exited']);
  });

  it('refuses to remove a running container without force and leaves it running', async () => {
    const name = uniq('keep');
    const id = run(name);
    const reply = await call('containers.remove', { ids: [id] });
    expect(reply.ok).toBe(true);
    const [r] = (reply as { value: { ok: boolean; error?: { code: string; message: string } }[] }).value;
    expect(r!.ok).toBe(false);
    expect(r!.error!.code).toBe('CONFLICT');
    expect(r!.error!.message).toMatch(/running container/i);
    expect(state(name)).toBe('running');
  });

  it('removes with force, and a stopped one without', async () => {
    const running = uniq('rm');
    const stopped = uniq('rm');
    run(running);
    docker.cli(['create', '--name', stopped, TEST_IMAGE]);
    expect((await call('containers.remove', { ids: [running], force: true })).ok).toBe(true);
    expect((await call('containers.remove', { ids: [stopped] })).ok).toBe(true);
    const left = docker.cli(['ps', '-a', '--format', '{{.Names}}']).split('\n');
    expect(left).not.toContain(running);
    expect(left).not.toContain(stopped);
  });

  it('inspects a container and reports an unknown one as NOT_FOUND', async () => {
    const name = uniq('insp');
    const id = run(name, '-e', 'HELLO=world');
    const reply = await call('containers.inspect', { id });
    expect(reply.ok).toBe(true);
    expect((reply as { value: { Config: { Env: string[] } } }).value.Config.Env).toContain('HELLO=world');
    expect(await call('containers.inspect', { id: 'nope-nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // The Inspect tab's view: the same JSON and its facts, from one read.
    const view = (await call('containers.inspectView', { id })) as { ok: true; value: { json: { Config: { Env: string[] } }; detail: { env: unknown } } };
    expect(view.value.json.Config.Env).toContain('HELLO=world');
    expect(view.value.detail.env).toContain('HELLO=world');
    expect(await call('containers.inspectView', { id: 'nope-nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('says what a container was run with as a typed detail, from the real engine', async () => {
    const name = uniq('detail');
    const id = run(name, '-e', 'HELLO=world', '--restart', 'on-failure:2', '--memory', '64m', '-v', '/anon', '-p', '127.0.0.1::80');
    const reply = await call('containers.detail', { id });
    expect(reply.ok).toBe(true);
    const d = (reply as { value: ContainerDetail }).value;
    expect(d).toMatchObject({ image: TEST_IMAGE, command: ['sleep', '600'], restartPolicy: { name: 'on-failure', maximumRetryCount: 2 }, memory: 64 * 1024 * 1024, cpus: 0 });
    expect(d.env).toContain('HELLO=world');
    expect(d.mounts).toEqual([expect.objectContaining({ type: 'volume', target: '/anon', anonymous: true, readOnly: false })]);
    expect(d.ports).toEqual([{ port: '80/tcp', bindings: [expect.objectContaining({ hostIp: '127.0.0.1' })] }]);
    expect(d.networks.map((n) => n.name)).toEqual(['bridge']);
    expect(await call('containers.detail', { id: 'nope-nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('rejects malformed arguments before they reach the engine', async () => {
    for (const args of [
      { ids: [], action: 'stop' },
      { ids: ['x'], action: 'explode' },
      { ids: ['../etc'], action: 'stop' },
      { ids: 'x', action: 'stop' },
    ]) {
      expect(await call('containers.action', args)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
  });
});
