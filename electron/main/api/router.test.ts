import { describe, expect, it, vi } from 'vitest';
import { streams } from '../../shared/api-contract';
import { BerthError } from '../../shared/errors';
import { createRouter, type Handlers, type StreamHandlers } from './router';

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const notUsed = () => Promise.reject(new Error('not used'));
  return new Proxy(overrides, { get: (t, k) => (t as Record<string | symbol, unknown>)[k] ?? notUsed }) as Handlers;
}

const noStreams = {} as StreamHandlers;
/** Stream handlers that do nothing, but for the ones a test gives. */
const streamsWith = (over: Partial<StreamHandlers>): StreamHandlers => ({ ...(Object.fromEntries(Object.keys(streams).map((k) => [k, async () => {}])) as unknown as StreamHandlers), ...over });

describe('router', () => {
  it('validates arguments, fills defaults and passes them to the handler', async () => {
    const remove = vi.fn(async () => []);
    const r = createRouter(handlers({ 'containers.remove': remove }), noStreams);
    expect(await r.handle('containers.remove', { ids: ['web'] })).toEqual({ ok: true, value: [] });
    expect(remove).toHaveBeenCalledWith({ ids: ['web'], force: false, volumes: false });
  });

  it('refuses unknown methods, including prototype keys', async () => {
    const r = createRouter(handlers(), noStreams);
    for (const m of ['nope', '__proto__', 'constructor', 'toString', 42, null, undefined]) {
      expect(await r.handle(m, {}), String(m)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
  });

  it('refuses wrong types, unknown keys and bad names with a readable reason', async () => {
    const create = vi.fn();
    const r = createRouter(handlers({ 'networks.create': create }), noStreams);
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
    const r = createRouter(handlers({ 'volumes.list': async () => Promise.reject({ statusCode: 500 }) }), noStreams, {
      mapError: () => new BerthError('ENGINE_UNREACHABLE', 'gone'),
      onError,
    });
    expect(await r.handle('volumes.list')).toEqual({ ok: false, error: { code: 'ENGINE_UNREACHABLE', message: 'gone', hint: expect.any(String) } });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'ENGINE_UNREACHABLE' }), 'volumes.list');
  });

  it('turns a thrown non-BerthError into INTERNAL without throwing', async () => {
    const r = createRouter(handlers({ 'images.list': async () => { throw new TypeError('boom'); } }), noStreams);
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await r.handle('images.list')).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
    log.mockRestore();
  });

  it('returns null for handlers that return nothing', async () => {
    const r = createRouter(handlers({ 'networks.connect': async () => undefined }), noStreams);
    expect(await r.handle('networks.connect', { network: 'n', container: 'c' })).toEqual({ ok: true, value: null });
  });
});

describe('router streams', () => {
  const logs = (impl: StreamHandlers['containers.logs']) => createRouter(handlers(), streamsWith({ 'containers.logs': impl }));

  it('validates stream arguments before starting the handler', async () => {
    const impl = vi.fn(async () => {});
    const r = logs(impl);
    expect(await r.openStream('containers.logs', { id: 'x', tail: -1 }, async () => {}).done).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/tail/) });
    expect(await r.openStream('nope', {}, async () => {}).done).toMatchObject({ code: 'UNKNOWN_METHOD' });
    expect(impl).not.toHaveBeenCalled();
  });

  it('passes chunks through, fills defaults, and ends without error', async () => {
    const r = logs(async (args, sink) => {
      expect(args).toEqual({ id: 'web', follow: true, tail: 1000 });
      await sink.write([{ text: 'a' }]);
      await sink.write([{ text: 'b', err: true }]);
    });
    const got: unknown[] = [];
    expect(await r.openStream('containers.logs', { id: 'web' }, async (c) => void got.push(c)).done).toBeUndefined();
    expect(got).toEqual([[{ text: 'a' }], [{ text: 'b', err: true }]]);
  });

  it('reports a failing handler as a typed error', async () => {
    const r = createRouter(handlers(), streamsWith({ 'containers.logs': async () => Promise.reject(new BerthError('NOT_FOUND', 'no such container')) }));
    expect(await r.openStream('containers.logs', { id: 'gone' }, async () => {}).done).toMatchObject({ code: 'NOT_FOUND', message: 'no such container' });
  });

  it('cancel aborts the handler, drops later writes and ends quietly', async () => {
    let signal: AbortSignal | undefined;
    const r = logs(async (_a, sink) => {
      signal = sink.signal;
      await sink.write([{ text: 'first' }]);
      await new Promise((resolve) => sink.signal.addEventListener('abort', resolve));
      await sink.write([{ text: 'after cancel' }]);
      throw new Error('stream destroyed');
    });
    const got: unknown[] = [];
    const s = r.openStream('containers.logs', { id: 'web' }, async (c) => void got.push(c));
    await new Promise((resolve) => setTimeout(resolve, 0));
    s.cancel();
    expect(await s.done).toBeUndefined();
    expect(signal?.aborted).toBe(true);
    expect(got).toEqual([[{ text: 'first' }]]);
  });

  it('validates input against the stream\'s schema and hands it to the handler', async () => {
    const got: unknown[] = [];
    const r = createRouter(handlers(), streamsWith({
      'containers.exec': async (_a, sink) => {
        sink.onInput((i) => got.push(i));
        await new Promise((resolve) => sink.signal.addEventListener('abort', resolve));
      },
    }));
    const s = r.openStream('containers.exec', { id: 'web' }, async () => {});
    expect(s.input({ data: 'ls\r' })).toBeUndefined();
    expect(s.input({ resize: { cols: 100, rows: 40 } })).toBeUndefined();
    expect(s.input({ resize: { cols: 0, rows: 40 } })).toMatch(/cols/);
    expect(s.input({ rm: '-rf' })).toBeDefined();
    expect(r.openStream('containers.logs', { id: 'web' }, async () => {}).input({ data: 'x' })).toBeDefined(); // logs take no input
    s.cancel();
    await s.done;
    expect(got).toEqual([{ data: 'ls\r' }, { resize: { cols: 100, rows: 40 } }]);
  });

  it('keeps input that arrives before the handler listens, in order', async () => {
    const got: unknown[] = [];
    let listen!: () => void;
    const r = createRouter(handlers(), streamsWith({
      'containers.exec': async (_a, sink) => {
        await new Promise<void>((resolve) => (listen = resolve)); // e.g. creating the exec
        sink.onInput((i) => got.push(i));
      },
    }));
    const s = r.openStream('containers.exec', { id: 'web' }, async () => {});
    s.input({ data: 'a' });
    s.input({ data: 'b' });
    listen();
    await s.done;
    expect(got).toEqual([{ data: 'a' }, { data: 'b' }]);
  });
});
