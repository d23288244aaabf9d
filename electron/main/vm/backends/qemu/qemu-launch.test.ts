import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { holderOf } from './host.linux';
import { diskInUse, findQemu } from './qemu-launch';

const dir = mkdtempSync(join(tmpdir(), 'berth-launch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('QEMU faults in words', () => {
  it('QEMU missing names what is not on PATH and how to install it', () => {
    expect(() => findQemu({ PATH: join(dir, 'nothing') }, 'x64')).toThrow(
      expect.objectContaining({
        code: 'UNAVAILABLE',
        message: 'QEMU is not installed here: qemu-system-x86_64 and qemu-img are not on PATH.',
        hint: expect.stringContaining('apt-get install qemu-system-x86 qemu-utils'),
      }),
    );
    writeFileSync(join(dir, 'qemu-img'), '#!/bin/sh\n');
    chmodSync(join(dir, 'qemu-img'), 0o755);
    expect(() => findQemu({ PATH: dir }, 'x64')).toThrow('QEMU is not installed here: qemu-system-x86_64 is not on PATH.');
    expect(() => findQemu({ PATH: dir }, 'arm64')).toThrow('qemu-system-aarch64 is not on PATH');
  });

  it('a disk held open by another process names that process', async () => {
    const disk = join(dir, 'data.qcow2');
    writeFileSync(disk, '');
    const holder = spawn('sh', ['-c', `exec 3<"${disk}"; echo open; exec sleep 30`], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      await new Promise((resolve) => holder.stdout.once('data', resolve));
      // "open" comes before the shell has become sleep: wait for the exec, then ask.
      for (let i = 0; i < 200 && readFileSync(`/proc/${holder.pid}/comm`, 'utf8').trim() !== 'sleep'; i++) await new Promise((r) => setTimeout(r, 10));
      expect(holderOf(disk)).toEqual({ pid: holder.pid, name: 'sleep' });
      expect(diskInUse(disk)).toMatchObject({
        code: 'IN_USE',
        message: `The VM's data disk ${disk} is in use by another program (sleep, process ${holder.pid}), so Berth did not start a second VM on it.`,
        hint: `Stop that VM first (if it is left over, end it with \`kill ${holder.pid}\`), then start again.`,
      });
    } finally {
      holder.kill('SIGKILL');
    }
    expect(holderOf(join(dir, 'nobody-has-this'))).toBeUndefined();
  });
});
