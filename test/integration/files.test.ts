import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TarHeaderReader } from '../../electron/main/engine/tar';
import type { FileEntry, FolderListing } from '../../electron/shared/models';
import { UPLOAD_PIECE } from '../../electron/shared/transfer';
import { connectedCore, engine, uniq, waitFor } from '../support/engine';
import { NO_SHELL_IMAGE, TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();

async function list(id: string, path: string): Promise<FolderListing> {
  const r = await t.call('containers.files.list', { id, path });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as FolderListing;
}
const byName = (l: FolderListing) => Object.fromEntries(l.entries.map((e) => [e.name, e])) as Record<string, FileEntry>;

async function download(id: string, path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  const s = t.core.router.openStream('containers.files.download', { id, path }, async (c) => void parts.push(Buffer.from(c as Uint8Array)));
  const err = await s.done;
  if (err) throw new Error(`${err.code}: ${err.message}`);
  return Buffer.concat(parts);
}

/** Uploads as the UI does: pieces sent only while fewer than 4 are unacknowledged. */
function upload(id: string, dir: string, name: string, content: Buffer, stopAfter = Infinity) {
  const acks: number[] = [];
  let sent = 0;
  const pump = () => {
    while (sent < content.length && sent < stopAfter && sent - (acks.at(-1) ?? 0) < 4 * UPLOAD_PIECE) {
      const piece = content.subarray(sent, sent + UPLOAD_PIECE);
      sent += piece.length;
      expect(s.input(piece)).toBeUndefined();
    }
  };
  const s = t.core.router.openStream('containers.files.upload', { id, dir, name, size: content.length }, async (c) => {
    acks.push((c as { bytes: number }).bytes);
    pump();
  });
  pump();
  return { s, acks, sent: () => sent };
}

const tarNames = (tar: Buffer) => new TarHeaderReader().push(tar).map((h) => h.name);

describe('files', () => {
  it('lists a folder of a running container with sh and stat: types, sizes, links, odd names', async () => {
    const name = uniq('files');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    docker.cli(['exec', name, 'sh', '-c', 'mkdir /data && printf hello > "/data/a b.txt" && touch /data/.hidden && ln -s /etc /data/etclink && ln -s a /data/dangling && chmod 600 "/data/a b.txt"']);
    const l = await list(name, '/data/');
    expect(l).toMatchObject({ path: '/data', via: 'exec' });
    const e = byName(l);
    expect(Object.keys(e).sort()).toEqual(['.hidden', 'a b.txt', 'dangling', 'etclink']);
    expect(e['a b.txt']).toMatchObject({ type: 'file', size: 5, mode: 'rw-------' });
    expect(e['etclink']).toMatchObject({ type: 'link', target: '/etc', dirLink: true });
    expect(e['dangling']).toMatchObject({ type: 'link', target: 'a' });
    expect(e['dangling']!.dirLink).toBeUndefined();
    expect(l.entries[0]!.name).toBe('etclink'); // folders first
    expect(Math.abs(e['a b.txt']!.mtime - Date.now())).toBeLessThan(60_000);
    expect(byName(await list(name, '/bin'))['sh']).toMatchObject({ type: 'link', target: 'busybox' });
  });

  it('reads the same folder through the archive when the container is stopped', async () => {
    const name = uniq('files-stopped');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    docker.cli(['exec', name, 'sh', '-c', 'mkdir -p /data/sub/deeper && printf 12345678 > /data/f && ln -s /etc /data/etclink']);
    const live = await list(name, '/data');
    docker.cli(['stop', '-t', '0', name]);
    const stopped = await list(name, '/data');
    expect(stopped.via).toBe('archive');
    const strip = (l: FolderListing) => l.entries.map(({ name, type, size, mode, target, dirLink }) => ({ name, type, size: type === 'file' ? size : 0, mode, target, dirLink }));
    expect(strip(stopped)).toEqual(strip(live));
    expect(byName(stopped)['sub']).toMatchObject({ type: 'dir' });
    expect((await list(name, '/')).entries.map((e) => e.name)).toEqual(expect.arrayContaining(['bin', 'etc', 'data', 'tmp']));
  });

  it('browses an image with no shell at all (distroless-like), running', async () => {
    const name = uniq('files-noshell');
    docker.cli(['run', '-d', '--name', name, NO_SHELL_IMAGE]);
    const root = await list(name, '/');
    expect(root.via).toBe('archive');
    expect(byName(root)['config']).toMatchObject({ type: 'link', target: 'etc/app', dirLink: true });
    expect(byName(await list(name, '/config'))['config.yaml']).toMatchObject({ type: 'file', size: 13 });
  });

  it('says what is wrong with a path', async () => {
    const name = uniq('files-err');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    for (const [path, code, msg] of [
      ['/nope', 'NOT_FOUND', /no folder \/nope/],
      ['/bin/busybox', 'INVALID_ARGUMENT', /is a file, not a folder/],
      ['relative', 'INVALID_ARGUMENT', /absolute/],
    ] as const) {
      expect(await t.call('containers.files.list', { id: name, path }), path).toMatchObject({ ok: false, error: { code, message: expect.stringMatching(msg) } });
    }
    docker.cli(['stop', '-t', '0', name]);
    expect(await t.call('containers.files.list', { id: name, path: '/nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await t.call('containers.files.list', { id: 'no-such-container', path: '/' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('uploads a 2 MB file with acknowledged pieces, and downloads it back as a tar', async () => {
    const name = uniq('files-up');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    const content = randomBytes(2 * 1024 * 1024 + 123);
    const up = upload(name, '/tmp', 'blob.bin', content);
    expect(await up.s.done).toBeUndefined();
    expect(up.acks.at(-1)).toBe(content.length);
    const sha = createHash('sha256').update(content).digest('hex');
    expect(docker.cli(['exec', name, 'sha256sum', '/tmp/blob.bin'])).toContain(sha);
    const tar = await download(name, '/tmp/blob.bin');
    expect(tarNames(tar)).toEqual(['blob.bin']);
    expect(tar.subarray(512, 512 + content.length).equals(content)).toBe(true);
    expect(tarNames(await download(name, '/etc'))).toEqual(expect.arrayContaining(['etc/', 'etc/hostname']));
  });

  it('uploads into a stopped container and into one without a shell', async () => {
    const stopped = uniq('files-up-stopped');
    docker.cli(['create', '--name', stopped, TEST_IMAGE]);
    const noShell = uniq('files-up-noshell');
    docker.cli(['run', '-d', '--name', noShell, NO_SHELL_IMAGE]);
    for (const id of [stopped, noShell]) {
      const up = upload(id, '/tmp', 'note.txt', Buffer.from('hi there\n'));
      expect(await up.s.done).toBeUndefined();
      expect(byName(await list(id, '/tmp'))['note.txt']).toMatchObject({ type: 'file', size: 9 });
    }
  });

  it('a cancelled upload, or one into a missing folder, leaves nothing behind', async () => {
    const name = uniq('files-cancel');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    const content = randomBytes(3 * UPLOAD_PIECE);
    const up = upload(name, '/tmp', 'partial.bin', content, UPLOAD_PIECE);
    await waitFor(() => up.acks.length > 0 || undefined, 5000, 'first ack');
    up.s.cancel();
    expect(await up.s.done).toBeUndefined();
    expect(byName(await list(name, '/tmp'))['partial.bin']).toBeUndefined();
    const missing = upload(name, '/nope', 'x.txt', Buffer.from('x'));
    expect(await missing.s.done).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/no folder \/nope/) });
    const tooMuch = t.core.router.openStream('containers.files.upload', { id: name, dir: '/tmp', name: 'small.txt', size: 2 }, async () => {});
    tooMuch.input(Buffer.from('more than two'));
    expect(await tooMuch.done).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(byName(await list(name, '/tmp'))['small.txt']).toBeUndefined();
  });

  it('refuses bad names and paths before touching the engine', async () => {
    for (const args of [
      { id: 'x', dir: '/tmp', name: '../escape', size: 1 },
      { id: 'x', dir: '/tmp', name: '..', size: 1 },
      { id: 'x', dir: 'tmp', name: 'a', size: 1 },
      { id: 'x', dir: '/tmp', name: 'a', size: -1 },
    ]) {
      const s = t.core.router.openStream('containers.files.upload', args, async () => {});
      expect(await s.done, JSON.stringify(args)).toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
  });
});
