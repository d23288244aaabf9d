/** Rename, commit, export, and "run again" / "copy as docker run" against a real engine. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSpecInput } from '../../electron/shared/run-spec';
import { toDockerRunCommand } from '../../electron/shared/run-spec';
import { connectedCore, engine, uniq, waitFor } from '../support/engine';
import { tempDir } from '../support/temp';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();
const inspect = (name: string) => JSON.parse(docker.cli(['inspect', name]))[0];
const ok = async <T>(method: string, args?: unknown): Promise<T> => {
  const r = await t.call(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
};

/** The settings "run again" must carry over, as inspect shows them. */
function settings(name: string) {
  const c = inspect(name);
  return {
    image: c.Config.Image,
    cmd: c.Config.Cmd,
    entrypoint: c.Config.Entrypoint,
    env: c.Config.Env.filter((e: string) => !e.startsWith('PATH=')),
    labels: c.Config.Labels,
    ports: c.HostConfig.PortBindings,
    mounts: c.Mounts.filter((m: { Type: string }) => m.Type !== 'tmpfs')
      .map((m: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }) => [
        m.Type,
        m.Type === 'bind' ? m.Source : m.Name?.length === 64 ? 'anon' : m.Name,
        m.Destination,
        m.RW,
      ])
      .sort(),
    // --tmpfs or a tmpfs mount: the same to the container
    tmpfs: [
      ...Object.entries(c.HostConfig.Tmpfs ?? {}).map(([target, o]) => `${target} ${/size=(\w+)/.exec(o as string)?.[1] ?? ''}`),
      ...(c.HostConfig.Mounts ?? [])
        .filter((m: { Type: string }) => m.Type === 'tmpfs')
        .map((m: { Target: string; TmpfsOptions?: { SizeBytes?: number } }) => `${m.Target} ${m.TmpfsOptions?.SizeBytes ? `${m.TmpfsOptions.SizeBytes / 2 ** 20}m` : ''}`),
    ].sort(),
    network: c.HostConfig.NetworkMode,
    restart: c.HostConfig.RestartPolicy,
    host: [
      c.Config.User,
      c.Config.WorkingDir,
      c.Config.Tty,
      c.Config.OpenStdin,
      c.HostConfig.Memory,
      c.HostConfig.NanoCpus,
      c.HostConfig.ReadonlyRootfs,
      c.HostConfig.Init,
      c.HostConfig.CapAdd,
      c.HostConfig.CapDrop,
    ],
    more: [c.HostConfig.ExtraHosts, c.HostConfig.Devices, c.HostConfig.Privileged, c.Config.Healthcheck],
  };
}

describe('container actions through the API', () => {
  it('renames; a taken or bad name is refused and the old one kept', async () => {
    const a = uniq('act-a');
    const b = uniq('act-b');
    docker.cli(['create', '--name', a, TEST_IMAGE]);
    docker.cli(['create', '--name', b, TEST_IMAGE]);
    const renamed = uniq('act-renamed');
    await ok('containers.rename', { id: a, name: renamed });
    expect(inspect(renamed).Name).toBe(`/${renamed}`);
    expect(await t.call('containers.rename', { id: renamed, name: b })).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/already in use/) } });
    expect(await t.call('containers.rename', { id: renamed, name: 'no spaces' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(inspect(renamed).Name).toBe(`/${renamed}`);
  });

  it('commits a container to a tagged image with message, author and changes', async () => {
    const name = uniq('act-commit');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sh', '-c', 'echo made-inside > /made; exec sleep 600']);
    await waitFor(() => docker.try(['exec', name, 'cat', '/made']).status === 0 || undefined, 10_000, 'the file');
    const ref = `berth-test/committed:${uniq('t')}`;
    const { id } = await ok<{ id: string }>('containers.commit', {
      id: name,
      ref,
      message: 'made in a test',
      author: 'Berth <berth@example.test>',
      changes: ['CMD ["cat", "/made"]', 'ENV FROM_COMMIT=yes'],
    });
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    const img = JSON.parse(docker.cli(['image', 'inspect', ref]))[0];
    expect([img.Id, img.Comment, img.Author, img.Config.Cmd]).toEqual([id, 'made in a test', 'Berth <berth@example.test>', ['cat', '/made']]);
    expect(img.Config.Env).toContain('FROM_COMMIT=yes');
    expect(docker.cli(['run', '--rm', ref]).trim()).toBe('made-inside');
    expect(inspect(name).State.Running).toBe(true); // paused for the commit, running again
    const before = docker.cli(['images', '-q']).split('\n').length;
    expect(await t.call('containers.commit', { id: name, changes: ['RUN rm -rf /'] })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/a commit takes: CMD, ENTRYPOINT/) },
    });
    expect(await t.call('containers.commit', { id: name, ref: 'Not/Valid' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await t.call('containers.commit', { id: name, ref: `berth-test/x@sha256:${'a'.repeat(64)}` })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/not a digest/) },
    });
    expect(await t.call('containers.commit', { id: 'no-such-container' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(docker.cli(['images', '-q']).split('\n').length).toBe(before);
  });

  it('exports the filesystem as a tar, every byte; a cancel mid-way ends the export', async () => {
    const name = uniq('act-export');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sh', '-c', 'head -c 30000000 /dev/urandom > /big; echo marker > /marker; exec sleep 600']);
    await waitFor(() => docker.try(['exec', name, 'cat', '/marker']).status === 0 || undefined, 20_000, 'the files');
    const parts: Uint8Array[] = [];
    const s = t.core.router.openStream('containers.export', { id: name }, async (c) => void parts.push(c as Uint8Array));
    expect(await s.done).toBeUndefined();
    const tar = join(tempDir('export'), 'fs.tar');
    writeFileSync(tar, Buffer.concat(parts));
    const list = spawnSync('tar', ['-tvf', tar], { encoding: 'utf8' });
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/ 30000000 .* big$/m);
    expect(spawnSync('tar', ['-xOf', tar, 'marker'], { encoding: 'utf8' }).stdout).toBe('marker\n');
    let got = 0;
    const cancelled = t.core.router.openStream('containers.export', { id: name }, async (c) => {
      got += (c as Uint8Array).length;
      if (got > 1 << 20) cancelled.cancel();
    });
    await cancelled.done;
    expect(got).toBeLessThan(30_000_000);
    const missing = t.core.router.openStream('containers.export', { id: 'no-such-container' }, async () => undefined);
    expect(await missing.done).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('run again: a container made with the CLI, made again from its run spec (API and as a docker run line)', async () => {
    const net = uniq('act-net');
    docker.cli(['network', 'create', net]);
    const dir = tempDir('act-bind');
    const name = uniq('act-orig');
    docker.cli([
      'run',
      '-d',
      '--name',
      name,
      '-p',
      '127.0.0.1::8080',
      '-p',
      '0.0.0.0::9090/udp',
      '-v',
      `${uniq('act-vol')}:/data`,
      '-v',
      '/anon',
      '-v',
      `${dir}:/host:ro`,
      '--tmpfs',
      '/scratch:size=8m',
      '-e',
      'GREETING=hello world',
      '--label',
      'team=berth',
      '--network',
      net,
      '--restart',
      'on-failure:3',
      '-u',
      '0:0',
      '-w',
      '/tmp',
      '-i',
      '-t',
      '--memory',
      '64m',
      '--cpus',
      '0.5',
      '--read-only',
      '--init',
      '--cap-add',
      'NET_ADMIN',
      '--cap-drop',
      'MKNOD',
      '--hostname',
      'orig-box',
      '--add-host',
      'db.local:10.0.0.5',
      '--device',
      '/dev/null:/dev/berth-null:rw',
      '--health-cmd',
      'true',
      '--health-interval',
      '5s',
      '--health-retries',
      '4',
      '--shm-size',
      '128m',
      '--dns',
      '10.9.9.9',
      TEST_IMAGE,
      'sleep',
      '600',
    ]);
    const { spec, left } = await ok<{ spec: RunSpecInput; left: string[] }>('containers.runSpec', { id: name });
    expect(left).toEqual(['--shm-size', '--dns']); // said, not dropped without a word
    expect(spec).toMatchObject({
      image: TEST_IMAGE,
      command: ['sleep', '600'],
      hostname: 'orig-box',
      env: [{ key: 'GREETING', value: 'hello world' }],
      health: { command: 'true', intervalMs: 5000, retries: 4 },
    });
    const again = uniq('act-again');
    await ok('containers.run', { ...spec, name: again });
    const want = settings(name);
    // Named volumes and binds are the same ones; anonymous ones are new, as with docker run.
    expect(settings(again)).toEqual(want);
    // The docker run line does the same from a shell.
    const byCli = uniq('act-cli');
    const line = toDockerRunCommand({ ...spec, name: byCli });
    const r = spawnSync('sh', ['-c', line], { env: { ...process.env, DOCKER_HOST: docker.dockerHost }, encoding: 'utf8' });
    expect(r.status, `${line}\n${r.stderr}`).toBe(0);
    expect(settings(byCli)).toEqual(want);
    expect(await t.call('containers.runSpec', { id: 'no-such-container' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
