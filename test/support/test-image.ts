/**
 * The tiny image every test runs: a busybox-static rootfs `docker import`ed (no registry is
 * reachable here). Applets are symlinks to /bin/busybox; CMD is /bin/sh.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, copyFileSync, symlinkSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrivateDockerd } from './dockerd';

export const TEST_IMAGE = 'berth-test/busybox:latest';
const BUSYBOX = '/bin/busybox';

export function buildTestImage(engine: PrivateDockerd): void {
  const list = spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' });
  if (list.status !== 0) throw new Error('busybox not found: install Debian\'s busybox-static (.ci/run does).');
  const root = mkdtempSync(join(tmpdir(), 'berth-rootfs-'));
  try {
    for (const d of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root', 'var/www']) mkdirSync(join(root, d), { recursive: true });
    chmodSync(join(root, 'tmp'), 0o1777);
    copyFileSync(BUSYBOX, join(root, 'bin/busybox'));
    chmodSync(join(root, 'bin/busybox'), 0o755);
    for (const applet of list.stdout.split('\n').filter(Boolean)) {
      if (applet !== 'busybox') symlinkSync('busybox', join(root, 'bin', applet));
    }
    const tar = spawnSync('tar', ['-C', root, '--numeric-owner', '--owner=0', '--group=0', '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
    engine.cli(['import', '--change', 'CMD ["/bin/sh"]', '--change', 'ENV PATH=/bin', '-', TEST_IMAGE], tar.stdout);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
