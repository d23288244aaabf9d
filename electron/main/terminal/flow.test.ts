import { describe, expect, it } from 'vitest';
import { FlowControl, pipeTerminal, type TerminalIO } from './flow';

describe('terminal flow control', () => {
  it('pauses once past the high mark and resumes only below the low mark', () => {
    const f = new FlowControl(100, 10);
    expect(f.sent(60)).toBe(false);
    expect(f.sent(60)).toBe(true); // 120 unacked: pause
    expect(f.sent(50)).toBe(false); // already paused: no second pause
    expect(f.acked(100)).toBe(false); // 70 left: still paused
    expect(f.acked(65)).toBe(true); // 5 left: resume
    expect(f.paused).toBe(false);
    expect(f.acked(1000)).toBe(false); // over-acknowledging never goes negative
    expect(f.sent(100)).toBe(false);
    expect(f.sent(1)).toBe(true);
  });
});

describe('hostShell', () => {
  it('prefers $SHELL, then bash, zsh, sh', async () => {
    const { hostShell } = await import('./host-shell');
    expect(hostShell({ SHELL: '/usr/bin/fish' }, (p) => p === '/usr/bin/fish')).toBe('/usr/bin/fish');
    expect(hostShell({ SHELL: '/gone' }, (p) => p === '/bin/zsh')).toBe('/bin/zsh');
    expect(hostShell({}, () => false)).toBe('/bin/sh');
  });
});

describe('pipeTerminal', () => {
  const fakeIO = () => {
    const calls: string[] = [];
    let end: ((e?: Error) => void) | undefined;
    const io: TerminalIO = {
      write: (d) => void calls.push(`write ${d}`),
      resize: () => undefined,
      pause: () => undefined,
      resume: () => undefined,
      start: (_onData, e) => {
        calls.push('start');
        end = e;
      },
      kill: async () => void calls.push('kill'),
    };
    return { io, calls, end: (e?: Error) => end!(e) };
  };
  const sink = (signal: AbortSignal) => ({ write: async () => {}, signal, onInput: () => {} });

  it('a cancel that came while the process was starting ends it at once, without starting it', async () => {
    const f = fakeIO();
    const ac = new AbortController();
    ac.abort();
    await pipeTerminal(f.io, sink(ac.signal));
    expect(f.calls).toEqual(['kill']);
  });

  it('a cancel later ends it once; an end by itself ends it too, and a failure is reported', async () => {
    const a = fakeIO();
    const ac = new AbortController();
    const run = pipeTerminal(a.io, sink(ac.signal));
    ac.abort();
    await run;
    a.end(); // the stream ending after the cancel changes nothing
    expect(a.calls).toEqual(['start', 'kill']);
    const b = fakeIO();
    const done = pipeTerminal(b.io, sink(new AbortController().signal));
    b.end();
    await done;
    expect(b.calls).toEqual(['start', 'kill']);
    const c = fakeIO();
    const failed = pipeTerminal(c.io, sink(new AbortController().signal));
    c.end(new Error('gone'));
    await expect(failed).rejects.toThrow('gone');
    expect(c.calls).toEqual(['start', 'kill']);
  });
});
