import { beforeEach, describe, expect, it, vi } from 'vitest';
import { UPLOAD_PIECE, UPLOAD_WINDOW } from '../../electron/shared/transfer';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import { cancelTransfer, downloadPath, joinPath, openFolder, parentOf, uploadFile, useFiles } from './files';

let t: FakeTransport;
let answers: ((args: { path: string }) => Promise<unknown>)[];
const streamOf = (name: string) => t.streamMessages.filter((m) => m.t === 'stream' && m.name === name).at(-1) as { id: number; args: unknown };
const inputs = () => t.streamMessages.filter((m) => m.t === 'input').map((m) => (m as { data: Uint8Array }).data);
const tick = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  answers = [];
  t = fakeTransport(async (m, args) => ({ ok: true, value: m === 'jobs.report' ? undefined : await answers.shift()!(args as { path: string }) })); // transfers are jobs: their list is reported
  connectApi(t);
  useFiles.setState({ id: undefined, path: '/', listing: undefined, transfers: [], error: undefined });
});

describe('files store', () => {
  it('paths: parent and join', () => {
    expect([parentOf('/a/b'), parentOf('/a'), parentOf('/')]).toEqual(['/a', '/', '/']);
    expect([joinPath('/', 'etc'), joinPath('/etc', 'x')]).toEqual(['/etc', '/etc/x']);
  });

  it('a slow listing that answers after a newer one is ignored', async () => {
    let release!: () => void;
    answers.push(({ path }) => new Promise((r) => (release = () => r({ path, entries: [], via: 'exec' }))));
    answers.push(async ({ path }) => ({ path, entries: [{ name: 'new' }], via: 'exec' }));
    const slow = openFolder('c', '/old');
    await openFolder('c', '/new');
    release();
    await slow;
    expect(useFiles.getState()).toMatchObject({ path: '/new', loading: false, listing: { path: '/new' } });
  });

  it('keeps at most UPLOAD_WINDOW pieces unacknowledged and finishes on the last ack', async () => {
    const size = UPLOAD_PIECE * (UPLOAD_WINDOW + 3) + 10;
    const file = Object.assign(new Blob([new Uint8Array(size).fill(7)]), { name: 'big.bin' });
    const done = uploadFile('c', '/tmp', file);
    await vi.waitFor(() => expect(inputs()).toHaveLength(UPLOAD_WINDOW));
    await tick();
    expect(inputs()).toHaveLength(UPLOAD_WINDOW); // no more until acked
    const id = streamOf('containers.files.upload').id;
    expect(streamOf('containers.files.upload').args).toEqual({ id: 'c', dir: '/tmp', name: 'big.bin', size });
    t.deliver({ t: 'chunk', id, data: { bytes: 2 * UPLOAD_PIECE } });
    await vi.waitFor(() => expect(inputs()).toHaveLength(UPLOAD_WINDOW + 2));
    t.deliver({ t: 'chunk', id, data: { bytes: size - 10 } });
    await vi.waitFor(() => expect(inputs()).toHaveLength(UPLOAD_WINDOW + 4));
    expect(inputs().every((piece) => piece instanceof Uint8Array && piece.length <= UPLOAD_PIECE)).toBe(true); // bytes as they are, no base64
    const sent = Buffer.concat(inputs());
    expect(sent.length).toBe(size);
    expect(sent.equals(Buffer.alloc(size, 7))).toBe(true);
    t.deliver({ t: 'end', id });
    expect(await done).toBe(true);
    expect(useFiles.getState().transfers[0]).toMatchObject({ kind: 'upload', status: 'done', bytes: size, total: size });
  });

  it('cancelling an upload cancels the stream and resolves false', async () => {
    const done = uploadFile('c', '/tmp', Object.assign(new Blob(['x'.repeat(10)]), { name: 'a.txt' }));
    cancelTransfer(useFiles.getState().transfers[0]!.key);
    expect(await done).toBe(false);
    expect(t.streamMessages.at(-1)).toMatchObject({ t: 'cancel' });
    expect(useFiles.getState().transfers[0]!.status).toBe('cancelled');
  });

  it('a download collects the pieces into one tar Blob named after the path; a failure says why', async () => {
    const save = vi.fn();
    const done = downloadPath('c', '/etc', save);
    const id = streamOf('containers.files.download').id;
    t.deliver({ t: 'chunk', id, data: new TextEncoder().encode('abc') });
    t.deliver({ t: 'chunk', id, data: new TextEncoder().encode('def') });
    t.deliver({ t: 'end', id });
    await done;
    const [blob, name] = save.mock.calls[0] as [Blob, string];
    expect(name).toBe('etc.tar');
    expect(await blob.text()).toBe('abcdef');
    const failed = downloadPath('c', '/', save);
    t.deliver({ t: 'end', id: streamOf('containers.files.download').id, error: { code: 'NOT_FOUND', message: 'gone' } });
    await failed;
    expect(save).toHaveBeenCalledTimes(1);
    expect(useFiles.getState().transfers.at(-1)).toMatchObject({ label: '/', status: 'failed', error: 'gone' });
  });

  it('a transfer cut off by a lost connection says so in words', async () => {
    const down = downloadPath('c', '/etc', vi.fn());
    const up = uploadFile('c', '/tmp', Object.assign(new Blob(['x'.repeat(10)]), { name: 'a.txt' }));
    t.setConnected(false); // the client ends its streams with DISCONNECTED
    await down;
    expect(await up).toBe(false);
    const [d, u] = useFiles.getState().transfers;
    expect(d).toMatchObject({ kind: 'download', status: 'failed', error: 'Lost the connection to Berth during the download; nothing was saved.' });
    expect(u).toMatchObject({ kind: 'upload', status: 'failed', error: 'Lost the connection to Berth during the upload; it did not finish.' });
  });
});
