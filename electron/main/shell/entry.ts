/** Electron's main entry (bundled to dist/main/electron.cjs): the real electron module into runShell. */
import * as electron from 'electron';
import { join } from 'node:path';
import { createCore } from '../core';
import { paths } from '../paths';
import { activeDockerHost } from '../services/contexts';
import { loadSettings } from '../services/settings';
import { runShell } from './main';

void (async () => {
  const { settings, warning } = await loadSettings(paths.settings());
  if (warning) console.warn(`berth: ${warning}`);
  const core = createCore({ dockerHost: activeDockerHost(settings, process.env) });
  runShell(electron, {
    core,
    rendererDir: join(__dirname, '../renderer'),
    preload: join(__dirname, 'preload.cjs'),
    iconDir: electron.app.isPackaged ? join(process.resourcesPath, 'icons') : join(__dirname, '../../build/icons'),
  });
})();
