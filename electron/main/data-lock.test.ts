import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../test/support/temp';
import { withFileLock, writeFileAtomic } from './data-lock';
import { lockBreakFor } from './paths';

/** A pid that surely is not running: a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid;
const holder = (pid: number, since = Date.now()) => JSON.stringify({ pid, nonce: 'x', since });

describe('writeFileAtomic', () => {
  it('writes mode 0600 and leaves no temp file, also when the write fails', async () => {
    const dir = tempDir('atomic');
    const f = join(dir, 'sub', 'a.json');
    await writeFileAtomic(f, 'one');
    await writeFileAtomic(f, 'two');
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(statSync(f).mode & 0o777).toBe(0o600);
    mkdirSync(join(dir, 'sub', 'b.json')); // renaming a file over a folder fails
    await expect(writeFileAtomic(join(dir, 'sub', 'b.json'), 'x')).rejects.toThrow();
    expect(readdirSync(join(dir, 'sub')).sort()).toEqual(['a.json', 'b.json']);
  });
});

describe('withFileLock', () => {
  it('runs read-modify-writes one at a time in a process: 200 at once, none lost, nothing left', async () => {
    const dir = tempDir('lock');
    const lock = join(dir, 'berth.lock');
    const counter = join(dir, 'n');
    writeFileSync(counter, '0');
    await Promise.all(
      Array.from({ length: 200 }, () =>
        withFileLock(lock, async () => {
          const n = Number(readFileSync(counter, 'utf8'));
          await new Promise((r) => setImmediate(r));
          await writeFileAtomic(counter, String(n + 1));
        }),
      ),
    );
    expect(readFileSync(counter, 'utf8')).toBe('200');
    expect(readdirSync(dir)).toEqual(['n']);
  });

  it('releases the lock when the work throws, and passes the error on', async () => {
    const lock = join(tempDir('lock'), 'berth.lock');
    await expect(withFileLock(lock, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lock)).toBe(false);
    expect(await withFileLock(lock, () => 42)).toBe(42);
  });

  it.each([
    ['a holder that died (kill -9)', () => holder(deadPid())],
    ['a pid that is another process now, started after the lock was taken (reused)', () => holder(process.pid, Date.now() - 3_600_000)],
    ['a lock that names nobody', () => 'garbage'],
  ])('takes over the lock of %s', async (_what, content) => {
    const dir = tempDir('lock');
    const lock = join(dir, 'berth.lock');
    writeFileSync(lock, content());
    expect(await withFileLock(lock, () => readFileSync(lock, 'utf8'))).toContain(`"pid":${process.pid}`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over when a taker died mid-way, leaving its token behind', async () => {
    const dir = tempDir('lock');
    const lock = join(dir, 'berth.lock');
    writeFileSync(lock, holder(deadPid()));
    writeFileSync(lockBreakFor(lock), holder(deadPid()));
    expect(await withFileLock(lock, () => 'mine')).toBe('mine');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('waits for a live holder, goes on when it releases, and names it when it never does', async () => {
    const dir = tempDir('lock');
    const lock = join(dir, 'berth.lock');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const held = holder(other.pid!);
      writeFileSync(lock, held);
      await expect(withFileLock(lock, () => 'never', { waitMs: 300 })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining(`process ${other.pid}`),
        hint: expect.stringContaining(lock),
      });
      expect(readFileSync(lock, 'utf8')).toBe(held); // a live holder's lock is never taken
      const waiting = withFileLock(lock, () => 'got it', { waitMs: 10_000 });
      setTimeout(() => rmSync(lock), 50).unref(); // ...then the holder releases
      expect(await waiting).toBe('got it');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      other.kill('SIGKILL');
    }
  });
});

/** A process holding `lock` as a Berth writer would; on SIGCONT it finishes its read-modify-write of `counter` and releases. */
const HOLDER = `
const fs = require('fs');
const [lock, counter] = process.argv.slice(1);
fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, nonce: 'child', since: Date.now() }), { flag: 'wx' });
const n = Number(fs.readFileSync(counter, 'utf8'));
process.on('SIGCONT', () => { fs.writeFileSync(counter, String(n + 1)); fs.rmSync(lock); process.exit(0); });
process.stdout.write('holding\\n');
setInterval(() => {}, 1000);
`;

describe('a holder that is alive but stopped', () => {
  /** A folder with a counter at 0 and a child process holding its lock, stopped. */
  const startHolder = async () => {
    const dir = tempDir('lock');
    const lock = join(dir, 'berth.lock');
    const counter = join(dir, 'n');
    writeFileSync(counter, '0');
    const child = spawn(process.execPath, ['-e', HOLDER, lock, counter], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((r) => child.once('exit', r));
    await new Promise((r) => child.stdout.once('data', r));
    child.kill('SIGSTOP');
    return { dir, lock, counter, child, exited };
  };
  const increment = (lock: string, counter: string) => withFileLock(lock, async () => writeFileAtomic(counter, String(Number(readFileSync(counter, 'utf8')) + 1)), { waitMs: 60_000 });

  it('keeps its lock however old (SIGSTOP, clock 10 min on): the writer waits, goes on after SIGCONT, no update lost', async () => {
    const { dir, lock, counter, child, exited } = await startHolder();
    const realNow = Date.now.bind(Date);
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 600_000); // the lock looks 10 minutes old
    try {
      let done = false;
      const writer = increment(lock, counter).then(() => (done = true));
      await sleep(500);
      expect(done).toBe(false); // still waiting for the stopped holder
      expect(readFileSync(lock, 'utf8')).toContain(`"pid":${child.pid}`);
      child.kill('SIGCONT');
      await writer;
      await exited;
      expect(readFileSync(counter, 'utf8')).toBe('2');
      expect(readdirSync(dir)).toEqual(['n']);
    } finally {
      clock.mockRestore();
      child.kill('SIGKILL');
    }
  });

  it('is taken over once it is killed with -9', async () => {
    const { dir, lock, counter, child, exited } = await startHolder();
    let done = false;
    const writer = increment(lock, counter).then(() => (done = true));
    await sleep(200);
    expect(done).toBe(false);
    child.kill('SIGKILL');
    await exited;
    await writer;
    expect(readFileSync(counter, 'utf8')).toBe('1');
    expect(readdirSync(dir)).toEqual(['n']);
  });
});

describe('while another taker holds the break token', () => {
  it('waits with the usual pauses and gives up at the deadline instead of spinning', { timeout: 10_000 }, async () => {
    const dir = tempDir('lock');
    const lock = join(dir, 'berth.lock');
    writeFileSync(lock, holder(deadPid()));
    writeFileSync(lockBreakFor(lock), holder(process.pid)); // a live taker that never finishes
    let now = 0;
    const pauses: number[] = [];
    const fake = {
      now: () => now,
      sleep: async (ms: number) => {
        pauses.push(ms);
        now += ms;
        await new Promise((r) => setImmediate(r));
      },
    };
    await expect(withFileLock(lock, () => 'never', { waitMs: 2_000, clock: fake })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(pauses.length).toBeGreaterThan(5);
    expect(pauses.length).toBeLessThan(200); // about 2 s of pauses of up to 100 ms, not a spin
    expect(pauses.every((ms) => ms > 0)).toBe(true);
    expect(existsSync(lockBreakFor(lock))).toBe(true); // a live taker's token is left alone
  });
});
