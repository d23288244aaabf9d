import { describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { Outbox } from './server';

/** A socket that flushes only when told to (a client that does not read). */
function slowSocket() {
  const unflushed: (() => void)[] = [];
  const sent: unknown[] = [];
  const ws = {
    OPEN: 1,
    readyState: 1,
    send: (data: unknown, cb: () => void) => {
      sent.push(data);
      unflushed.push(cb);
    },
    terminate: vi.fn(() => void (ws.readyState = 3)),
  };
  const flushAll = () => unflushed.splice(0).forEach((cb) => cb());
  return { ws, sent, flushAll };
}

const big = (n: number) => ({ t: 'chunk' as const, id: 1, data: new Uint8Array(n) });

describe('Outbox', () => {
  it('sends bytes as binary frames and the rest as JSON', () => {
    const s = slowSocket();
    const out = new Outbox(s.ws as unknown as WebSocket);
    void out.send(big(3));
    void out.send({ t: 'end', id: 1 });
    expect(s.sent[0]).toBeInstanceOf(Uint8Array);
    expect(s.sent[1]).toBe('{"t":"end","id":1}');
  });

  it('is congested past HIGH until the backlog falls under LOW, telling onFlow at both turns', async () => {
    const s = slowSocket();
    const flow = vi.fn();
    const out = new Outbox(s.ws as unknown as WebSocket, flow);
    expect(out.send(big(Outbox.HIGH - 100))).toBeInstanceOf(Promise);
    expect(out.congested).toBe(false);
    let drained = false;
    void out.send(big(200)).then(() => (drained = true));
    expect(out.congested).toBe(true);
    expect(flow).toHaveBeenCalledTimes(1);
    await Promise.resolve();
    expect(drained).toBe(false);
    s.flushAll();
    await Promise.resolve();
    expect(drained).toBe(true);
    expect(out.congested).toBe(false);
    expect(flow).toHaveBeenCalledTimes(2);
  });

  it('a reply JSON cannot carry still answers its request, with the error', () => {
    const s = slowSocket();
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const out = new Outbox(s.ws as unknown as WebSocket);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    void out.send({ t: 'res', id: 7, ok: true, value: 10n });
    void out.send({ t: 'end', id: 8, error: cycle as never });
    void out.send({ t: 'chunk', id: 9, data: cycle });
    expect(s.sent.map((d) => JSON.parse(d as string) as unknown)).toEqual([
      { t: 'res', id: 7, ok: false, error: { code: 'INTERNAL', message: 'Berth could not send this answer.' } },
      { t: 'end', id: 8, error: { code: 'INTERNAL', message: 'Berth could not send this answer.' } },
    ]);
    log.mockRestore();
  });

  it('drops a client that lets DROP bytes pile up', () => {
    const s = slowSocket();
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const out = new Outbox(s.ws as unknown as WebSocket);
    for (let sent = 0; sent <= Outbox.DROP; sent += 1024 * 1024) void out.send(big(1024 * 1024));
    expect(s.ws.terminate).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]![0]).toMatch(/dropping a browser client/);
    log.mockRestore();
  });
});
