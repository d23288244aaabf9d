import { describe, expect, it, vi } from 'vitest';
import { BerthError } from '../../shared/errors';
import { createRouter, type Handlers } from './router';

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const notUsed = () => Promise.reject(new Error('not used'));
  return new Proxy(overrides, { get: (t, k) => (t as Record<string | symbol, unknown>)[k] ?? notUsed }) as Handlers;
}

describe('router', () => {
  it('validates arguments, fills defaults and passes them to the handler', async () => {
    const remove = vi.fn(async () => []);
    const r = createRouter(handlers({ 'containers.remove': remove }));
    expect(await r.handle('containers.remove', { ids: ['web'] })).toEqual({ ok: true, value: [] });
    expect(remove).toHaveBeenCalledWith({ ids: ['web'], force: false, volumes: false });
  });

  it('refuses unknown methods, including prototype keys', async () => {
    const r = createRouter(handlers());
    for (const m of ['nope', '__proto__', 'constructor', 'toString', 42, null, undefined]) {
      expect(await r.handle(m, {}), String(m)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
  });

  it('refuses wrong types, unknown keys and bad names with a readable reason', async () => {
    const create = vi.fn();
    const r = createRouter(handlers({ 'networks.create': create }));
    const cases: [unknown, RegExp][] = [
      [{ name: 5 }, /name: /],
      [{ name: 'ok', extra: true }, /extra/],
      [{ name: 'has space' }, /name: must start with a letter or digit/],
      [{ name: 'ok', subnet: '10.0.0.0/40' }, /subnet: must be a subnet in CIDR form/],
      ['a string', /arguments/],
      [[1, 2], /arguments/],
    ];
    for (const [args, reason] of cases) {
      const reply = await r.handle('networks.create', args);
      expect(reply, JSON.stringify(args)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(reason) } });
    }
    expect(create).not.toHaveBeenCalled();
  });

  it('encodes handler failures through mapError and reports them', async () => {
    const onError = vi.fn();
    const r = createRouter(handlers({ 'volumes.list': async () => Promise.reject({ statusCode: 500 }) }), {
      mapError: () => new BerthError('ENGINE_UNREACHABLE', 'gone'),
      onError,
    });
    expect(await r.handle('volumes.list')).toEqual({ ok: false, error: { code: 'ENGINE_UNREACHABLE', message: 'gone', hint: expect.any(String) } });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'ENGINE_UNREACHABLE' }), 'volumes.list');
  });

  it('turns a thrown non-BerthError into INTERNAL without throwing', async () => {
    const r = createRouter(handlers({ 'images.list': async () => { throw new TypeError('boom'); } }));
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await r.handle('images.list')).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
    log.mockRestore();
  });

  it('returns null for handlers that return nothing', async () => {
    const r = createRouter(handlers({ 'networks.connect': async () => undefined }));
    expect(await r.handle('networks.connect', { network: 'n', container: 'c' })).toEqual({ ok: true, value: null });
  });
});
