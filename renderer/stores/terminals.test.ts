import { beforeEach, describe, expect, it, vi } from 'vitest';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import {
  attachTerminal,
  closeTerminal,
  CONNECTION_LOST,
  discardTerminal,
  hasTerminal,
  KEPT_ENDED_TERMINALS,
  TERMINAL_REPLAY_CHARS,
  terminalInput,
  terminalStatus,
  useTerminals,
  type TerminalTarget,
} from './terminals';

const A: TerminalTarget = { kind: 'container', id: 'a' };
const B: TerminalTarget = { kind: 'container', id: 'b' };
const HOST: TerminalTarget = { kind: 'host' };
const MANY: TerminalTarget[] = Array.from({ length: 20 }, (_, i) => ({ kind: 'container', id: `gone-${i}` }));

let t: FakeTransport;
const lastStream = () => t.streamMessages.filter((m) => m.t === 'stream').at(-1) as { id: number; args: unknown };
const inputs = () => t.streamMessages.filter((m) => m.t === 'input').map((m) => (m as { data: unknown }).data);
const out = (text: string) => t.deliver({ t: 'chunk', id: lastStream().id, data: text });

beforeEach(() => {
  t = fakeTransport(() => undefined);
  connectApi(t);
  for (const target of [A, B, HOST, ...MANY]) {
    closeTerminal(target);
    discardTerminal(target);
  }
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

  it('sessions of different containers are separate; an ended shell says why and starts anew only when asked', () => {
    attachTerminal(A, vi.fn(), { cols: 80, rows: 24 });
    const idA = lastStream().id;
    out('last words\r\n');
    attachTerminal(B, vi.fn(), { cols: 80, rows: 24 });
    expect(lastStream().id).not.toBe(idA);
    t.deliver({ t: 'end', id: idA, error: { code: 'CONFLICT', message: 'Container a is not running' } });
    expect(terminalStatus(A)(useTerminals.getState())).toEqual({ state: 'error', message: 'Container a is not running' });
    expect(hasTerminal(A)).toBe(false);
    expect(hasTerminal(B)).toBe(true);
    const replay = vi.fn();
    attachTerminal(A, replay, { cols: 80, rows: 24 }); // a view mounted again: the ended screen, no new shell
    expect(replay).toHaveBeenCalledWith('last words\r\n', expect.any(Function));
    expect(t.streamMessages.filter((m) => m.t === 'stream')).toHaveLength(2);
    terminalInput(A, 'ignored');
    expect(inputs()).not.toContainEqual({ data: 'ignored' });
    discardTerminal(A); // the user's New session
    attachTerminal(A, vi.fn(), { cols: 80, rows: 24 });
    expect(t.streamMessages.filter((m) => m.t === 'stream')).toHaveLength(3);
    expect(terminalStatus(A)(useTerminals.getState())).toEqual({ state: 'open' });
  });

  it('a lost connection ends the session in words and never starts a shell by itself on reconnect', () => {
    attachTerminal(A, (_d, done) => done(), { cols: 80, rows: 24 });
    out('$ ');
    t.setConnected(false); // the client ends every stream with DISCONNECTED
    expect(terminalStatus(A)(useTerminals.getState())).toEqual({ state: 'error', message: CONNECTION_LOST, reconnect: true });
    t.setConnected(true);
    const replay = vi.fn();
    attachTerminal(A, replay, { cols: 80, rows: 24 }); // e.g. the page re-rendered after the reconnect
    expect(replay).toHaveBeenCalledWith('$ ', expect.any(Function));
    expect(t.streamMessages.filter((m) => m.t === 'stream')).toHaveLength(1);
    expect(hasTerminal(A)).toBe(false);
  });

  it('the host shell is its own session, opened through host.shell', () => {
    attachTerminal(HOST, vi.fn(), { cols: 90, rows: 30 });
    expect(lastStream()).toMatchObject({ name: 'host.shell', args: { cols: 90, rows: 30 } });
    attachTerminal(A, vi.fn(), { cols: 80, rows: 24 });
    expect(hasTerminal(HOST) && hasTerminal(A)).toBe(true);
  });

  it(`keeps the screens of at most ${KEPT_ENDED_TERMINALS} ended sessions, forgetting the oldest, never one on screen`, () => {
    const screen = 'x'.repeat(TERMINAL_REPLAY_CHARS); // a full replay buffer each
    const shown = attachTerminal(MANY[0]!, vi.fn(), { cols: 80, rows: 24 }); // stays on screen throughout
    out(screen);
    t.deliver({ t: 'end', id: lastStream().id });
    for (const target of MANY.slice(1)) {
      attachTerminal(target, vi.fn(), { cols: 80, rows: 24 })(); // opened, then its view went away
      out(screen);
      t.deliver({ t: 'end', id: lastStream().id }); // e.g. its container was removed
    }
    const kept = MANY.filter((m) => terminalStatus(m)(useTerminals.getState()) !== undefined);
    expect(kept).toEqual([MANY[0], ...MANY.slice(1 - KEPT_ENDED_TERMINALS)]); // the one on screen, and the latest others up to the bound
    const streams = () => t.streamMessages.filter((m) => m.t === 'stream').length;
    const before = streams();
    const replay = vi.fn();
    attachTerminal(MANY.at(-1)!, replay, { cols: 80, rows: 24 }); // a kept one: its screen, no new shell
    expect(replay).toHaveBeenCalledWith(screen, expect.any(Function));
    expect(streams()).toBe(before);
    const fresh = vi.fn();
    attachTerminal(MANY[1]!, fresh, { cols: 80, rows: 24 }); // a forgotten one: a new shell, no old screen
    expect(streams()).toBe(before + 1);
    expect(fresh).not.toHaveBeenCalled();
    shown();

    closeTerminal(MANY[1]!); // closing by hand counts as ending too: the oldest not on screen any more goes
    expect(terminalStatus(MANY[0]!)(useTerminals.getState())).toBeUndefined();
    expect(MANY.filter((m) => terminalStatus(m)(useTerminals.getState()) !== undefined)).toEqual([MANY[1], ...MANY.slice(1 - KEPT_ENDED_TERMINALS)]);
  });
});
