import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { paths } from '../../../paths';
import { kvmWorks } from './kvm.linux';

const dir = mkdtempSync(join(tmpdir(), 'berth-accel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(process.platform !== 'linux' || !existsSync('/dev/kvm'))('the KVM probe', () => {
  it('runs once per host boot and QEMU binary, and is kept in the data folder', () => {
    const env = { BERTH_HOME: join(dir, 'home') };
    mkdirSync(paths.vm(env), { recursive: true }); // where the record is kept
    // A stand-in QEMU that counts its runs and exits as a guest that ran would (3).
    const runs = join(dir, 'runs');
    const qemu = join(dir, 'qemu-system-x86_64');
    writeFileSync(qemu, `#!/bin/sh\necho run >> ${runs}\nexit 3\n`);
    chmodSync(qemu, 0o755);
    expect(kvmWorks(env, qemu)).toBe(true);
    expect(kvmWorks(env, qemu)).toBe(true);
    expect(readFileSync(runs, 'utf8')).toBe('run\n');
    expect(JSON.parse(readFileSync(paths.vmAccel(env), 'utf8'))).toMatchObject({ kvm: true, bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() });
    // Another QEMU (a new binary): probed again.
    writeFileSync(qemu, `#!/bin/sh\n# a later QEMU\necho run >> ${runs}\nexit 1\n`);
    expect(kvmWorks(env, qemu)).toBe(false);
    expect(readFileSync(runs, 'utf8')).toBe('run\nrun\n');
  });
});
