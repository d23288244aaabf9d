import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp';
import type { ImageSummary } from '../../electron/shared/models';
import { connectedCore, engine, uniq } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const { call } = connectedCore();
const images = async () => ((await call('images.list')) as { value: ImageSummary[] }).value;

describe('images through the API', () => {
  it('lists the images `docker images` shows, with tags, size and usage', async () => {
    const name = uniq('user');
    docker.cli(['create', '--name', name, TEST_IMAGE]);
    const list = await images();
    const cliIds = docker.cli(['images', '-q', '--no-trunc']).split('\n');
    expect(new Set(list.map((i) => i.id))).toEqual(new Set(cliIds));
    const img = list.find((i) => i.tags.includes(TEST_IMAGE))!;
    expect(img.size).toBe(Number(docker.cli(['image', 'inspect', '-f', '{{.Size}}', TEST_IMAGE])));
    // Containers of this very image (`ps --filter ancestor=` also counts those of images built FROM it).
    const imageId = docker.cli(['image', 'inspect', '-f', '{{.Id}}', TEST_IMAGE]).trim();
    const all = docker.cli(['ps', '-aq', '--no-trunc']).split('\n').filter(Boolean);
    const users = docker
      .cli(['inspect', '-f', '{{.Image}}', ...all])
      .split('\n')
      .filter((i) => i === imageId).length;
    expect(img.containers).toBe(users);
    expect(img.dangling).toBe(false);
  });

  it('removes a tag; refuses an image in use without force and keeps it', async () => {
    const tag = `berth-test/extra:${uniq('t')}`;
    docker.cli(['tag', TEST_IMAGE, tag]);
    expect(await call('images.remove', { ids: [tag] })).toMatchObject({ ok: true, value: [{ ok: true }] });
    expect(docker.try(['image', 'inspect', tag]).status).not.toBe(0);

    // An image of its own, used by a container (other tests build children of the shared image)
    const ctx = tempDir('in-use');
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN echo ${tag} > /mark\n`);
    const used = docker.cli(['build', '-q', ctx]);
    docker.cli(['create', '--name', uniq('user'), used]);
    const reply = await call('images.remove', { ids: [used] });
    const [r] = (reply as { value: { ok: boolean; error?: { code: string; message: string } }[] }).value;
    expect(r!.ok).toBe(false);
    expect(['IN_USE', 'CONFLICT']).toContain(r!.error!.code);
    expect(r!.error!.message).toMatch(/being used by stopped container/);
    expect(docker.try(['image', 'inspect', used]).status).toBe(0);
  });

  it('removes an image asked for by id with every tag; refuses it, keeping every tag, while a container uses it', async () => {
    const ctx = tempDir('two-tags');
    const mark = uniq('two');
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN echo ${mark} > /mark\n`);
    const id = docker.cli(['build', '-q', ctx]).trim();
    const tags = [`berth-test/two:${mark}`, `berth-test/two-copy:${mark}`];
    for (const t of tags) docker.cli(['tag', id, t]);
    const user = uniq('user');
    docker.cli(['create', '--name', user, tags[0]!]);
    const refused = (await call('images.remove', { ids: [id] })) as { value: { ok: boolean; error?: { code: string; message: string } }[] };
    expect(refused.value[0]).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining(user) } });
    for (const t of tags) expect(docker.try(['image', 'inspect', t]).status, t).toBe(0);

    docker.cli(['rm', user]);
    expect(await call('images.remove', { ids: [tags[1]!] })).toMatchObject({ ok: true, value: [{ ok: true }] }); // a tag is no id: only it goes
    expect(docker.try(['image', 'inspect', tags[1]!]).status).not.toBe(0);
    for (const t of [id, tags[0]!]) expect(docker.try(['image', 'inspect', t]).status, t).toBe(0);
    docker.cli(['tag', id, tags[1]!]);
    expect(await call('images.remove', { ids: [id.replace(/^sha256:/, '').slice(0, 12)] })).toMatchObject({ ok: true, value: [{ ok: true }] });
    for (const t of [id, ...tags]) expect(docker.try(['image', 'inspect', t]).status, t).not.toBe(0);
  });

  it('rejects image references that are not references', async () => {
    for (const id of ['', 'a/../../containers/x', 'UPPER CASE', '-rf']) {
      expect(await call('images.remove', { ids: [id] })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
  });
});
