/** Every file Berth keeps on disk is named here. BERTH_HOME moves them all (tests, portable installs). */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.BERTH_HOME || join(homedir(), '.berth');
}

export const paths = {
  settings: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'settings.json'),
  /** Registry logins, mode 0600. */
  registries: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'registries.json'),
  /** Sockets Berth listens on (local ends of SSH tunnels), mode 0700. */
  run: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'run'),
  /** The VM's own files: data disk, SSH keys, seed folder, serial log (mode 0700). */
  vm: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'vm'),
};

/** Where `npm run vm:build` writes VM images (<hash>/ and a `current` link); BERTH_VM_CACHE moves it. */
export function vmAssetsCache(env: NodeJS.ProcessEnv = process.env): string {
  return env.BERTH_VM_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'berth', 'vm-assets');
}
