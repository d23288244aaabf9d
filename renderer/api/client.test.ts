import { describe, expect, it, vi } from 'vitest';
import { BerthError } from '../../electron/shared/errors';
import { createClient } from './client';
import { fakeTransport } from './fake-transport';

describe('api client', () => {
  it('resolves replies by id and rebuilds typed errors', async () => {
    const t = fakeTransport((method) =>
      method === 'volumes.list' ? { ok: true, value: [] } : { ok: false, error: { code: 'IN_USE', message: 'volume is in use', hint: 'h' } },
    );
    const c = createClient(t);
    expect(await c.call('volumes.list')).toEqual([]);
    const err = await c.call('volumes.remove', { names: ['v'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BerthError);
    expect(err).toMatchObject({ code: 'IN_USE', message: 'volume is in use', hint: 'h' });
    expect(t.calls).toEqual([{ method: 'volumes.list', args: {} }, { method: 'volumes.remove', args: { names: ['v'] } }]);
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
