/**
 * The VM backends and the one place that picks between them (Lima's driver registry): a backend
 * is a folder here plus one line in BACKENDS. BERTH_VM names one (`mock` for UI work and tests);
 * else the platform's own, the first in BACKENDS that runs there. There is no backend preference in
 * the settings yet: one would go between the two.
 */
import type { VmBackend } from '../backend';
import { MockBackend } from './mock/mock-backend';
import type { Accel } from './qemu/qemu-args';
import { QemuBackend } from './qemu/qemu-backend';

export type BackendKind = VmBackend['kind'];

interface BackendEntry {
  make: (env: NodeJS.ProcessEnv) => VmBackend;
  /** Where it is the default; a backend named by BERTH_VM runs anywhere it can. */
  defaultOn: readonly NodeJS.Platform[];
}

const BACKENDS: Record<BackendKind, BackendEntry> = {
  qemu: {
    make: (env) => new QemuBackend({ env, ...(env.BERTH_VM_ACCEL ? { accel: env.BERTH_VM_ACCEL as Accel } : {}), ...(env.BERTH_VM_BUNDLED ? { bundledAssets: env.BERTH_VM_BUNDLED } : {}) }),
    defaultOn: ['linux', 'darwin', 'win32'],
  },
  mock: { make: (env) => new MockBackend(env), defaultOn: [] },
};

const isKind = (k: string | undefined): k is BackendKind => !!k && Object.hasOwn(BACKENDS, k);

/** Which backend runs the VM: BERTH_VM when it names one, else the platform's (QEMU where none is the platform's own). */
export function pickBackend(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): BackendKind {
  if (isKind(env.BERTH_VM)) return env.BERTH_VM;
  return (Object.keys(BACKENDS) as BackendKind[]).find((k) => BACKENDS[k].defaultOn.includes(platform)) ?? 'qemu';
}

export function vmBackend(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): VmBackend {
  return BACKENDS[pickBackend(env, platform)].make(env);
}
