/**
 * "Start Berth at login": Electron's setLoginItemSettings on macOS and Windows; on Linux, where
 * Electron has none, an XDG autostart entry (paths.ts autostartEntry) that starts Berth hidden in
 * the tray (the VM boots behind it when it is the engine in use).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { autostartEntry } from '../paths';

export interface LoginItemHost {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** The command that starts this app (the Electron binary, and the app's path when unpackaged). */
  command: string[];
  setLoginItemSettings(s: { openAtLogin: boolean; args: string[] }): void;
}

/** The command line as a desktop entry's Exec wants it: each argument quoted. */
const execLine = (argv: string[]) => argv.map((a) => `"${a.replace(/(["`$\\])/g, '\\$1')}"`).join(' ');

export function applyLoginItem(host: LoginItemHost, openAtLogin: boolean, hiddenArg: string): void {
  if (host.platform !== 'linux') return host.setLoginItemSettings({ openAtLogin, args: [hiddenArg] });
  const file = autostartEntry(host.env);
  if (!openAtLogin) return rmSync(file, { force: true });
  mkdirSync(dirname(file), { recursive: true });
  const entry = [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Berth',
    'Comment=Containers, images, volumes and the Berth VM',
    `Exec=${execLine([...host.command, hiddenArg])}`,
    'X-GNOME-Autostart-enabled=true',
    '',
  ];
  writeFileSync(file, entry.join('\n'), { mode: 0o644 });
}
