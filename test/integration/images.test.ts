import { describe, expect, it } from 'vitest';
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
    const users = docker.cli(['ps', '-a', '--filter', `ancestor=${TEST_IMAGE}`, '-q']).split('\n').length;
    expect(img.containers).toBe(users);
    expect(img.dangling).toBe(false);
  });

  it('removes a tag; refuses an image in use without force and keeps it', async () => {
    const tag = `berth-test/extra:${uniq('t')}`;
    docker.cli(['tag', TEST_IMAGE, tag]);
    expect(await call('images.remove', { ids: [tag] })).toMatchObject({ ok: true, value: [{ ok: true }] });
    expect(docker.try(['image', 'inspect', tag]).status).not.toBe(0);

    const used = docker.cli(['image', 'inspect', '-f', '{{.Id}}', TEST_IMAGE]);
    const reply = await call('images.remove', { ids: [used] });
    const [r] = (reply as { value: { ok: boolean; error?: { code: string; message: string } }[] }).value;
    expect(r!.ok).toBe(false);
    expect(['IN_USE', 'CONFLICT']).toContain(r!.error!.code);
    expect(r!.error!.message).toMatch(/container|must force|referenced/i);
    expect(docker.try(['image', 'inspect', TEST_IMAGE]).status).toBe(0);
  });

  it('rejects image references that are not references', async () => {
    for (const id of ['', 'a/../../containers/x', 'UPPER CASE', '-rf']) {
      expect(await call('images.remove', { ids: [id] })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
  });
});
