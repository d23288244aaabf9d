import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ComposeService, projectNameFor } from '../../electron/main/services/compose';
import type { ComposeStatus } from '../../electron/shared/models';
import { connectedCore, engine, uniq, waitFor } from '../support/engine';
import { freePort } from '../support/ports';
import { tempDir } from '../support/temp';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();

/** A project folder with a web server publishing `port`, a worker and a named volume. */
function project(port: number): { dir: string; name: string } {
  const name = uniq('proj').replace(/[^a-z0-9-]/g, '');
  const dir = join(tempDir('compose'), name);
  mkdirSync(dir);
  const svc = (cmd: string[]) => ({ image: TEST_IMAGE, pull_policy: 'never', stop_signal: 'SIGKILL', command: cmd });
  const file = {
    services: {
      web: { ...svc(['httpd', '-f', '-p', '8080', '-h', '/data']), ports: [`127.0.0.1:${port}:8080`], volumes: ['data:/data'] },
      worker: svc(['sleep', '600']),
    },
    volumes: { data: {} },
  };
  writeFileSync(join(dir, 'compose.yaml'), JSON.stringify(file, null, 2)); // JSON is YAML
  return { dir, name };
}

async function runStream(name: 'compose.up' | 'compose.down', args: unknown) {
  const lines: string[] = [];
  const s = t.core.router.openStream(name, args, async (l) => void lines.push(l as string));
  return { error: await s.done, lines };
}

const projectContainers = (name: string) =>
  docker
    .cli(['ps', '-a', '--filter', `label=com.docker.compose.project=${name}`, '--format', '{{.Names}} {{.State}}'])
    .split('\n')
    .filter(Boolean)
    .sort();

describe('compose', () => {
  it('finds the Compose v2 CLI', async () => {
    const r = await t.call('compose.status', {});
    expect(r).toMatchObject({ ok: true, value: { available: true, version: expect.stringMatching(/^2\./) } });
  });

  it('up from a folder starts the project, its port answers; down removes it and keeps the volume unless asked', async () => {
    const port = await freePort();
    const { dir, name } = project(port);
    const up = await runStream('compose.up', { files: [dir] });
    expect(up.error).toBeUndefined();
    expect(up.lines.join('\n')).toMatch(/Container .*web-1\s+Started/);
    expect(projectContainers(name)).toEqual([`${name}-web-1 running`, `${name}-worker-1 running`]);
    docker.cli(['exec', `${name}-web-1`, 'sh', '-c', 'echo served > /data/index.html']);
    expect(
      await waitFor(() =>
        fetch(`http://127.0.0.1:${port}/`).then(
          (r) => r.text(),
          () => undefined,
        ),
      ),
    ).toBe('served\n');
    // Berth lists them as one project
    const list = await t.call('containers.list');
    expect(list.ok && (list.value as { composeProject?: string }[]).filter((c) => c.composeProject === name)).toHaveLength(2);

    const down = await runStream('compose.down', { project: name });
    expect(down.error).toBeUndefined();
    expect(projectContainers(name)).toEqual([]);
    expect(docker.cli(['network', 'ls', '--format', '{{.Name}}'])).not.toContain(`${name}_default`);
    expect(docker.cli(['volume', 'ls', '--format', '{{.Name}}'])).toContain(`${name}_data`);

    expect((await runStream('compose.up', { files: [join(dir, 'compose.yaml')], project: name })).error).toBeUndefined();
    expect((await runStream('compose.down', { project: name, removeVolumes: true })).error).toBeUndefined();
    expect(docker.cli(['volume', 'ls', '--format', '{{.Name}}'])).not.toContain(`${name}_data`);
  });

  it('a failed up (port taken) says why and leaves nothing of the project behind', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const { dir, name } = project((blocker.address() as { port: number }).port);
      const up = await runStream('compose.up', { files: [dir] });
      expect(up.error).toMatchObject({
        code: 'COMMAND_FAILED',
        message: expect.stringMatching(/compose up failed: .*(address already in use|port is already allocated).*Nothing of the project is left behind/i),
      });
      expect(projectContainers(name)).toEqual([]);
      expect(docker.cli(['network', 'ls', '--format', '{{.Name}}'])).not.toContain(`${name}_default`);
    } finally {
      blocker.close();
    }
  });

  it('says clearly what is wrong with the file, the project or the CLI', async () => {
    const empty = tempDir('compose-empty');
    expect((await runStream('compose.up', { files: [empty] })).error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('has no compose.yaml') });
    expect((await runStream('compose.up', { files: [join(empty, 'nope.yaml')] })).error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no file or folder') });
    writeFileSync(join(empty, 'compose.yaml'), 'services: [not, a, map');
    const bad = await runStream('compose.up', { files: [empty], project: 'bad-yaml' });
    expect(bad.error).toMatchObject({ code: 'COMMAND_FAILED', message: `The compose files do not load: ${join(empty, 'compose.yaml')}: yaml: line 1: did not find expected ',' or ']'` });
    expect((await runStream('compose.up', { files: ['relative/compose.yaml'] })).error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await runStream('compose.up', { files: [empty], project: 'Not Valid' })).error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await runStream('compose.down', { project: 'no-such-project' })).error).toMatchObject({ code: 'NOT_FOUND' });

    const none = new ComposeService(t.core.engine.docker, { dockerHost: docker.dockerHost, candidates: [['/nonexistent/docker-compose']], env: {} });
    const status: ComposeStatus = await none.status();
    expect(status).toMatchObject({ available: false, reason: expect.stringContaining('No Compose v2 CLI found') });
    const sink = { write: async () => {}, signal: new AbortController().signal, onInput: () => {} };
    await expect(none.up({ files: [empty] }, sink)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('names the project after its folder as Compose does', () => {
    expect(projectNameFor('/home/me/My App.v2')).toBe('myappv2');
    expect(projectNameFor('/x/_web')).toBe('web');
  });
});
