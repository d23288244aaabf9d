/** Electron's main entry (bundled to dist/main/electron.cjs): the real electron module into runShell. */
import * as electron from 'electron';
import { join } from 'node:path';
import { createCore } from '../core';
import { paths } from '../paths';
import { activeDockerHost } from '../services/contexts';
import { loadSettings } from '../services/settings';
import { runShell } from './main';

// The packaged app carries the VM image (resources/vm); the VM daemon finds it through this.
if (electron.app.isPackaged) process.env.BERTH_VM_BUNDLED ??= join(process.resourcesPath, 'vm');

void (async () => {
  const { settings, warning } = await loadSettings(paths.settings());
  if (warning) console.warn(`berth: ${warning}`);
  runShell(electron, {
    // Called once the app is ready: safeStorage (the OS keychain) works only from then on.
    createCore: () => {
      const { safeStorage } = electron;
      const keychain = safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');
      return createCore({
        dockerHost: activeDockerHost(settings, process.env),
        ...(keychain ? { secrets: { seal: (p: string) => safeStorage.encryptString(p).toString('base64'), open: (s: string) => safeStorage.decryptString(Buffer.from(s, 'base64')) } } : {}),
      });
    },
    rendererDir: join(__dirname, '../renderer'),
    preload: join(__dirname, 'preload.cjs'),
    iconDir: electron.app.isPackaged ? join(process.resourcesPath, 'icons') : join(__dirname, '../../build/icons'),
  });
})();
