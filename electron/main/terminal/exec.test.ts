import { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { describe, expect, it, vi } from 'vitest';
import type { TerminalInput } from '../../shared/api-contract';
import type { StreamSink } from '../stream-sink';
import { PID_MARK } from './exec-hangup';
import { ExecService, HELD_INPUT_CHARS } from './exec';

/** An engine whose exec connection is `conn`: what the shell is sent lands in `written`. */
function fakeEngine() {
  const written: string[] = [];
  const conn = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      written.push(chunk.toString());
      cb();
    },
  });
  const exec = { start: async () => conn, resize: async () => {}, inspect: async () => ({ Running: false }) };
  const container = { exec: async () => exec };
  const docker = { getContainer: () => container } as unknown as Dockerode;
  return { docker, conn, written };
}

function sinkFor() {
  const abort = new AbortController();
  let input!: (i: TerminalInput) => void;
  const screen: string[] = [];
  const sink: StreamSink<string, TerminalInput> = {
    write: async (c) => void screen.push(c),
    signal: abort.signal,
    onInput: (l) => (input = l),
  };
  return { sink, abort, type: (data: string) => input({ data }), screen };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('an exec terminal before its shell said its pid', () => {
  it(`keeps at most ${HELD_INPUT_CHARS / 1024} KiB of typed input, drops the rest with one log line, then sends what it kept in order`, async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { docker, conn, written } = fakeEngine();
    const t = sinkFor();
    const running = new ExecService(docker).shell('web', { cols: 80, rows: 24 }, t.sink);
    await tick();
    const line = 'x'.repeat(1023) + '\r';
    const lines = 1000; // ~1 MB typed or pasted into a shell that has not started
    for (let i = 0; i < lines; i++) t.type(line);
    t.type('a'); // smaller input after the bound is dropped too: nothing out of order
    expect(written).toEqual([]); // nothing reaches the shell before the mark
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/more than 64 KiB typed before the shell was ready/);

    conn.push(`${PID_MARK}42\x07/ # `);
    await tick();
    expect(written.join('')).toBe(line.repeat(HELD_INPUT_CHARS / line.length));
    t.type('echo hi\r'); // once the shell is there, input goes straight to it
    expect(written.at(-1)).toBe('echo hi\r');
    expect(t.screen.join('')).toBe('/ # ');

    conn.push(null);
    conn.destroy();
    await running;
    warn.mockRestore();
  });
});
