/** Electron's main entry (bundled to dist/main/electron.cjs): the real electron module into runShell. */
import * as electron from 'electron';
import { join } from 'node:path';
import { createCore } from '../core';
import { claimInstance } from '../instance-lock';
import { paths } from '../paths';
import { installProcessGuard } from '../process-guard';
import { activeEngine, engineReport } from '../services/contexts';
import { loadSettings, settingsReport } from '../settings';
import { HIDDEN_ARG, runShell } from './main';
import { linkIn } from './links';
import { hashOfPlace } from '../../shared/route';

// What nothing caught is logged, and the app keeps running (instead of Electron's error dialog and exit).
installProcessGuard();

// The packaged app carries the VM image (resources/vm); the VM daemon finds it through this.
if (electron.app.isPackaged) process.env.BERTH_VM_BUNDLED ??= join(process.resourcesPath, 'vm');

// macOS hands the link that launched the app to open-url, maybe before the settings below are
// read and the shell listens: kept here, it is opened as a link on the command line would be.
let launchLink: string | undefined;
const keepLink = (e: { preventDefault(): void }, url: string) => {
  e.preventDefault();
  launchLink = url;
};
electron.app.on('open-url', keepLink);

void (async () => {
  const loaded = await loadSettings(paths.settings());
  electron.app.removeListener('open-url', keepLink);
  const argv = launchLink ? [...process.argv, launchLink] : process.argv;
  for (const line of [...settingsReport(loaded), ...engineReport(loaded.settings, process.env)]) console.warn(`berth: ${line}`);
  runShell(electron, {
    // Called once the app is ready: safeStorage (the OS keychain) works only from then on.
    createCore: () => {
      const { safeStorage } = electron;
      const keychain = safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');
      return createCore({
        ...activeEngine(loaded.settings, process.env),
        startVm: loaded.settings.preferences.startVm,
        ...(keychain ? { secrets: { seal: (p: string) => safeStorage.encryptString(p).toString('base64'), open: (s: string) => safeStorage.decryptString(Buffer.from(s, 'base64')) } } : {}),
      });
    },
    rendererDir: join(__dirname, '../renderer'),
    preload: join(__dirname, 'preload.cjs'),
    iconDir: electron.app.isPackaged ? join(process.resourcesPath, 'icons') : join(__dirname, '../../build/icons'),
    // A berth:// link on the command line goes to the Berth already running, if there is one.
    claimDataFolder: (onShow) => claimInstance({ onShow, link: hashOfPlace(linkIn(argv) ?? '') }),
    argv,
    // Opened at login: only the tray, the VM booting behind it.
    hidden: process.argv.includes(HIDDEN_ARG) || electron.app.getLoginItemSettings().wasOpenedAtLogin,
  });
})();
