/**
 * A current Docker engine beside the shared one (Debian 12's 20.10, API 1.41): Debian 13's dockerd 26
 * (API 1.45), the engine the Berth VM runs, from the folder npm test's system packages step fills. It
 * runs in a network namespace of its own, starts its own containerd (the folder's, first on PATH),
 * keeps its data, exec root and socket in a temp dir, and has the busybox test image. For the
 * behaviour that changed between engine versions.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { PrivateDockerd } from './dockerd';
import { buildBusybox } from './test-image';

export const DOCKER_CURRENT = process.env.BERTH_DOCKER_CURRENT ?? '/opt/berth/docker-26';

/** A stopped current engine in a new temp dir; throws, naming the installer, when it is not installed. */
export function currentDockerd(): PrivateDockerd {
  const versions = join(DOCKER_CURRENT, 'versions.txt'); // written last by the installer
  if (!existsSync(versions) || !existsSync(join(DOCKER_CURRENT, 'usr/sbin/dockerd'))) {
    throw new Error(`No current Docker engine in ${DOCKER_CURRENT}: npm test (as root) runs node build/system-packages.mjs test to unpack Debian 13's docker.io 26 there.`);
  }
  if (process.getuid?.() !== 0) throw new Error('the private dockerd needs root');
  return new PrivateDockerd(mkdtempSync('/tmp/berth-e26-'), { path: [join(DOCKER_CURRENT, 'usr/sbin'), join(DOCKER_CURRENT, 'usr/bin')], ownNetns: true });
}

/** The Debian package versions in the folder (docker.io, containerd, runc, ...). */
export function currentVersions(): Record<string, string> {
  const lines = readFileSync(join(DOCKER_CURRENT, 'versions.txt'), 'utf8').split('\n').filter(Boolean);
  return Object.fromEntries(lines.map((l) => l.split(' ') as [string, string]));
}

/**
 * Ends the engine and removes its dir (mounts first). Running containers are killed first: at
 * shutdown Engine 26 gives each its own stop timeout (10 s) whatever --shutdown-timeout says.
 */
export async function endCurrent(engine: PrivateDockerd): Promise<void> {
  const ps = engine.try(['ps', '-q']);
  const running = ps.status === 0 ? ps.out.split('\n').filter(Boolean) : [];
  if (running.length) engine.try(['kill', ...running]);
  await engine.stop();
  engine.remove();
}

/**
 * For a test file: a current engine started with the test image before its tests; after them
 * (passed or failed) its processes end and its mounts and dir are gone.
 */
export function useCurrentEngine(): { readonly engine: PrivateDockerd } {
  let engine: PrivateDockerd | undefined;
  beforeAll(async () => {
    engine = currentDockerd();
    await engine.start(60_000);
    buildBusybox(engine);
  }, 90_000);
  afterAll(async () => {
    if (engine) await endCurrent(engine);
  });
  return {
    get engine() {
      if (!engine) throw new Error('the current engine is used outside a test');
      return engine;
    },
  };
}
