import { describe, expect, it, vi } from 'vitest';
import { BerthError } from '../../electron/shared/errors';
import { createClient } from './client';
import { fakeTransport } from './fake-transport';

describe('api client', () => {
  it('resolves replies by id and rebuilds typed errors', async () => {
    const t = fakeTransport((method) => (method === 'volumes.list' ? { ok: true, value: [] } : { ok: false, error: { code: 'IN_USE', message: 'volume is in use', hint: 'h' } }));
    const c = createClient(t);
    expect(await c.call('volumes.list')).toEqual([]);
    const err = await c.call('volumes.remove', { names: ['v'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BerthError);
    expect(err).toMatchObject({ code: 'IN_USE', message: 'volume is in use', hint: 'h' });
    expect(t.calls).toEqual([
      { method: 'volumes.list', args: {} },
      { method: 'volumes.remove', args: { names: ['v'] } },
    ]);
  });

  it('maps an unknown error code from the wire to INTERNAL', async () => {
    const c = createClient(fakeTransport(() => ({ ok: false, error: { code: 'WAT' as never, message: 'x' } })));
    await expect(c.call('images.list')).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('delivers pushes to the listeners of that event only, until they unsubscribe', () => {
    const t = fakeTransport(() => undefined);
    const c = createClient(t);
    const vols = vi.fn();
    const off = c.on('volumes:changed', vols);
    c.on('images:changed', () => {
      throw new Error('wrong listener');
    });
    t.push('volumes:changed', { ids: ['a'] });
    off();
    t.push('volumes:changed', { ids: ['b'] });
    expect(vols.mock.calls).toEqual([[{ ids: ['a'] }]]);
  });

  it('fails requests in flight when the connection drops, instead of hanging', async () => {
    const t = fakeTransport(() => undefined); // never answers
    const c = createClient(t);
    const conn = vi.fn();
    c.onConnection(conn);
    const pending = c.call('containers.list');
    t.setConnected(false);
    await expect(pending).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(conn).toHaveBeenCalledWith(false);
  });
});

describe('api client streams', () => {
  it('routes chunks to their stream, ends with the typed error, and cancels over the wire', () => {
    const t = fakeTransport(() => undefined);
    const c = createClient(t);
    const a = { onData: vi.fn(), onEnd: vi.fn() };
    const b = { onData: vi.fn(), onEnd: vi.fn() };
    c.stream('containers.logs', { id: 'a' }, a);
    const cancelB = c.stream('containers.logs', { id: 'b', tail: 5 }, b).cancel;
    const [startA, startB] = t.streamMessages as { id: number; name: string; args: unknown }[];
    expect(startB).toMatchObject({ t: 'stream', name: 'containers.logs', args: { id: 'b', tail: 5 } });
    t.deliver({ t: 'chunk', id: startA!.id, data: [{ text: 'one' }] });
    t.deliver({ t: 'end', id: startA!.id, error: { code: 'NOT_FOUND', message: 'no such container' } });
    t.deliver({ t: 'chunk', id: startA!.id, data: [{ text: 'late' }] }); // after the end: dropped
    expect(a.onData.mock.calls).toEqual([[[{ text: 'one' }]]]);
    expect(a.onEnd.mock.calls[0]![0]).toMatchObject({ code: 'NOT_FOUND' });
    cancelB();
    cancelB(); // twice is harmless
    expect(t.streamMessages.filter((m) => m.t === 'cancel')).toEqual([{ t: 'cancel', id: startB!.id }]);
    t.deliver({ t: 'chunk', id: startB!.id, data: [] });
    expect(b.onData).not.toHaveBeenCalled();
  });

  it('ends open streams with DISCONNECTED when the connection drops', () => {
    const t = fakeTransport(() => undefined);
    const c = createClient(t);
    const on = { onData: vi.fn(), onEnd: vi.fn() };
    c.stream('containers.logs', { id: 'a' }, on);
    t.setConnected(false);
    expect(on.onEnd.mock.calls[0]![0]).toMatchObject({ code: 'DISCONNECTED' });
  });

  it('sends input to an open stream only', () => {
    const t = fakeTransport(() => undefined);
    const c = createClient(t);
    const h = c.stream('containers.exec', { id: 'a' }, { onData: vi.fn(), onEnd: vi.fn() });
    const id = (t.streamMessages[0] as { id: number }).id;
    h.send({ data: 'ls\r' });
    t.deliver({ t: 'end', id });
    h.send({ data: 'too late' });
    expect(t.streamMessages.filter((m) => m.t === 'input')).toEqual([{ t: 'input', id, data: { data: 'ls\r' } }]);
  });
});
