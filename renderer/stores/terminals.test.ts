import { beforeEach, describe, expect, it, vi } from 'vitest';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import { attachTerminal, closeTerminal, hasTerminal, TERMINAL_REPLAY_CHARS, terminalInput, terminalStatus, useTerminals, type TerminalTarget } from './terminals';

const A: TerminalTarget = { kind: 'container', id: 'a' };
const B: TerminalTarget = { kind: 'container', id: 'b' };
const HOST: TerminalTarget = { kind: 'host' };

let t: FakeTransport;
const lastStream = () => t.streamMessages.filter((m) => m.t === 'stream').at(-1) as { id: number; args: unknown };
const inputs = () => t.streamMessages.filter((m) => m.t === 'input').map((m) => (m as { data: unknown }).data);
const out = (text: string) => t.deliver({ t: 'chunk', id: lastStream().id, data: text });

beforeEach(() => {
  t = fakeTransport(() => undefined);
  connectApi(t);
  for (const target of [A, B, HOST]) if (hasTerminal(target)) closeTerminal(target);
  t.streamMessages.length = 0;
});

describe('terminal sessions', () => {
  it('starts a shell at the view size, writes output, and acks once rendered', () => {
    const rendered: (() => void)[] = [];
    const writer = vi.fn((_d: string, done: () => void) => void rendered.push(done));
    attachTerminal(A, writer, { cols: 120, rows: 30 });
    expect(lastStream()).toMatchObject({ name: 'containers.exec', args: { id: 'a', cols: 120, rows: 30 } });
    out('$ ');
    expect(writer).toHaveBeenCalledWith('$ ', expect.any(Function));
    expect(inputs()).toEqual([]); // not rendered yet: no ack
    rendered[0]!();
    terminalInput(A, 'ls\r');
    expect(inputs()).toEqual([{ ack: 2 }, { data: 'ls\r' }]);
  });

  it('keeps the session across detach, acks at once while hidden, and replays on reattach', () => {
    const detach = attachTerminal(A, (_d, done) => done(), { cols: 80, rows: 24 });
    out('hello\r\n');
    detach();
    out('while hidden\r\n');
    expect(inputs()).toEqual([{ ack: 7 }, { ack: 14 }]);
    const replay = vi.fn();
    attachTerminal(A, replay, { cols: 100, rows: 40 });
    expect(replay).toHaveBeenCalledWith('hello\r\nwhile hidden\r\n', expect.any(Function));
    expect(t.streamMessages.filter((m) => m.t === 'stream')).toHaveLength(1); // same session
    expect(inputs().at(-1)).toEqual({ resize: { cols: 100, rows: 40 } });
  });

  it('bounds the replay buffer', () => {
    const detach = attachTerminal(A, (_d, done) => done(), { cols: 80, rows: 24 });
    detach();
    const block = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 10; i++) out(block);
    const replay = vi.fn();
    attachTerminal(A, replay, { cols: 80, rows: 24 });
    expect((replay.mock.calls[0]![0] as string).length).toBeLessThanOrEqual(TERMINAL_REPLAY_CHARS);
  });

  it('sessions of different containers are separate; an ended shell says why and starts anew', () => {
    attachTerminal(A, vi.fn(), { cols: 80, rows: 24 });
    const idA = lastStream().id;
    attachTerminal(B, vi.fn(), { cols: 80, rows: 24 });
    expect(lastStream().id).not.toBe(idA);
    t.deliver({ t: 'end', id: idA, error: { code: 'CONFLICT', message: 'Container a is not running' } });
    expect(terminalStatus(A)(useTerminals.getState())).toEqual({ state: 'error', message: 'Container a is not running' });
    expect(hasTerminal(A)).toBe(false);
    expect(hasTerminal(B)).toBe(true);
    attachTerminal(A, vi.fn(), { cols: 80, rows: 24 });
    expect(terminalStatus(A)(useTerminals.getState())).toEqual({ state: 'open' });
  });

  it('the host shell is its own session, opened through host.shell', () => {
    attachTerminal(HOST, vi.fn(), { cols: 90, rows: 30 });
    expect(lastStream()).toMatchObject({ name: 'host.shell', args: { cols: 90, rows: 30 } });
    attachTerminal(A, vi.fn(), { cols: 80, rows: 24 });
    expect(hasTerminal(HOST) && hasTerminal(A)).toBe(true);
  });
});
