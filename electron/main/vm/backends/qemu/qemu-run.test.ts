import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { shellQuote } from '../../../../shared/run-spec';
import { QemuRun, savingWords, type RunContext } from './qemu-run';
import { consoleSays, SilentBoot } from './readiness';
import { readRecord } from './saved-state';

const dir = mkdtempSync(join(tmpdir(), 'berth-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the running VM, host side', () => {
  it('quotes a path as one word for the guest shell, whatever it holds', () => {
    for (const path of ['/home/me', "/home/it's mine", '/tmp/a b/$HOME/`x`']) {
      expect(spawnSync('sh', ['-c', `printf %s ${shellQuote(path)}`], { encoding: 'utf8' }).stdout).toBe(path);
    }
  });

  it('says why QEMU would not save in words a user can act on', () => {
    expect(savingWords("Migration is disabled when VirtFS export path '/home/me' is mounted in the guest using mount_tag 'home'")).toBe(
      'QEMU cannot save a VM while a shared folder is mounted in it, and something in the VM, such as a container with a bind mount from /home/me, still uses it',
    );
    expect(savingWords('the shared folder /home/me is in use in the VM')).toBe('the shared folder /home/me is in use in the VM');
  });

  it('waits for a console line as QEMU writes it (CRLF endings), and not for a line that only starts alike', async () => {
    const file = join(dir, 'serial.log');
    writeFileSync(file, 'berth-init: [2.41] started\r\n');
    const w = consoleSays(file, 'sshd up');
    let said = false;
    void w.said.then(() => (said = true));
    appendFileSync(file, 'berth-init: [3.10] sshd upset\r\n');
    await new Promise((r) => setTimeout(r, 100));
    expect(said).toBe(false);
    appendFileSync(file, 'berth-init: [3.50] sshd up\r\n');
    await w.said;
    w.cancel();
  });

  /** A QEMU that is never reached (its SSH port is 1) and ends when `exit` is called; its run's context, with `over` changed. */
  function fakeRun(over: Partial<RunContext> = {}) {
    const home = mkdtempSync(join(dir, 'home-'));
    const env = { BERTH_HOME: home };
    mkdirSync(join(home, 'vm'), { recursive: true });
    let exit!: (e: { code: number | null; signal: NodeJS.Signals | null }) => void;
    const q = {
      proc: Object.assign(new EventEmitter(), { kill: () => true }) as unknown as ChildProcess,
      sshPort: 1,
      stderr: () => '',
      exited: new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => (exit = r)),
    };
    const c: RunContext = {
      env,
      serialLog: join(home, 'serial.log'),
      dataDisk: join(home, 'data.qcow2'),
      home: '',
      needs: {} as RunContext['needs'],
      keys: { privateKey: '', hostKeyFingerprint: 'SHA256:x' },
      step: () => undefined,
      at: (f) => f,
      timeoutMs: 50,
      silentMs: 60_000,
      hint: '',
      tail: () => '',
      ...over,
    };
    return { run: new QemuRun(c, q, () => 'QEMU exited'), env, exit };
  }

  it('a cold boot whose console stays silent is stuck at its start; one whose console spoke is not', async () => {
    const silent = fakeRun({ timeoutMs: 5000, silentMs: 50 });
    const stuck = await silent.run.coldBoot().catch((e: Error) => e);
    expect(stuck).toBeInstanceOf(SilentBoot);
    expect(stuck).toMatchObject({ code: 'COMMAND_FAILED', message: 'The VM was stuck at the start of its boot: its console said nothing in 0 s.' });
    const spoke = fakeRun({ timeoutMs: 400, silentMs: 50, tail: () => 'berth-init: [4.85] formatting the data disk' });
    const err = await spoke.run.coldBoot().catch((e: Error) => e);
    expect(err).not.toBeInstanceOf(SilentBoot);
    expect(err).toMatchObject({ message: expect.stringMatching(/^The VM did not finish booting \(booting linux and connecting over ssh\) in 0 s\. The last try: /) });
    // The boot again after a silence is not cut short by another: it has the whole boot time.
    const again = fakeRun({ timeoutMs: 400, silentMs: 50 });
    expect(await again.run.coldBoot(false).catch((e: Error) => e)).toMatchObject({ message: expect.stringMatching(/^The VM did not finish booting /) });
    for (const r of [silent, spoke, again]) r.exit({ code: 0, signal: null });
  });

  it('a stop long after the boot still gets its time to save: the reason it could not is the real one', async () => {
    const { run, env, exit } = fakeRun();
    await new Promise((r) => setTimeout(r, 100)); // the boot's time is up: the VM has run for longer
    setTimeout(() => exit({ code: 0, signal: null }), 3000); // the shutdown that follows a failed save
    await run.stop();
    const reason = (readRecord(env) as { reason?: string } | undefined)?.reason ?? '';
    expect(reason).not.toMatch(/took too long/);
    expect(reason).toMatch(/Cannot reach root@127\.0\.0\.1:1 over SSH/);
  }, 20_000);
});
