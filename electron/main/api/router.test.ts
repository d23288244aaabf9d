import { describe, expect, it, vi } from 'vitest';
import { streams } from '../../shared/api-contract';
import { BerthError } from '../../shared/errors';
import { UPLOAD_PIECE } from '../../shared/transfer';
import { createRouter, EARLY_INPUT_BYTES, type Handlers, type StreamHandlers } from './router';

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
    const r = createRouter(
      handlers({
        'images.list': async () => {
          throw new TypeError('boom');
        },
      }),
      noStreams,
    );
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await r.handle('images.list')).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
    log.mockRestore();
  });

  it('returns null for handlers that return nothing', async () => {
    const r = createRouter(handlers({ 'networks.connect': async () => undefined }), noStreams);
    expect(await r.handle('networks.connect', { network: 'n', container: 'c' })).toEqual({ ok: true, value: null });
  });
});

const logs = (impl: StreamHandlers['containers.logs']) => createRouter(handlers(), streamsWith({ 'containers.logs': impl }));

describe('router streams', () => {
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

  it("validates input against the stream's schema and hands it to the handler", async () => {
    const got: unknown[] = [];
    const r = createRouter(
      handlers(),
      streamsWith({
        'containers.exec': async (_a, sink) => {
          sink.onInput((i) => got.push(i));
          await new Promise((resolve) => sink.signal.addEventListener('abort', resolve));
        },
      }),
    );
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
    const r = createRouter(
      handlers(),
      streamsWith({
        'containers.exec': async (_a, sink) => {
          await new Promise<void>((resolve) => (listen = resolve)); // e.g. creating the exec
          sink.onInput((i) => got.push(i));
        },
      }),
    );
    const s = r.openStream('containers.exec', { id: 'web' }, async () => {});
    s.input({ data: 'a' });
    s.input({ data: 'b' });
    listen();
    await s.done;
    expect(got).toEqual([{ data: 'a' }, { data: 'b' }]);
  });

  it('keeps at most EARLY_INPUT_BYTES before the handler listens, then fails that stream with a typed error', async () => {
    let listen!: () => void;
    let got = 0;
    const upload = async (_a: unknown, sink: Parameters<StreamHandlers['containers.files.upload']>[1]) => {
      await new Promise<void>((resolve) => (listen = resolve)); // e.g. the engine not answering yet
      sink.onInput(() => got++);
    };
    const r = createRouter(handlers(), streamsWith({ 'containers.files.upload': upload }));
    const args = { id: 'web', dir: '/tmp', name: 'f.bin', size: 100 * UPLOAD_PIECE };
    const piece = new Uint8Array(UPLOAD_PIECE);
    const fits = EARLY_INPUT_BYTES / UPLOAD_PIECE;
    expect(fits).toBe(4);

    const ok = r.openStream('containers.files.upload', args, async () => {});
    for (let i = 0; i < fits; i++) expect(ok.input(piece)).toBeUndefined(); // a full upload window fits
    listen();
    expect(await ok.done).toBeUndefined();
    expect(got).toBe(fits);

    got = 0;
    const flood = r.openStream('containers.files.upload', args, async () => {});
    for (let i = 0; i < fits; i++) expect(flood.input(piece)).toBeUndefined();
    expect(flood.input(piece)).toMatch(/too much input/);
    expect(flood.input(piece)).toBe('stream is closed'); // the rest is refused, not kept
    listen();
    expect(await flood.done).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/More than 1024 KiB of input came before/) });
    expect(got).toBe(0); // nothing of a refused stream reaches the handler

    // small inputs count for their bookkeeping too: 100,000 keystrokes are not all kept
    const keys = r.openStream('containers.exec', { id: 'web' }, async () => {});
    let refused = 0;
    for (let i = 0; i < 100_000 && !refused; i++) if (keys.input({ data: 'a' })) refused = i;
    expect(refused).toBe(EARLY_INPUT_BYTES / 64);
    keys.cancel();
    expect(await keys.done).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('router as a boundary: nothing a handler or a client does escapes it', () => {
  const quiet = () => vi.spyOn(console, 'error').mockImplementation(() => {});
  const deep = (n: number) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown;

  it('a handler that throws before its first await: an INTERNAL reply, not an exception', async () => {
    const log = quiet();
    const sync = (() => {
      throw new TypeError('sync boom');
    }) as unknown as Handlers['images.list'];
    const r = createRouter(handlers({ 'images.list': sync }), streamsWith({ 'containers.logs': sync as never }));
    expect(await r.handle('images.list')).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'sync boom' } });
    expect(await r.openStream('containers.logs', { id: 'web' }, async () => {}).done).toMatchObject({ code: 'INTERNAL', message: 'sync boom' });
    expect(log).toHaveBeenCalled();
    log.mockRestore();
  });

  it('a write that throws fails that stream with a typed error', async () => {
    const log = quiet();
    const r = logs(async (_a, sink) => void (await sink.write([{ text: 'a' }])));
    const s = r.openStream('containers.logs', { id: 'web' }, () => {
      throw new Error('transport broke');
    });
    expect(await s.done).toMatchObject({ code: 'INTERNAL', message: 'transport broke' });
    log.mockRestore();
  });

  it('an input listener that throws ends the stream with the error; later input is refused', async () => {
    const log = quiet();
    const r = createRouter(
      handlers(),
      streamsWith({
        'containers.exec': async (_a, sink) => {
          sink.onInput(() => {
            throw new Error('listener broke');
          });
          await new Promise((resolve) => sink.signal.addEventListener('abort', resolve));
        },
      }),
    );
    const s = r.openStream('containers.exec', { id: 'web' }, async () => {});
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(s.input({ data: 'x' })).toMatch(/failed/);
    expect(s.input({ data: 'y' })).toMatch(/closed/);
    expect(await s.done).toMatchObject({ code: 'INTERNAL', message: 'listener broke' });
    log.mockRestore();
  });

  it('a mapError that throws still gives a typed reply', async () => {
    const log = quiet();
    const r = createRouter(handlers({ 'volumes.list': async () => Promise.reject(new Error('x')) }), noStreams, {
      mapError: () => {
        throw new Error('mapping broke');
      },
    });
    expect(await r.handle('volumes.list')).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    log.mockRestore();
  });

  it('arguments, names and input nested 100,000 deep: typed errors', async () => {
    const log = quiet();
    const r = createRouter(handlers(), streamsWith({}));
    expect(await r.handle(deep(100_000))).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD', message: 'Unknown API call: object' } });
    expect(await r.handle('volumes.remove', { names: deep(100_000) })).toMatchObject({ ok: false, error: { code: expect.stringMatching(/INVALID_ARGUMENT|INTERNAL/) } });
    expect(await r.openStream('containers.logs', deep(100_000), async () => {}).done).toMatchObject({ code: expect.stringMatching(/INVALID_ARGUMENT|INTERNAL/) });
    expect(await r.openStream(deep(100_000), {}, async () => {}).done).toMatchObject({ code: 'UNKNOWN_METHOD' });
    const s = r.openStream('containers.exec', { id: 'web' }, async () => {});
    expect(s.input({ data: deep(100_000) })).toBeDefined();
    log.mockRestore();
  });
});
