/**
 * Exec terminals end their shell in the container however they end: a cancel, the client's
 * session closing, its WebSocket dropping, or `exit`; and a cancel that races the start is never
 * lost. Counted in the container (`docker top`) and in this process (/proc/self/fd).
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openSession } from '../../electron/main/api/session';
import { startServer, type RunningServer } from '../../electron/main/server/server';
import { PID_MARK } from '../../electron/main/terminal/exec-hangup';
import type { ServerMessage } from '../../electron/shared/wire';
import { connectedCore, engine, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();
const box = uniq('exec-leaks');
let server: RunningServer;

beforeAll(async () => {
  docker.cli(['run', '-d', '--init', '--name', box, TEST_IMAGE, 'sleep', '3600']); // --init reaps what the shells leave
  server = await startServer({ router: t.core.router, hub: t.core.hub, staticDir: 'dist/renderer' });
});
afterAll(async () => {
  await server?.close();
  docker.cli(['rm', '-f', box]);
});

const fds = () => readdirSync('/proc/self/fd').length;
/** Processes in the container besides init and its sleep. */
const leftovers = () =>
  docker
    .cli(['top', box, '-o', 'pid,args'])
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() && !/docker-init|sleep 3600/.test(l));
const noLeftovers = (ms = 15_000) => waitFor(() => leftovers().length === 0 || undefined, ms, `no shells left in the container (left: ${leftovers().join(' | ')})`);

/** A terminal through the router; `close` ends it the way asked. */
function terminal() {
  let out = '';
  const s = t.core.router.openStream('containers.exec', { id: box, cols: 80, rows: 24 }, async (c) => void (out += c as string));
  return {
    s,
    output: () => out,
    type: (data: string) => expect(s.input({ data })).toBeUndefined(),
    until: (text: string | RegExp) => waitFor(() => (typeof text === 'string' ? out.includes(text) : text.test(out)) || undefined, 15_000, `terminal output ${text}`),
  };
}

/** A terminal through a client session (as the WebSocket and IPC transports use), closed by closing the session. */
async function sessionTerminal(mark: string): Promise<void> {
  let out = '';
  let ended!: () => void;
  const end = new Promise<void>((r) => (ended = r));
  const session = openSession(t.core.router, t.core.hub, (m: ServerMessage) => {
    if (m.t === 'chunk') out += m.data as string;
    if (m.t === 'end') ended();
  });
  void session.onMessage({ t: 'stream', id: 1, name: 'containers.exec', args: { id: box, cols: 80, rows: 24 } });
  void session.onMessage({ t: 'input', id: 1, data: { data: `echo ${mark}-$((1+1))\r` } });
  await waitFor(() => out.includes(`${mark}-2`) || undefined, 15_000, 'session terminal output');
  session.close();
  await end;
}

/** A terminal over the server's WebSocket, ended by the socket dropping. */
async function socketTerminal(mark: string): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, { origin: server.origin });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let out = '';
  ws.on('message', (raw) => {
    const m = JSON.parse(raw.toString()) as ServerMessage;
    if (m.t === 'chunk') out += m.data as string;
  });
  ws.send(JSON.stringify({ t: 'stream', id: 1, name: 'containers.exec', args: { id: box, cols: 80, rows: 24 } }));
  ws.send(JSON.stringify({ t: 'input', id: 1, data: { data: `echo ${mark}-$((2+2))\r` } }));
  await waitFor(() => out.includes(`${mark}-4`) || undefined, 15_000, 'socket terminal output');
  ws.terminate();
}

/** Runs `n` jobs, `width` at a time. */
async function pool(n: number, width: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < n; i = next++) await job(i);
    }),
  );
}

describe('exec terminals leave nothing running', () => {
  it('works as a terminal: the pid mark never shows, typing, resize and exit work', async () => {
    const sh = terminal();
    sh.type('echo "sum=$((20+22))"\r');
    await sh.until('sum=42');
    expect(sh.s.input({ resize: { cols: 111, rows: 33 } })).toBeUndefined();
    await new Promise((r) => setTimeout(r, 200));
    sh.type('stty size\r');
    await sh.until(/33 111\s/);
    expect(sh.output()).not.toContain(PID_MARK);
    expect(sh.output()).not.toContain('berth-pid');
    sh.type('exit\r');
    expect(await sh.s.done).toBeUndefined();
    await noLeftovers();
  });

  it('200 terminals opened and ended by cancel, session close, a dropped WebSocket or exit: no shell left', async () => {
    const fd0 = fds();
    await pool(200, 8, async (i) => {
      const how = i % 4;
      if (how === 1) return sessionTerminal(`s${i}`);
      if (how === 2) return socketTerminal(`w${i}`);
      const sh = terminal();
      sh.type(`echo t${i}-$((3+3))\r`);
      await sh.until(`t${i}-6`);
      if (how === 0) sh.s.cancel();
      else sh.type('exit\r');
      expect(await sh.s.done).toBeUndefined();
    });
    await noLeftovers();
    await waitFor(() => fds() <= fd0 || undefined, 10_000, `fds back to ${fd0} (now ${fds()})`);
  });

  it('a foreground command goes with its shell, and a shell that ignores SIGHUP is killed after the grace time', async () => {
    const job = terminal();
    job.type('sleep 1234\r');
    await waitFor(() => leftovers().some((l) => l.includes('sleep 1234')) || undefined, 10_000, 'the foreground sleep');
    job.s.cancel();
    await job.s.done;
    const stubborn = terminal();
    stubborn.type("trap '' HUP; echo trapped-$((5+5))\r");
    await stubborn.until('trapped-10');
    stubborn.s.cancel();
    await stubborn.s.done;
    await noLeftovers();
  });

  it('a cancel in the same tick as the start, 500 times: every stream ends, no shell, no fd left', async () => {
    const fd0 = fds();
    await pool(500, 10, async () => {
      const s = t.core.router.openStream('containers.exec', { id: box, cols: 80, rows: 24 }, async () => {});
      s.cancel();
      expect(await s.done).toBeUndefined();
    });
    await noLeftovers();
    await waitFor(() => fds() <= fd0 || undefined, 10_000, `fds back to ${fd0} (now ${fds()})`);
  });

  it('a session closed 0-10 ms after the stream started, 500 times: every stream ends, no shell, no fd left', async () => {
    const fd0 = fds();
    let ended = 0;
    await pool(500, 10, async (i) => {
      let end!: () => void;
      const over = new Promise<void>((r) => (end = r));
      const session = openSession(t.core.router, t.core.hub, (m: ServerMessage) => void (m.t === 'end' && end()));
      void session.onMessage({ t: 'stream', id: 1, name: 'containers.exec', args: { id: box, cols: 80, rows: 24 } });
      await new Promise((r) => setTimeout(r, i % 11));
      session.close();
      await over;
      ended++;
    });
    expect(ended).toBe(500);
    await noLeftovers();
    await waitFor(() => fds() <= fd0 || undefined, 10_000, `fds back to ${fd0} (now ${fds()})`);
  });

  it('ending the terminal of a stopped container is quiet', async () => {
    const name = uniq('exec-stops');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    try {
      let out = '';
      const s = t.core.router.openStream('containers.exec', { id: name, cols: 80, rows: 24 }, async (c) => void (out += c as string));
      s.input({ data: 'echo up-$((6+6))\r' });
      await waitFor(() => out.includes('up-12') || undefined, 10_000, 'terminal output');
      docker.cli(['kill', name]);
      expect(await s.done).toBeUndefined();
    } finally {
      docker.cli(['rm', '-f', name]);
    }
  });
});
