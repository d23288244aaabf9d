import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '../../shared/wire';
import { EventHub } from '../event-hub';
import type { OpenStream, Router } from './router';
import { openSession, parseClientMessage } from './session';

const quiet = () => vi.spyOn(console, 'error').mockImplementation(() => {});
const ok: Router = {
  handle: async () => ({ ok: true, value: 1 }),
  openStream: (_n, _a, write) => ({ cancel: () => {}, input: () => undefined, done: write(new Uint8Array(2)).then(() => undefined) }),
};

const rejections: unknown[] = [];
const onRejection = (e: unknown) => void rejections.push(e);
process.on('unhandledRejection', onRejection);
afterEach(() => {
  expect(rejections).toEqual([]);
});
afterAll(() => void process.off('unhandledRejection', onRejection));

describe('session as a boundary', () => {
  it('a transport whose send throws or rejects: onMessage still resolves, nothing escapes', async () => {
    const log = quiet();
    for (const send of [
      () => {
        throw new Error('socket gone');
      },
      () => Promise.reject(new Error('socket gone')),
    ]) {
      const hub = new EventHub();
      const s = openSession(ok, hub, send);
      await expect(s.onMessage({ t: 'req', id: 1, method: 'engine.status' })).resolves.toBeUndefined();
      await expect(s.onMessage({ t: 'stream', id: 2, name: 'containers.logs', args: {} })).resolves.toBeUndefined();
      hub.emit('volumes:changed', { ids: [] });
      s.close();
    }
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toHaveBeenCalled();
    log.mockRestore();
  });

  it('a router that throws: an INTERNAL reply to the request, an INTERNAL end to the stream', async () => {
    const log = quiet();
    const broken: Router = {
      handle: () => {
        throw new Error('handle broke');
      },
      openStream: () => {
        throw new Error('openStream broke');
      },
    };
    const got: ServerMessage[] = [];
    const s = openSession(broken, new EventHub(), (m) => void got.push(m));
    await s.onMessage({ t: 'req', id: 1, method: 'engine.status' });
    await s.onMessage({ t: 'stream', id: 2, name: 'containers.logs', args: {} });
    expect(got).toEqual([
      { t: 'res', id: 1, ok: false, error: expect.objectContaining({ code: 'INTERNAL' }) },
      { t: 'end', id: 2, error: expect.objectContaining({ code: 'INTERNAL' }) },
    ]);
    log.mockRestore();
  });

  it('once closed, late messages open nothing; cancel and input of unknown ids are ignored', async () => {
    const opened = vi.fn((): OpenStream => ({ cancel: () => {}, input: () => undefined, done: new Promise(() => {}) }));
    const got: ServerMessage[] = [];
    const s = openSession({ ...ok, openStream: opened }, new EventHub(), (m) => void got.push(m));
    await s.onMessage({ t: 'cancel', id: 99 });
    await s.onMessage({ t: 'input', id: 99, data: new Uint8Array(3) });
    s.close();
    await s.onMessage({ t: 'stream', id: 3, name: 'containers.logs', args: {} });
    expect(opened).not.toHaveBeenCalled();
    expect(got).toEqual([]);
  });
});

describe('parseClientMessage', () => {
  it('takes the four kinds with an id that fits a binary frame, nothing else', () => {
    expect(parseClientMessage('{"t":"req","id":1,"method":"x"}')).toEqual({ t: 'req', id: 1, method: 'x' });
    for (const bad of ['', 'null', '[]', '"x"', '{"t":"req"}', '{"t":"req","id":-1}', '{"t":"req","id":1.5}', `{"t":"req","id":${2 ** 32}}`, '{"t":"res","id":1}', '{"t":"chunk","id":1}']) {
      expect(parseClientMessage(bad), bad).toBeUndefined();
    }
    expect(parseClientMessage('['.repeat(200_000) + ']'.repeat(200_000))).toBeUndefined();
  });
});
