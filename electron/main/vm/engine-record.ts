/**
 * Which Docker engine last used the data disk (paths.vmEngine, beside it): written as QEMU starts
 * with a disk, so that a later start with an image whose engine is older (major.minor) is refused
 * in words before anything touches the disk: a newer dockerd may have migrated what is on it, in a
 * way an older one cannot read. A newer engine, or the same, is always fine.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { BerthError } from '../../shared/errors';
import { paths, tempFor } from '../paths';
import type { VmManifest } from './assets';

export interface EngineRecord {
  /** The docker.io package version in the image ("26.1.5+dfsg1-9+deb13u1+b1"). */
  engine: string;
  /** The image's input hash. */
  image: string;
  at: string;
}

/** "1:26.1.5+dfsg1-9" -> [26, 1]. */
export function majorMinor(version: string): [number, number] | undefined {
  const m = /^(?:\d+:)?(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export const engineOf = (m: VmManifest) => m.packages?.['docker.io'];

export function readEngineRecord(env: NodeJS.ProcessEnv): EngineRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(paths.vmEngine(env), 'utf8')) as Partial<EngineRecord>;
    return typeof r.engine === 'string' && majorMinor(r.engine) ? (r as EngineRecord) : undefined;
  } catch {
    return undefined; // none yet, or unreadable: nothing to hold a start back with
  }
}

/** Refuses (CONFLICT, in words) an image whose engine is older than the one that last used the disk. */
export function checkEngine(env: NodeJS.ProcessEnv, manifest: VmManifest, dataDisk: string): void {
  const record = readEngineRecord(env);
  const theirs = record && majorMinor(record.engine);
  const ours = engineOf(manifest) && majorMinor(engineOf(manifest)!);
  if (!theirs || !ours) return;
  if (ours[0] > theirs[0] || (ours[0] === theirs[0] && ours[1] >= theirs[1])) return;
  const [o, t] = [ours.join('.'), theirs.join('.')];
  throw new BerthError(
    'CONFLICT',
    `This VM image has Docker Engine ${o}, but the data disk was last used by Engine ${t}. An older engine may not read what a newer one wrote, so Berth did not start the VM and left the disk as it is.`,
    {
      hint: `Start it with an image that has Engine ${t} or newer (\`npm run vm:build\`, or set BERTH_VM_ASSETS to one). To begin again with an empty disk instead, move ${dataDisk} and ${paths.vmEngine(env)} aside.`,
    },
  );
}

/** Records the image's engine as the disk's; returns an undo for a start that never reached the disk. */
export function recordEngine(env: NodeJS.ProcessEnv, manifest: VmManifest): () => void {
  const file = paths.vmEngine(env);
  let before: string | undefined;
  try {
    before = readFileSync(file, 'utf8');
  } catch {
    before = undefined;
  }
  const write = (text: string) => {
    const tmp = tempFor(file);
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, file);
  };
  const engine = engineOf(manifest);
  if (!engine) return () => undefined;
  write(JSON.stringify({ engine, image: manifest.inputs, at: new Date().toISOString() } satisfies EngineRecord) + '\n');
  return () => (before === undefined ? rmSync(file, { force: true }) : write(before));
}
