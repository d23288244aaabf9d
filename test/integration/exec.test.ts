import { readdirSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FLOW_HIGH } from '../../electron/main/terminal/flow';
import { connectedCore, engine, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();

function shell(id: string, size = { cols: 80, rows: 24 }, choice: { command?: string[]; user?: string; workdir?: string } = {}) {
  let out = '';
  const s = t.core.router.openStream('containers.exec', { id, ...size, ...choice }, async (chunk) => void (out += chunk as string));
  return {
    s,
    output: () => out,
    clear: () => void (out = ''),
    type: (data: string) => expect(s.input({ data })).toBeUndefined(),
    until: (text: string | RegExp, ms = 10_000) => waitFor(() => (typeof text === 'string' ? out.includes(text) : text.test(out)) || undefined, ms, `terminal output ${text}`),
  };
}

describe('exec terminal', () => {
  it('opens sh when there is no bash, runs commands, and follows resizes (stty size)', async () => {
    const name = uniq('exec');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    const sh = shell(name, { cols: 100, rows: 40 });
    sh.type('echo "shell=$0 sum=$((20+22))"\r');
    await sh.until('shell=sh sum=42');
    sh.type('stty size\r');
    await sh.until(/40 100\s/);
    expect(sh.s.input({ resize: { cols: 132, rows: 50 } })).toBeUndefined();
    await new Promise((r) => setTimeout(r, 200));
    sh.type('stty size\r');
    await sh.until(/50 132\s/);
    sh.type('exit\r');
    expect(await sh.s.done).toBeUndefined(); // the shell ended: the stream ends
  });

  it('several terminals at once stay separate', async () => {
    const a = uniq('exec-a');
    const b = uniq('exec-b');
    for (const n of [a, b]) docker.cli(['run', '-d', '--name', n, TEST_IMAGE, 'sleep', '600']);
    const ta = shell(a);
    const tb = shell(b);
    ta.type('hostname\r');
    tb.type('hostname\r');
    const idA = docker.cli(['inspect', '-f', '{{.Config.Hostname}}', a]);
    const idB = docker.cli(['inspect', '-f', '{{.Config.Hostname}}', b]);
    await ta.until(idA);
    await tb.until(idB);
    expect(ta.output()).not.toContain(idB);
    ta.s.cancel();
    tb.s.cancel();
    await Promise.all([ta.s.done, tb.s.done]);
  });

  it('pauses output the client has not acknowledged, and resumes on ack', async () => {
    const name = uniq('exec-flood');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    const sh = shell(name);
    sh.type('seq 1 200000; echo FLOOD-$((1+1))\r'); // ~1.3 MB of output; the marker reads FLOOD-2 only once run
    await sh.until(/\d{4}\r\n/);
    await new Promise((r) => setTimeout(r, 1000));
    const held = sh.output().length;
    expect(held).toBeGreaterThan(FLOW_HIGH);
    expect(held).toBeLessThan(FLOW_HIGH + 200_000); // paused: not the whole 1.3 MB
    expect(sh.output()).not.toContain('FLOOD-2');
    while (!sh.output().includes('FLOOD-2')) {
      expect(sh.s.input({ ack: sh.output().length })).toBeUndefined(); // "rendered everything so far"
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(sh.output()).toContain('200000');
    sh.s.cancel();
    await sh.s.done;
  });

  it('runs the command chosen, as the user chosen, in the folder chosen; the size is right from the first byte', async () => {
    const name = uniq('exec-choice');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    // A command that reads the size at once: no time for a resize after the start to come first.
    for (let i = 0; i < 5; i++) {
      const size = shell(name, { cols: 101 + i, rows: 41 }, { command: ['stty', 'size'] });
      expect(await size.s.done).toBeUndefined(); // it ended with the command
      expect(size.output().trim()).toBe(`41 ${101 + i}`);
    }
    const who = shell(name, { cols: 80, rows: 24 }, { command: ['sh', '-c', 'echo "uid=$(id -u) gid=$(id -g) pwd=$(pwd)"'], user: '1234:5678', workdir: '/tmp' });
    await who.s.done;
    expect(who.output()).toContain('uid=1234 gid=5678 pwd=/tmp');
    const root = shell(name, { cols: 80, rows: 24 }, { user: '0' });
    root.type('id -u; echo ROOT-$((40+2))\r');
    await root.until('ROOT-42');
    expect(root.output()).toMatch(/^0\r?$/m);
    root.s.cancel();
    await root.s.done;
    // A program the image has not: the terminal ends and says so; nothing is left running.
    const missing = shell(name, { cols: 80, rows: 24 }, { command: ['no-such-program'] });
    await missing.s.done;
    expect(missing.output()).toMatch(/no-such-program: not found/);
    expect(await t.core.router.openStream('containers.exec', { id: name, workdir: 'relative' }, async () => {}).done).toMatchObject({ code: 'INVALID_ARGUMENT' });
    await waitFor(() => (docker.cli(['top', name]).trim().split('\n').length === 2 ? true : undefined), 10_000, 'only the sleep left');
  });

  it('a terminal closed while its unacknowledged output floods ends, the flood is stopped, no connection is left', async () => {
    const name = uniq('exec-flood-close');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    const sockets = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:');
        } catch {
          return false;
        }
      }).length;
    const before = sockets();
    for (let i = 0; i < 3; i++) {
      const flood = shell(name, { cols: 80, rows: 24 }, { command: ['sh', '-c', 'yes flood-line'] });
      await flood.until('flood-line');
      await new Promise((r) => setTimeout(r, 300)); // paused: past the unacknowledged limit
      flood.s.cancel();
      expect(await flood.s.done).toBeUndefined(); // it ends (Engine 20.10 held it forever while its output went unread)
    }
    await waitFor(() => (docker.cli(['top', name]).trim().split('\n').length === 2 ? true : undefined), 10_000, 'only the sleep left');
    await waitFor(() => (sockets() <= before ? true : undefined), 10_000, `the sockets back to ${before}`);
  });

  it('refuses a stopped container clearly', async () => {
    const name = uniq('exec-stopped');
    docker.cli(['create', '--name', name, TEST_IMAGE]);
    expect(await t.core.router.openStream('containers.exec', { id: name }, async () => {}).done).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/not running/) });
  });
});
