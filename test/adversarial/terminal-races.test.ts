/**
 * A cancel, or the client's session closing, while a stream is still starting is never lost:
 * host shells (node-pty) and stats streams end, leaving no process and no fd. (Exec terminals:
 * exec-leaks.test.ts; log follows and uploads over the WebSocket: stream-races.test.ts.)
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession } from '../../electron/main/api/session';
import type { ServerMessage } from '../../electron/shared/wire';
import { connectedCore, engine, uniq, waitFor } from '../support/engine';
import { procStat } from '../support/proc';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();
const box = uniq('shell-races');

const userShell = process.env.SHELL;
beforeAll(() => {
  docker.cli(['run', '-d', '--name', box, TEST_IMAGE, 'sleep', '3600']);
  // A shell without rc files: a user's .bashrc killed halfway 1,000 times can leave its own locks behind (pyenv's does).
  process.env.SHELL = '/bin/sh';
});
afterAll(() => {
  if (userShell === undefined) delete process.env.SHELL;
  else process.env.SHELL = userShell;
  docker.cli(['rm', '-f', box]);
});

const fds = () => readdirSync('/proc/self/fd').length;
/** This process's children (the host shells node-pty forks). */
function children(): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    if (procStat(Number(p))?.fields[1] === String(process.pid)) out.push(Number(p));
  }
  return out;
}

async function pool(n: number, width: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < n; i = next++) await job(i);
    }),
  );
}

/** `stream` then `cancel` in the same tick, n times: every stream ends. */
async function cancelAtOnce(name: string, args: unknown, n: number): Promise<void> {
  await pool(n, 10, async () => {
    const s = t.core.router.openStream(name, args, async () => {});
    s.cancel();
    expect(await s.done).toBeUndefined();
  });
}

/** The client's session closed 0-10 ms after `stream`, n times: every stream ends. */
async function closeSoon(name: string, args: unknown, n: number): Promise<void> {
  let ended = 0;
  await pool(n, 10, async (i) => {
    let end!: () => void;
    const over = new Promise<void>((r) => (end = r));
    const session = openSession(t.core.router, t.core.hub, (m: ServerMessage) => void (m.t === 'end' && end()));
    void session.onMessage({ t: 'stream', id: 1, name, args });
    await new Promise((r) => setTimeout(r, i % 11));
    session.close();
    await over;
    ended++;
  });
  expect(ended).toBe(n);
}

const settled = async (fd0: number, kids0: number) => {
  await waitFor(() => children().length <= kids0 || undefined, 15_000, `no host shell left (children: ${children().join(' ')})`);
  await waitFor(() => fds() <= fd0 || undefined, 10_000, `fds back to ${fd0} (now ${fds()})`);
};

describe('streams cancelled while starting', () => {
  for (const [what, run] of [
    ['a cancel in the same tick', cancelAtOnce],
    ['a session closed 0-10 ms after', closeSoon],
  ] as const) {
    it(`host shells: ${what}, 500 times`, async () => {
      const fd0 = fds();
      const kids0 = children().length;
      await run('host.shell', { cols: 80, rows: 24 }, 500);
      await settled(fd0, kids0);
    });

    it(`stats: ${what}, 100 times`, async () => {
      const fd0 = fds();
      await run('containers.stats', { id: box }, 100);
      await settled(fd0, children().length);
    });
  }

  it('a host shell still works after all that, and ends with exit', async () => {
    let out = '';
    const s = t.core.router.openStream('host.shell', { cols: 80, rows: 24 }, async (c) => void (out += c as string));
    s.input({ data: 'echo "host-$((30+12))"\r' });
    await waitFor(() => out.includes('host-42') || undefined, 15_000, 'host shell output');
    s.input({ data: 'exit\r' });
    expect(await s.done).toBeUndefined();
  });
});
