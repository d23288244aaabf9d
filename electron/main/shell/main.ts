/**
 * The Electron shell, kept thin: a hardened window on the berth:// scheme (files of the renderer
 * build with a CSP), one IPC channel carrying the same messages as browser mode's WebSocket, and
 * the tray (with the renderer's running jobs). Electron is injected, so all of it is unit-tested with a fake (the binary cannot be
 * downloaded everywhere); shell/entry.ts passes the real module.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type * as Electron from 'electron';
import type { Preferences } from '../../shared/api-contract';
import type { ServerMessage } from '../../shared/wire';
import type { Router } from '../api/router';
import { openSession, parseClientMessage, type ClientSession } from '../api/session';
import type { EngineConnection } from '../engine/engine-connection';
import type { EventHub } from '../event-hub';
import type { HealthChange, VmInfo, VmState } from '../../shared/models';
import { healthAnnouncer } from '../../shared/health';
import { jobEndTitle, newlyEnded, type JobReport } from '../../shared/jobs';
import type { InstanceClaim } from '../instance-lock';
import { handOver, linkIn, pageUrlFor, webUrl } from './links';
import { applyLoginItem } from './login-item';
import { osNotifier } from './notices';
import { trayIcon, trayMenu, type TrayAction, type TrayItem, type TrayState } from './tray-menu';

/** What the shell itself acts on. */
type ShellPreferences = Pick<Preferences, 'startAtLogin' | 'quitStopsVm'>;

export type ElectronModule = Pick<typeof Electron, 'app' | 'BrowserWindow' | 'ipcMain' | 'Tray' | 'Menu' | 'nativeImage' | 'Notification' | 'protocol' | 'session' | 'shell'>;

export const SCHEME = 'berth';
export const APP_URL = `${SCHEME}://app/index.html`;
export const IPC_CHANNEL = 'berth:msg';
/** Only our own files run; inline styles are needed by React's style props and xterm. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export function windowOptions(preload: string): Electron.BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'Berth',
    webPreferences: { preload, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, spellcheck: false },
  };
}

/** berth://app/<path> -> a file of the renderer build, never outside it. */
export async function serveRenderer(rendererDir: string, url: string): Promise<Response> {
  const u = new URL(url);
  const rel = normalize(decodeURIComponent(u.pathname)).replace(/^[/\\]+/, '') || 'index.html';
  const file = join(rendererDir, rel);
  if (u.host !== 'app' || !(file === rendererDir || file.startsWith(rendererDir + sep))) return new Response('Not found', { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(body, { headers: { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff' } });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}

export interface ShellCore {
  hub: EventHub;
  router: Router;
  readonly engine: EngineConnection;
  dispose(): void;
}

export interface ShellOptions {
  /** Made once the app is ready (the keychain behind safeStorage needs that). */
  createCore: () => ShellCore;
  rendererDir: string;
  preload: string;
  /** Folder with tray-<running|busy|stopped|error>.png. */
  iconDir: string;
  /**
   * Takes the data-folder lock beneath Electron's single-instance lock (a Berth in browser mode may
   * hold the folder): instance-lock.ts's claimInstance. `onShow` brings this window to the front (at a place's hash, if given).
   */
  claimDataFolder?: (onShow: (link?: string) => { window: true }) => Promise<InstanceClaim>;
  /** The command line (default process.argv): a `berth://` link in it opens the window at that place. */
  argv?: readonly string[];
  /** Started at login: the tray only, no window until asked. */
  hidden?: boolean;
  /** For tests: the platform and environment the login item is made for. */
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
}

/** How this app is started again: the packaged binary, or Electron with the app's path. */
const loginCommand = (electron: ElectronModule) => (electron.app.isPackaged ? [process.execPath] : [process.execPath, electron.app.getAppPath()]);

/** The argument the login item starts Berth with: start in the tray, without a window. */
export const HIDDEN_ARG = '--hidden';

/** Electron's menu template from ours: actions become click handlers. */
export function toTemplate(items: TrayItem[], onAction: (a: TrayAction) => void): Electron.MenuItemConstructorOptions[] {
  return items.map(({ action, submenu, ...rest }) => ({
    ...rest,
    ...(submenu ? { submenu: toTemplate(submenu, onAction) } : {}),
    ...(action ? { click: () => onAction(action) } : {}),
  }));
}

export function runShell(electron: ElectronModule, opts: ShellOptions): { quit(): void } {
  const { app, BrowserWindow, ipcMain, Tray, Menu, nativeImage, Notification, protocol, session } = electron;
  let core: ShellCore | undefined;
  let win: Electron.BrowserWindow | undefined;
  let tray: Electron.Tray | undefined;
  let quitting = false;
  let releaseDataFolder: (() => Promise<void>) | undefined;
  const sessions = new Map<number, ClientSession>();

  protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return { quit: () => {} };
  }

  /** Brings the window to the front, at the page `url` (a place) when given. */
  const show = (url?: string) => {
    if (!win || win.isDestroyed()) win = createWindow(url);
    else if (url) void win.loadURL(url); // the same page with another hash: the renderer's router moves, no reload
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  // A container's health and a job's end, told by the OS too while the window is not in front.
  const notify = osNotifier(Notification, () => !!win && !win.isDestroyed() && win.isFocused(), show);
  const notifyHealth = healthAnnouncer((n) => notify({ title: n.title, body: n.message }));
  let jobs: JobReport[] = [];
  const onJobs = (next: JobReport[]) => {
    for (const j of newlyEnded(jobs, next)) notify({ title: jobEndTitle(j), body: j.error ?? 'Berth’s Jobs panel lists it.' });
    jobs = next;
    renderTray();
  };

  function createWindow(url = APP_URL): Electron.BrowserWindow {
    const w = new BrowserWindow(windowOptions(opts.preload));
    const wc = w.webContents;
    // No new windows: a link to a web page (a published port) opens in the system browser, nothing else opens.
    wc.setWindowOpenHandler(({ url }) => {
      const web = webUrl(url);
      if (web) electron.shell.openExternal(web).catch((e: Error) => console.warn(`berth: could not open ${web} in the browser: ${e.message}`));
      return { action: 'deny' };
    });
    wc.on('will-navigate', (e, url) => {
      if (!url.startsWith(`${SCHEME}://app/`)) e.preventDefault();
    });
    wc.on('will-attach-webview', (e) => e.preventDefault());
    wc.once('destroyed', () => {
      sessions.get(wc.id)?.close();
      sessions.delete(wc.id);
    });
    w.on('close', (e) => {
      if (!quitting) {
        e.preventDefault(); // closing the window keeps Berth in the tray
        w.hide();
      }
    });
    w.once('ready-to-show', () => w.show());
    void w.loadURL(url);
    return w;
  }

  // Only our window may talk to the API; anything else on the channel is ignored.
  ipcMain.on(IPC_CHANNEL, (event, raw: unknown) => {
    const wc = event.sender;
    if (!core || !win || win.isDestroyed() || wc.id !== win.webContents.id) return;
    let s = sessions.get(wc.id);
    if (!s) {
      s = openSession(core.router, core.hub, (m: ServerMessage) => {
        if (!wc.isDestroyed()) wc.send(IPC_CHANNEL, m);
      });
      sessions.set(wc.id, s);
    }
    const msg = parseClientMessage(raw);
    if (msg) void s.onMessage(msg);
  });

  const running: TrayState['running'] = [];
  let vm: VmState = 'stopped';
  let quitStopsVm = true;
  const onAction = (a: TrayAction) => {
    if (a.kind === 'open') show();
    else if (a.kind === 'quit') app.quit();
    else if (a.kind === 'cancel-job')
      core?.hub.emit('jobs:cancel', { id: a.id }); // the renderer running it cancels it
    else if (a.kind === 'stop-container') void core?.router.handle('containers.action', { ids: [a.id], action: 'stop' });
    else if (a.kind === 'vm' && core) {
      const r = core.router;
      void (a.action === 'start' ? r.handle('vm.start') : a.action === 'stop' ? r.handle('vm.stop') : r.handle('vm.stop').then(() => r.handle('vm.start')));
    }
  };
  const renderTray = () => {
    if (!tray || !core) return;
    const engine = core.engine.getStatus();
    const state: TrayState = { vm, engine: engine.state, ...(engine.notAnswering ? { notAnswering: true } : {}), running, quitStopsVm, jobs };
    // The icon follows the VM once it is not stopped, else the engine in use.
    tray.setImage(nativeImage.createFromPath(join(opts.iconDir, `tray-${trayIcon({ engine: state.engine, ...(vm === 'stopped' ? {} : { vm }) })}.png`)));
    tray.setToolTip(`Berth: ${trayMenu(state)[0]!.label}`);
    tray.setContextMenu(Menu.buildFromTemplate(toTemplate(trayMenu(state), onAction)));
  };
  const refreshRunning = async () => {
    if (!core) return;
    const reply = await core.router.handle('containers.list');
    running.length = 0;
    if (reply.ok) for (const c of reply.value as { id: string; name: string; state: string }[]) if (c.state === 'running') running.push({ id: c.id, name: c.name });
    renderTray();
  };
  const applyPrefs = (p: ShellPreferences) => {
    try {
      applyLoginItem(
        { platform: opts.platform ?? process.platform, env: opts.env ?? process.env, command: loginCommand(electron), setLoginItemSettings: (s) => app.setLoginItemSettings(s) },
        p.startAtLogin,
        HIDDEN_ARG,
      );
    } catch (e) {
      console.warn(`berth: could not change the login item: ${(e as Error).message}`);
    }
    quitStopsVm = p.quitStopsVm;
    renderTray();
  };

  // A link opened while Berth runs: a second start with it (Windows, Linux), or open-url (macOS, maybe before ready).
  let early: string | undefined;
  app.on('second-instance', (_e: unknown, argv?: string[]) => show(pageUrlFor(APP_URL, linkIn(argv))));
  app.on('open-url', (e: { preventDefault(): void }, link: string) => {
    e.preventDefault();
    if (core) show(pageUrlFor(APP_URL, link));
    else early = link;
  });
  app.on('activate', () => show());
  app.on('window-all-closed', () => {}); // stay in the tray
  let vmStoppedForQuit = false;
  app.on('before-quit', (e) => {
    if (core && quitStopsVm && vm !== 'stopped' && !vmStoppedForQuit) {
      // Stop the VM cleanly first (the setting), then quit for real.
      e.preventDefault();
      vmStoppedForQuit = true;
      void core.router.handle('vm.stop').finally(() => app.quit());
      return;
    }
    quitting = true;
    core?.dispose();
    void releaseDataFolder?.();
  });

  void app.whenReady().then(async () => {
    let claim: InstanceClaim | undefined;
    try {
      claim = await opts.claimDataFolder?.((link) => (core && show(pageUrlFor(APP_URL, link)), { window: true }));
    } catch (e) {
      console.error(`berth: ${(e as Error).message}${(e as { hint?: string }).hint ? ` ${(e as { hint?: string }).hint}` : ''}`);
      return app.quit();
    }
    if (claim && !claim.first) return handOver(electron, claim.reply);
    releaseDataFolder = claim ? () => claim.release() : undefined;
    core = opts.createCore();
    core.hub.on((name, payload) => {
      if (name === 'containers:changed' || name === 'engine:status' || name === 'contexts:changed') void refreshRunning();
      if (name === 'preferences:changed') applyPrefs(payload as ShellPreferences);
      if (name === 'containers:health') notifyHealth(payload as HealthChange);
      if (name === 'jobs:changed') onJobs((payload as { jobs: JobReport[] }).jobs);
      if (name === 'vm:status') {
        vm = (payload as VmInfo).state;
        renderTray();
      }
    });
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    protocol.handle(SCHEME, (req) => serveRenderer(opts.rendererDir, req.url));
    tray = new Tray(nativeImage.createFromPath(join(opts.iconDir, 'tray-busy.png')));
    tray.on('click', () => show());
    renderTray();
    void refreshRunning();
    void core.router.handle('preferences.get').then((r) => r.ok && applyPrefs(r.value as ShellPreferences));
    void core.router.handle('vm.status').then((r) => {
      if (r.ok) vm = (r.value as VmInfo | undefined)?.state ?? 'stopped';
      renderTray();
    });
    const [exe, ...args] = loginCommand(electron);
    if (!app.setAsDefaultProtocolClient?.(SCHEME, exe, args)) console.warn('berth: berth:// links could not be registered with the system.');
    const at = pageUrlFor(APP_URL, linkIn(opts.argv ?? process.argv) ?? early);
    if (!opts.hidden || at) show(at);
  });

  return {
    quit: () => {
      quitting = true;
      app.quit();
    },
  };
}
