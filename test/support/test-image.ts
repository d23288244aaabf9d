/**
 * The tiny images the tests run, `docker import`ed from rootfs folders (no registry is reachable
 * here). TEST_IMAGE is busybox-static with its applets as symlinks to /bin/busybox; CMD is /bin/sh.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, copyFileSync, symlinkSync, mkdtempSync, rmSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
/** What the image builders need of an engine: its CLI, with stdin. */
export interface EngineCli {
  cli(args: string[], input?: Buffer): string;
}

export const TEST_IMAGE = 'berth-test/busybox:latest';
/**
 * Like a distroless image: no shell and no `ls`/`stat`, just one static binary (busybox, called
 * by its own name so no applet is on PATH) and a config file. CMD sleeps.
 */
export const NO_SHELL_IMAGE = 'berth-test/noshell:latest';
const BUSYBOX = '/bin/busybox';

export function buildTestImages(engine: EngineCli): void {
  buildBusybox(engine);
  const root = mkdtempSync(join(tmpdir(), 'berth-rootfs-'));
  try {
    mkdirSync(join(root, 'etc/app'), { recursive: true });
    mkdirSync(join(root, 'tmp'));
    chmodSync(join(root, 'tmp'), 0o1777);
    copyFileSync(BUSYBOX, join(root, 'busybox'));
    chmodSync(join(root, 'busybox'), 0o755);
    writeFileSync(join(root, 'etc/app/config.yaml'), 'listen: 8080\n');
    symlinkSync('etc/app', join(root, 'config'));
    importRootfs(engine, root, NO_SHELL_IMAGE, ['CMD ["/busybox", "sleep", "600"]']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function importRootfs(engine: EngineCli, root: string, tag: string, changes: string[]): void {
  const tar = spawnSync('tar', ['-C', root, '--numeric-owner', '--owner=0', '--group=0', '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  engine.cli(['import', ...changes.flatMap((c) => ['--change', c]), '-', tag], tar.stdout);
}

/** TEST_IMAGE alone (the VM tests load just this one). */
export function buildBusybox(engine: EngineCli): void {
  const list = spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' });
  if (list.status !== 0) throw new Error("busybox not found: install Debian's busybox-static (npm test does: node build/system-packages.mjs test).");
  const root = mkdtempSync(join(tmpdir(), 'berth-rootfs-'));
  try {
    for (const d of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root', 'var/www']) mkdirSync(join(root, d), { recursive: true });
    chmodSync(join(root, 'tmp'), 0o1777);
    copyFileSync(BUSYBOX, join(root, 'bin/busybox'));
    chmodSync(join(root, 'bin/busybox'), 0o755);
    for (const applet of list.stdout.split('\n').filter(Boolean)) {
      if (applet !== 'busybox') symlinkSync('busybox', join(root, 'bin', applet));
    }
    importRootfs(engine, root, TEST_IMAGE, ['CMD ["/bin/sh"]', 'ENV PATH=/bin']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
