import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../test/support/temp';
import { claimInstance, type InstanceClaim } from './instance-lock';
import { paths } from './paths';

const home = () => ({ BERTH_HOME: tempDir('instance') });
const first = async (c: Promise<InstanceClaim>) => {
  const claim = await c;
  if (!claim.first) throw new Error('expected to be the first');
  return claim;
};

describe('one Berth per data folder', () => {
  it('the first listens on a 0600 socket; a second is handed its dashboard; after a release a new one is first', async () => {
    const env = home();
    const onShow = vi.fn(() => ({ url: 'http://127.0.0.1:1234/?token=t' }));
    const one = await first(claimInstance({ env, onShow }));
    expect(statSync(paths.instance(env)).mode & 0o777).toBe(0o600);
    expect(await claimInstance({ env, onShow: () => ({}) })).toEqual({ first: false, reply: { pid: process.pid, url: 'http://127.0.0.1:1234/?token=t' } });
    expect(onShow).toHaveBeenCalledTimes(1);
    await one.release();
    expect(existsSync(paths.instance(env))).toBe(false);
    const again = await first(claimInstance({ env, onShow: () => ({ window: true }) }));
    expect(await claimInstance({ env, onShow })).toMatchObject({ first: false, reply: { window: true } });
    await again.release();
    expect(readdirSync(env.BERTH_HOME).sort()).toEqual(['run']); // no lock left
  });

  it('a second one hands over the place it was asked to open (a hash), and nothing that is not one', async () => {
    const env = home();
    const links: (string | undefined)[] = [];
    const one = await first(claimInstance({ env, onShow: (link) => (links.push(link), { url: `http://127.0.0.1:1/?token=t${link ?? ''}` }) }));
    expect(await claimInstance({ env, onShow: () => ({}), link: '#/containers/web/stats' })).toMatchObject({ reply: { url: 'http://127.0.0.1:1/?token=t#/containers/web/stats' } });
    await claimInstance({ env, onShow: () => ({}), link: 'javascript:alert(1)' });
    await claimInstance({ env, onShow: () => ({}), link: '#/a"<b>' });
    await claimInstance({ env, onShow: () => ({}) });
    expect(links).toEqual(['#/containers/web/stats', undefined, undefined, undefined]);
    await one.release();
  });

  it('of ten starting at once, one is first and nine hand over', async () => {
    const env = home();
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => claimInstance({ env, onShow: () => ({ url: `u${i}` }) })));
    const firsts = claims.filter((c) => c.first);
    expect(firsts).toHaveLength(1);
    expect(new Set(claims.flatMap((c) => (c.first ? [] : [c.reply.url]))).size).toBe(1);
    await Promise.all(firsts.map((c) => c.first && c.release()));
  });

  it('takes over the socket of a Berth that was killed with -9, and a file that is no socket', async () => {
    const env = home();
    mkdirSync(paths.run(env), { recursive: true });
    const dead = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(paths.instance(env))}, () => console.log('up'))`]);
    await new Promise((r) => dead.stdout.once('data', r));
    dead.kill('SIGKILL');
    await new Promise((r) => dead.once('exit', r));
    expect(existsSync(paths.instance(env))).toBe(true); // left behind
    await (await first(claimInstance({ env, onShow: () => ({}) }))).release();
    writeFileSync(paths.instance(env), 'not a socket');
    await (await first(claimInstance({ env, onShow: () => ({}) }))).release();
  });

  it('says in words when the first Berth does not answer', async () => {
    const env = home();
    const one = await first(claimInstance({ env, onShow: () => new Promise(() => {}) }));
    await expect(claimInstance({ env, onShow: () => ({}), answerMs: 200 })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('did not answer'),
      hint: expect.stringContaining('BERTH_HOME'),
    });
    await one.release();
  });

  it('ignores a client that sends garbage or nothing, and still answers the next', async () => {
    const env = home();
    const one = await first(claimInstance({ env, onShow: () => ({ url: 'u' }) }));
    for (const junk of ['not json\n', '{"op":"quit"}\n', '\u0000'.repeat(1000), '']) {
      const c = connect(paths.instance(env));
      await new Promise((r) => c.once('connect', r));
      c.end(junk);
      await new Promise((r) => c.once('close', r));
    }
    expect(await claimInstance({ env, onShow: () => ({}) })).toMatchObject({ first: false, reply: { url: 'u' } });
    await one.release();
  });

  describe('a first Berth that is shutting down (drops the connection at once)', () => {
    /** A fake first Berth on the socket: accepts and destroys each connection; `closeToo` also stops listening, as a quitting Berth does. */
    const dropping = async (env: NodeJS.ProcessEnv, closeToo: boolean) => {
      mkdirSync(paths.run(env), { recursive: true });
      const server: Server = createServer((c) => {
        c.destroy();
        if (closeToo) server.close();
      });
      await new Promise<void>((r) => server.listen(paths.instance(env), r));
      return server;
    };

    it('says in words that it did not answer, and does not hang', { timeout: 5_000 }, async () => {
      const env = home();
      const server = await dropping(env, false);
      try {
        await expect(claimInstance({ env, onShow: () => ({}), answerMs: 60_000 })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('did not answer') });
      } finally {
        server.close();
      }
    });

    it('takes over once it is gone', { timeout: 5_000 }, async () => {
      const env = home();
      const server = await dropping(env, true);
      try {
        const claim = await first(claimInstance({ env, onShow: () => ({}), answerMs: 60_000 }));
        await claim.release();
      } finally {
        server.close();
      }
    });
  });
});
