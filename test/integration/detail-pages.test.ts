/** The image, volume and network pages' calls, and a volume's files and clone, against the real test dockerd. */
import { describe, expect, it } from 'vitest';
import { HELPER_LABEL } from '../../electron/main/services/volume-transfer';
import type { FolderListing, ImageDetail, NetworkDetail, VolumeDetail } from '../../electron/shared/models';
import { connectedCore, engine, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';
import { HUNDRED_MB_TREE, inVolume, volumeSums } from '../support/volumes';

const docker = engine();
const t = connectedCore();
const value = async <T>(method: string, args: unknown): Promise<T> => {
  const r = await t.call(method, args);
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.value as T;
};
const helpers = () => docker.cli(['ps', '-aq', '--filter', `label=${HELPER_LABEL}`]).trim();
const volumeExists = (name: string) => docker.try(['volume', 'inspect', name]).status === 0;
const sums = (volume: string) => volumeSums(docker, volume, 'find . | sort; ls -ln big link');

function clone(name: string, to: string) {
  const bytes: number[] = [];
  const s = t.core.router.openStream('volumes.clone', { name, to }, async (c) => void bytes.push((c as { bytes: number }).bytes));
  return { s, bytes };
}

describe('volume files and clone', () => {
  it('clones 100 MB of files byte for byte, with progress, leaving no helper; lists and downloads from the volume', { timeout: 180_000 }, async () => {
    const src = uniq('vol-clone-src');
    const copy = uniq('vol-clone-dst');
    docker.cli(['volume', 'create', '--label', 'team=shop', src]);
    inVolume(docker, src, HUNDRED_MB_TREE);
    try {
      const top = await value<FolderListing>('volumes.files.list', { name: src, path: '/' });
      expect(top.path).toBe('/');
      expect(top.entries.map((e) => [e.name, e.type]).sort()).toEqual([
        ['a', 'dir'],
        ['big', 'file'],
        ['link', 'link'],
        ['odd name', 'dir'],
      ]);
      expect(top.entries.find((e) => e.name === 'big')!.size).toBe(60_000_000);
      expect((await value<FolderListing>('volumes.files.list', { name: src, path: '/a/b/../b' })).entries.map((e) => e.name)).toEqual(['mid']);
      // ".." cannot climb out of the volume into the helper's own filesystem
      expect((await value<FolderListing>('volumes.files.list', { name: src, path: '/../../..' })).entries.map((e) => e.name).sort()).toEqual(['a', 'big', 'link', 'odd name']);
      const missing = await t.call('volumes.files.list', { name: src, path: '/nope' });
      expect(missing).toMatchObject({ ok: false, error: { message: expect.stringContaining('/nope') } });
      expect(JSON.stringify(missing)).not.toContain('berth-volume'); // the volume's path, not the helper's
      const parts: Buffer[] = [];
      const dl = t.core.router.openStream('volumes.files.download', { name: src, path: '/odd name' }, async (c) => void parts.push(Buffer.from(c as Uint8Array)));
      expect(await dl.done).toBeUndefined();
      const tar = Buffer.concat(parts);
      expect(tar.subarray(0, 100).toString('utf8')).toMatch(/^odd name\//);
      expect(tar.includes(Buffer.from('hi\n'))).toBe(true);

      const c = clone(src, copy);
      expect(await c.s.done).toBeUndefined();
      expect(c.bytes.length).toBeGreaterThan(10); // progress on the way, not only at the end
      expect(c.bytes.at(-1)).toBeGreaterThan(100_000_000);
      expect(sums(copy)).toBe(sums(src));
      expect(JSON.parse(docker.cli(['volume', 'inspect', '--format', '{{json .Labels}}', copy]))).toEqual({ team: 'shop' });
      expect(helpers()).toBe('');

      const d = await value<VolumeDetail>('volumes.detail', { name: src });
      expect(d).toMatchObject({ name: src, driver: 'local', scope: 'local', labels: { team: 'shop' }, inUse: false });
      expect(d.size).toBeGreaterThanOrEqual(100_000_000);
    } finally {
      docker.try(['volume', 'rm', '-f', src, copy]);
    }
  });

  it('a clone into a taken name, of a missing volume, or cancelled mid-way: refused or undone, nothing left', { timeout: 120_000 }, async () => {
    const src = uniq('vol-clone-src');
    const taken = uniq('vol-taken');
    const cut = uniq('vol-cut');
    docker.cli(['volume', 'create', src]);
    docker.cli(['volume', 'create', taken]);
    inVolume(docker, src, 'for i in 1 2 3 4 5 6 7 8; do head -c 25000000 /dev/urandom > /v/f$i; done');
    inVolume(docker, taken, 'echo mine > /v/keep');
    try {
      expect(await clone(src, taken).s.done).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('already exists') });
      expect(inVolume(docker, taken, 'cat /v/keep').trim()).toBe('mine'); // untouched
      expect(await clone('no-such-volume-here', cut).s.done).toMatchObject({ code: 'NOT_FOUND' });
      expect(volumeExists(cut)).toBe(false);
      expect((await t.call('volumes.clone', { name: src, to: '../x' })).ok).toBe(false);

      const half = clone(src, cut);
      await waitFor(() => half.bytes.length > 0 || undefined, 60_000, 'the copy under way');
      half.s.cancel();
      expect(await half.s.done).toBeUndefined();
      await waitFor(() => (!volumeExists(cut) && helpers() === '') || undefined, 20_000, 'no half-made volume or helper left');
    } finally {
      docker.try(['volume', 'rm', '-f', src, taken, cut]);
    }
  });
});

describe('image and network pages', () => {
  it('an image page: its config, layers and the containers made from it', { timeout: 60_000 }, async () => {
    const name = uniq('img-user');
    docker.cli(['create', '--name', name, TEST_IMAGE, 'true']);
    try {
      const d = await value<ImageDetail>('images.detail', { id: TEST_IMAGE });
      expect(d.tags).toContain(TEST_IMAGE);
      expect(d.id).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(d.layers.length).toBeGreaterThan(0);
      expect(d.usedBy).toContainEqual(expect.objectContaining({ name, state: 'created' }));
      expect(d.containers).toBe(d.usedBy.length);
      expect(d.os).toBe('linux');
      expect((await value<ImageDetail>('images.detail', { id: d.id.slice(7, 19) })).id).toBe(d.id); // a short id names it too
      expect(await t.call('images.detail', { id: 'no-such/image:here' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    } finally {
      docker.try(['rm', '-f', name]);
    }
  });

  it('a network page: gateway, flags, and each member with its address and aliases (a stopped one too)', { timeout: 60_000 }, async () => {
    const net = uniq('net-page');
    const web = uniq('web');
    const idle = uniq('idle');
    docker.cli(['network', 'create', '--subnet', '10.213.250.0/24', '--gateway', '10.213.250.1', '--attachable', '--label', 'app=shop', net]);
    docker.cli(['run', '-d', '--name', web, '--network', net, '--network-alias', 'api', '--network-alias', 'www', TEST_IMAGE, 'sleep', '300']);
    docker.cli(['create', '--name', idle, '--network', net, TEST_IMAGE, 'true']);
    try {
      const d = await value<NetworkDetail>('networks.detail', { id: net });
      expect(d).toMatchObject({ name: net, driver: 'bridge', attachable: true, internal: false, labels: { app: 'shop' }, ipam: [{ subnet: '10.213.250.0/24', gateway: '10.213.250.1' }] });
      const w = d.members.find((m) => m.name === web)!;
      expect(w.ipv4).toMatch(/^10\.213\.250\.\d+\/24$/);
      expect(w.aliases).toEqual(expect.arrayContaining(['api', 'www']));
      expect(w.aliases).not.toContain(web);
      const i = d.members.find((m) => m.name === idle)!;
      expect(i.ipv4).toBeUndefined(); // not running: no address yet
      expect(await t.call('networks.detail', { id: 'no-such-network' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    } finally {
      docker.try(['rm', '-f', web, idle]);
      docker.try(['network', 'rm', net]);
    }
  });
});
