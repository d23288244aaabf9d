/**
 * The preference that puts the VM's published ports on all of the host's addresses
 * (`preferences.portsOnAllAddresses` in settings.json; off: 127.0.0.1 only), as the port forwarder
 * reads it in the VM daemon: read at every sync, and watched, so a change moves the forwards at
 * once. The watch calls back at every write of settings.json (the theme, the auto-pause minutes
 * too): the forwarder reads the preference then and syncs only when it changed.
 */
import { mkdirSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { paths } from '../paths';
import { loadSettings } from '../settings';

/**
 * Calls `onChange` after each write of settings.json (fs.watch on the data folder: the file is
 * replaced by a rename on every write, so the file itself cannot be watched). The folder is made
 * if missing. Returns the disposer; where nothing can be watched, a disposer that does nothing.
 */
export function watchSettings(env: NodeJS.ProcessEnv, onChange: () => void): () => void {
  const file = paths.settings(env);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const w = watch(dirname(file), (_, name) => name === basename(file) && onChange());
    w.on('error', () => undefined);
    return () => w.close();
  } catch {
    return () => undefined; // no watch: what it would have told is read at the next use
  }
}

export function portPreference(env: NodeJS.ProcessEnv = process.env): { allAddresses: () => Promise<boolean>; watchPreference: (changed: () => void) => () => void } {
  const file = paths.settings(env);
  const allAddresses = async () => (await loadSettings(file)).settings.preferences.portsOnAllAddresses;
  return {
    allAddresses,
    watchPreference: (changed) => watchSettings(env, changed), // the forwarder reads it and syncs only on a change
  };
}
