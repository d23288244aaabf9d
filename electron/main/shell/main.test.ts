import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../../test/support/temp';
import { createRouter, type Handlers, type StreamHandlers } from '../api/router';
import { EventHub } from '../event-hub';
import { ANNOUNCE_GAP_MS } from '../../shared/health';
import type { JobReport } from '../../shared/jobs';
import { JobsBoardService } from '../services/jobs-board';
import { APP_URL, CSP, IPC_CHANNEL, runShell, serveRenderer, type ElectronModule, type ShellCore } from './main';

/** Just enough of Electron for the shell, recording what the shell asked of it. */
function fakeElectron(opts: { lock?: boolean; notifications?: boolean } = {}) {
  type Handler = (...args: any[]) => any;
  const notices: { events: { emit(ev: string): void } }[] = [];
  const shownNotices: string[] = [];
  const on = () => {
    const handlers = new Map<string, Handler[]>();
    return {
      handlers,
      on(ev: string, h: Handler) {
        handlers.set(ev, [...(handlers.get(ev) ?? []), h]);
        return this;
      },
      once(ev: string, h: Handler) {
        return this.on(ev, h);
      },
      emit(ev: string, ...args: unknown[]) {
        for (const h of handlers.get(ev) ?? []) h(...args);
      },
    };
  };
  const windows: FakeWindow[] = [];
  let ready!: () => void;
  const whenReady = new Promise<void>((r) => (ready = r));
  class FakeWindow {
    events = on();
    shown = false;
    hidden = false;
    loaded?: string;
    openHandler?: (d: { url: string }) => { action: string };
    webContents = Object.assign(on(), {
      id: 1,
      sent: [] as unknown[],
      isDestroyed: () => false,
      send: (_ch: string, m: unknown) => this.webContents.sent.push(m),
      setWindowOpenHandler: (h: (d: { url: string }) => { action: string }) => (this.openHandler = h),
    });
    constructor(public options: Record<string, unknown>) {
      windows.push(this);
    }
    on(ev: string, h: (...a: unknown[]) => void) {
      this.events.on(ev, h);
    }
    once(ev: string, h: (...a: unknown[]) => void) {
      this.events.on(ev, h);
    }
    loadURL(u: string) {
      this.loaded = u;
      return Promise.resolve();
    }
    focused = false;
    isDestroyed = () => false;
    isMinimized = () => false;
    isFocused = () => this.focused;
    restore() {}
    show() {
      this.shown = true;
      this.hidden = false;
    }
    hide() {
      this.hidden = true;
    }
    focus() {}
  }
  const app = Object.assign(on(), {
    quit: vi.fn(),
    setAsDefaultProtocolClient: vi.fn(() => true),
    setLoginItemSettings: vi.fn(),
    isPackaged: false,
    getAppPath: () => '/opt/berth-app',
    requestSingleInstanceLock: () => opts.lock ?? true,
    whenReady: () => whenReady,
  });
  const ipcMain = on();
  const menus: unknown[] = [];
  const tray = { setImage: vi.fn(), setToolTip: vi.fn(), setContextMenu: vi.fn(), on: vi.fn() };
  const permission = { request: undefined as undefined | Handler, check: undefined as undefined | Handler };
  const protocol = { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() };
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain,
    Tray: class {
      constructor() {
        return tray;
      }
    },
    Menu: { buildFromTemplate: (t: unknown) => (menus.push(t), t) },
    nativeImage: { createFromPath: (p: string) => p },
    protocol,
    session: { defaultSession: { setPermissionRequestHandler: (h: Handler) => (permission.request = h), setPermissionCheckHandler: (h: Handler) => (permission.check = h) } },
    shell: { openExternal: vi.fn(async () => undefined) },
    Notification: Object.assign(
      class {
        events = on();
        constructor(public options: { title: string; body: string }) {
          notices.push(this);
        }
        on(ev: string, h: Handler) {
          this.events.on(ev, h);
        }
        show() {
          shownNotices.push(this.options.title);
        }
      },
      { isSupported: () => opts.notifications ?? true },
    ),
  };
  return { electron: electron as unknown as ElectronModule, windows, app, ipcMain, menus, tray, permission, protocol, ready, shell: electron.shell, notices, shownNotices };
}

function fakeCore(handlers: Partial<Handlers> = {}): ShellCore & { dispose: ReturnType<typeof vi.fn<() => void>> } {
  const all = new Proxy(handlers, { get: (t, k) => (t as Record<string | symbol, unknown>)[k] ?? (() => Promise.resolve([])) }) as Handlers;
  return {
    hub: new EventHub(),
    router: createRouter(all, {} as StreamHandlers),
    engine: { getStatus: () => ({ state: 'up', endpoint: 'unix:///x', since: 0 }) } as ShellCore['engine'],
    dispose: vi.fn<() => void>(),
  };
}

async function started(core = fakeCore(), more: Partial<Parameters<typeof runShell>[1]> = {}) {
  const f = fakeElectron();
  runShell(f.electron, { createCore: () => core, rendererDir: '/nowhere', preload: '/p/preload.cjs', iconDir: '/icons', platform: 'darwin', ...more });
  f.ready();
  await new Promise((r) => setTimeout(r, 0));
  return { f, core, win: f.windows[0]! };
}

describe('Electron shell (fake electron)', () => {
  it('opens one hardened window on the berth:// scheme', async () => {
    const { f, win } = await started();
    expect(f.windows).toHaveLength(1);
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, preload: '/p/preload.cjs' });
    expect(win.loaded).toBe(APP_URL);
    expect(f.protocol.registerSchemesAsPrivileged).toHaveBeenCalled();
    // No new windows; a web page (a published port) opens in the system browser, nothing else does.
    for (const url of [
      'http://127.0.0.1:8080/',
      'https://example.test/x',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'berth://app/index.html',
      'http://user:pw@127.0.0.1:1/',
      'not a url',
      'http://',
    ]) {
      expect(win.openHandler!({ url }), url).toEqual({ action: 'deny' });
    }
    expect(f.shell.openExternal.mock.calls).toEqual([['http://127.0.0.1:8080/'], ['https://example.test/x']]);
    // No browser to open it with: said in the log, never an unhandled rejection.
    f.shell.openExternal.mockRejectedValueOnce(new Error('no xdg-open'));
    expect(win.openHandler!({ url: 'HTTP://127.0.0.1:9/a b' })).toEqual({ action: 'deny' });
    await new Promise((r) => setTimeout(r, 0));
    expect(f.shell.openExternal).toHaveBeenLastCalledWith('http://127.0.0.1:9/a%20b'); // as parsed
    const nav = { preventDefault: vi.fn() };
    win.webContents.emit('will-navigate', nav, 'https://evil.example/');
    expect(nav.preventDefault).toHaveBeenCalled();
    const inApp = { preventDefault: vi.fn() };
    win.webContents.emit('will-navigate', inApp, 'berth://app/index.html');
    expect(inApp.preventDefault).not.toHaveBeenCalled();
    const granted = vi.fn();
    f.permission.request!(null, 'media', granted);
    expect(granted).toHaveBeenCalledWith(false);
    expect(f.permission.check!()).toBe(false);
  });

  it('berth:// links open the window at their place: at start, from a second start, by open-url, from `berth open`', async () => {
    let onShow: ((link?: string) => unknown) | undefined;
    const { f, win } = await started(fakeCore(), {
      argv: ['/usr/bin/electron', '/app', 'berth://containers/web/stats'],
      hidden: true,
      claimDataFolder: async (show) => ((onShow = show), { first: true, release: async () => undefined }),
    });
    expect(f.app.setAsDefaultProtocolClient).toHaveBeenCalledWith('berth', process.execPath, ['/opt/berth-app']);
    expect(win.loaded).toBe(`${APP_URL}#/containers/web/stats`); // shown although started hidden: a link asked for it
    f.app.emit('second-instance', {}, ['/usr/bin/electron', '/app', 'berth:///volumes']);
    expect(win.loaded).toBe(`${APP_URL}#/volumes`);
    const e = { preventDefault: vi.fn() };
    f.app.emit('open-url', e, 'berth://compose/shop/logs');
    expect([e.preventDefault.mock.calls.length, win.loaded]).toEqual([1, `${APP_URL}#/compose/shop/logs`]);
    onShow!('#/images');
    expect(win.loaded).toBe(`${APP_URL}#/images`);
    // Not a place: the window comes to the front where it is.
    for (const argv of [['x', 'https://evil.example/#/images'], ['x', '--berth'], undefined]) f.app.emit('second-instance', {}, argv);
    f.app.emit('open-url', e, 'javascript:alert(1)');
    expect(win.loaded).toBe(`${APP_URL}#/images`);
    expect(f.windows).toHaveLength(1);
  });

  it('closing the window hides it in the tray; quitting closes for real and disposes the core', async () => {
    const { f, win, core } = await started();
    const close = { preventDefault: vi.fn() };
    win.events.emit('close', close);
    expect(close.preventDefault).toHaveBeenCalled();
    expect(win.hidden).toBe(true);
    f.app.emit('second-instance');
    expect(win.shown).toBe(true);
    f.app.emit('before-quit');
    expect(core.dispose).toHaveBeenCalled();
    const closeAgain = { preventDefault: vi.fn() };
    win.events.emit('close', closeAgain);
    expect(closeAgain.preventDefault).not.toHaveBeenCalled();
  });

  it('applies "start at login" from the preferences, at start and when it changes', async () => {
    const { f, core } = await started(fakeCore({ 'preferences.get': async () => ({ startAtLogin: true, quitStopsVm: true, startVm: true, dockerCli: false, theme: 'system' }) }));
    await vi.waitFor(() => expect(f.app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, args: ['--hidden'] }));
    core.hub.emit('preferences:changed', { startAtLogin: false, quitStopsVm: true, startVm: true, dockerCli: false, theme: 'dark' });
    expect(f.app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: false, args: ['--hidden'] });
  });

  it('on Linux, start at login is an XDG autostart entry that starts Berth hidden; off removes it', async () => {
    const config = mkdtempSync(join(tmpdir(), 'berth-autostart-'));
    const prefs = { startAtLogin: true, quitStopsVm: true, startVm: true, dockerCli: false, theme: 'system' as const };
    const { f, core } = await started(fakeCore({ 'preferences.get': async () => prefs }), { platform: 'linux', env: { XDG_CONFIG_HOME: config } });
    const entry = join(config, 'autostart', 'berth.desktop');
    await vi.waitFor(() => expect(existsSync(entry)).toBe(true));
    expect(readFileSync(entry, 'utf8')).toMatch(/^\[Desktop Entry\]\nType=Application\nName=Berth\n[\s\S]*\nExec="[^"]+" .*"--hidden"\n/);
    expect(f.app.setLoginItemSettings).not.toHaveBeenCalled();
    core.hub.emit('preferences:changed', { ...prefs, startAtLogin: false });
    expect(existsSync(entry)).toBe(false);
    rmSync(config, { recursive: true, force: true });
  });

  it('opened at login (hidden), it starts in the tray only; the tray opens the window', async () => {
    const f = fakeElectron();
    runShell(f.electron, { createCore: () => fakeCore(), rendererDir: '/nowhere', preload: '/p/preload.cjs', iconDir: '/icons', hidden: true, platform: 'darwin' });
    f.ready();
    await new Promise((r) => setTimeout(r, 0));
    expect(f.windows).toHaveLength(0);
    expect(f.tray.setContextMenu).toHaveBeenCalled(); // the tray is there, with its menu
    f.app.emit('second-instance');
    expect(f.windows).toHaveLength(1);
  });

  it('offers the VM in the tray by its state; Start VM starts it; quitting stops a running VM first', async () => {
    const vmStart = vi.fn(async () => ({ state: 'running' }) as never);
    const vmStop = vi.fn(async () => ({ state: 'stopped' }) as never);
    const { f, core } = await started(
      fakeCore({
        'vm.status': async () => ({ state: 'stopped', since: 0, backend: '', ports: [], warnings: [] }),
        'vm.start': vmStart,
        'vm.stop': vmStop,
        'preferences.get': async () => ({ startAtLogin: false, quitStopsVm: true, startVm: true, dockerCli: false, theme: 'system' }),
      }),
    );
    type Item = { label?: string; enabled?: boolean; click?: () => void };
    const item = (label: string) => (f.menus.at(-1) as Item[]).find((i) => i.label === label)!;
    await vi.waitFor(() => expect(item('Start VM').enabled).toBe(true));
    item('Start VM').click!();
    await vi.waitFor(() => expect(vmStart).toHaveBeenCalled());

    core.hub.emit('vm:status', { state: 'running', since: 1, backend: 'qemu', ports: [], warnings: [] });
    expect(item('Stop VM').enabled).toBe(true);
    expect(item('Quit Berth (stops the VM)')).toBeDefined();
    expect(f.tray.setImage).toHaveBeenLastCalledWith('/icons/tray-running.png');
    const quit = { preventDefault: vi.fn() };
    f.app.emit('before-quit', quit);
    expect(quit.preventDefault).toHaveBeenCalled(); // not yet: the VM stops first
    expect(core.dispose).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(f.app.quit).toHaveBeenCalled());
    expect(vmStop).toHaveBeenCalledTimes(1);
    f.app.emit('before-quit', { preventDefault: vi.fn() }); // the real quit
    expect(core.dispose).toHaveBeenCalled();
  });

  it('a second instance quits at once', () => {
    const f = fakeElectron({ lock: false });
    runShell(f.electron, { createCore: fakeCore, rendererDir: '/', preload: '/p', iconDir: '/i', platform: 'darwin' });
    expect(f.app.quit).toHaveBeenCalled();
    expect(f.windows).toHaveLength(0);
  });

  it('holds the data folder beneath the single-instance lock: a second Berth asking brings the window to the front; quitting releases it', async () => {
    const f = fakeElectron();
    const release = vi.fn(async () => undefined);
    let onShow: (() => { window: true }) | undefined;
    const core = fakeCore();
    runShell(f.electron, { createCore: () => core, rendererDir: '/', preload: '/p', iconDir: '/i', platform: 'darwin', claimDataFolder: async (show) => ((onShow = show), { first: true, release }) });
    f.ready();
    await vi.waitFor(() => expect(f.windows).toHaveLength(1));
    const win = f.windows[0]!;
    win.events.emit('close', { preventDefault: vi.fn() });
    expect(win.hidden).toBe(true);
    expect(onShow!()).toEqual({ window: true });
    expect(win.shown && !win.hidden).toBe(true);
    f.app.emit('before-quit', { preventDefault: vi.fn() });
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('hands over to a Berth in browser mode on the same data folder: opens its dashboard and quits, with no window or core', async () => {
    const f = fakeElectron();
    const createCore = vi.fn(fakeCore);
    const said = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      runShell(f.electron, {
        createCore,
        rendererDir: '/',
        preload: '/p',
        iconDir: '/i',
        platform: 'darwin',
        claimDataFolder: async () => ({ first: false, reply: { pid: 42, url: 'http://127.0.0.1:5173/?token=s3cret#x' } }),
      });
      f.ready();
      await vi.waitFor(() => expect(f.app.quit).toHaveBeenCalled());
      expect(f.shell.openExternal).toHaveBeenCalledWith('http://127.0.0.1:5173/?token=s3cret#x');
      // What it prints may land in system logs: the dashboard's address, never its token.
      const out = said.mock.calls.flat().join('\n');
      expect(out).toContain('process 42');
      expect(out).toContain('http://127.0.0.1:5173/');
      expect(out).not.toContain('s3cret');
      expect(f.windows).toHaveLength(0);
      expect(createCore).not.toHaveBeenCalled();
    } finally {
      said.mockRestore();
    }
  });

  it('quits without a core when the data folder cannot be claimed, and opens nothing that is not a local dashboard', async () => {
    for (const claim of [() => Promise.reject(new Error('locked')), async () => ({ first: false as const, reply: { pid: 1, url: 'https://evil.example/' } })]) {
      const f = fakeElectron();
      const createCore = vi.fn(fakeCore);
      runShell(f.electron, { createCore, rendererDir: '/', preload: '/p', iconDir: '/i', platform: 'darwin', claimDataFolder: claim });
      f.ready();
      await vi.waitFor(() => expect(f.app.quit).toHaveBeenCalled());
      expect(createCore).not.toHaveBeenCalled();
      expect(f.shell.openExternal).not.toHaveBeenCalled();
    }
  });

  it('answers API messages from its window over IPC, pushes events, and ignores other senders', async () => {
    const { f, win, core } = await started(fakeCore({ 'containers.list': async () => [{ id: 'a', name: 'web', state: 'running' }] as never }));
    f.ipcMain.emit(IPC_CHANNEL, { sender: win.webContents }, { t: 'req', id: 7, method: 'containers.list', args: {} });
    await vi.waitFor(() => expect(win.webContents.sent).toContainEqual({ t: 'res', id: 7, ok: true, value: [{ id: 'a', name: 'web', state: 'running' }] }));
    core.hub.emit('volumes:changed', { ids: ['v'] });
    expect(win.webContents.sent).toContainEqual({ t: 'event', name: 'volumes:changed', payload: { ids: ['v'] } });
    const stranger = { id: 99, send: vi.fn(), isDestroyed: () => false };
    f.ipcMain.emit(IPC_CHANNEL, { sender: stranger }, { t: 'req', id: 1, method: 'containers.list', args: {} });
    await new Promise((r) => setTimeout(r, 10));
    expect(stranger.send).not.toHaveBeenCalled();
  });

  it('renders the tray from state, and its quick stop stops the container', async () => {
    const action = vi.fn(async () => []);
    const { f } = await started(fakeCore({ 'containers.list': async () => [{ id: 'a1', name: 'web', state: 'running' }] as never, 'containers.action': action }));
    await vi.waitFor(() => expect(JSON.stringify(f.menus.at(-1))).toContain('Stop web'));
    const menu = f.menus.at(-1) as { label?: string; submenu?: { label: string; click: () => void }[] }[];
    menu.find((i) => i.label?.startsWith('Running containers'))!.submenu![0]!.click();
    await vi.waitFor(() => expect(action).toHaveBeenCalledWith({ ids: ['a1'], action: 'stop' }));
    expect(f.tray.setImage).toHaveBeenLastCalledWith('/icons/tray-running.png');
  });
});

describe('health notifications', () => {
  it('tells the OS when a container turns unhealthy (once) and recovers; a click opens the window', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { f, core, win } = await started(fakeCore(), { hidden: true });
    expect(win).toBeUndefined();
    core.hub.emit('containers:health', { id: 'a', name: 'web', status: 'starting' });
    core.hub.emit('containers:health', { id: 'a', name: 'web', status: 'unhealthy' });
    core.hub.emit('containers:health', { id: 'a', name: 'web', status: 'unhealthy' });
    expect(f.shownNotices).toEqual(['web is unhealthy']);
    f.notices[0]!.events.emit('click');
    expect(f.windows[0]!.shown).toBe(true);
    vi.setSystemTime(Date.now() + ANNOUNCE_GAP_MS);
    core.hub.emit('containers:health', { id: 'a', name: 'web', status: 'healthy' });
    expect(f.shownNotices).toEqual(['web is unhealthy', 'web is healthy again']);
    vi.useRealTimers();
  });

  it('not while the window is in front: its toast says it there', async () => {
    const { f, core, win } = await started();
    win.focused = true;
    core.hub.emit('containers:health', { id: 'a', name: 'web', status: 'unhealthy' });
    expect(f.shownNotices).toEqual([]);
  });

  it('shows none where the OS has no notifications, and the app goes on', async () => {
    const f = fakeElectron({ notifications: false });
    const core = fakeCore();
    runShell(f.electron, { createCore: () => core, rendererDir: '/nowhere', preload: '/p/preload.cjs', iconDir: '/icons', platform: 'darwin' });
    f.ready();
    await new Promise((r) => setTimeout(r, 0));
    core.hub.emit('containers:health', { id: 'a', name: 'web', status: 'unhealthy' });
    expect(f.notices).toEqual([]);
    expect(f.windows).toHaveLength(1);
  });
});

describe('jobs in the tray and OS notifications', () => {
  const report = (jobs: JobReport[], id: number) => ({ t: 'req', id, method: 'jobs.report', args: { jobs } });
  type Item = { label?: string; submenu?: Item[]; click?: () => void };

  it('lists the running jobs the window reports, cancels one from the tray, and tells the OS how the others ended', async () => {
    const handlers: Partial<Handlers> = {};
    const core = fakeCore(handlers);
    const board = new JobsBoardService(core.hub);
    handlers['jobs.report'] = async ({ jobs }) => board.report(jobs);
    const { f, win } = await started(core);
    const cancels: unknown[] = [];
    core.hub.on((name, payload) => name === 'jobs:cancel' && cancels.push(payload));
    const pull: JobReport = { id: 1, kind: 'pull', target: 'busybox:1', status: 'running', percent: 40 };
    const push: JobReport = { id: 2, kind: 'push', target: 'r:5000/a:1', status: 'running' };
    f.ipcMain.emit(IPC_CHANNEL, { sender: win.webContents }, report([pull, push], 1));
    await vi.waitFor(() => expect(JSON.stringify(f.menus.at(-1))).toContain('Running jobs (2)'));
    const jobs = (f.menus.at(-1) as Item[]).find((i) => i.label === 'Running jobs (2)')!.submenu!;
    expect(jobs.map((j) => j.label)).toEqual(['Pulling busybox:1 · 40 %', 'Pushing r:5000/a:1']);
    jobs[0]!.submenu!.find((i) => i.label === 'Cancel')!.click!();
    expect(cancels).toEqual([{ id: 1 }]);
    expect(win.webContents.sent).toContainEqual({ t: 'event', name: 'jobs:cancel', payload: { id: 1 } }); // to the renderer running it

    win.focused = false;
    f.ipcMain.emit(
      IPC_CHANNEL,
      { sender: win.webContents },
      report(
        [
          { ...pull, status: 'cancelled' },
          { ...push, status: 'failed', error: 'denied: requested access to the resource is denied' },
        ],
        2,
      ),
    );
    await vi.waitFor(() => expect(f.shownNotices).toEqual(['The push of r:5000/a:1 failed'])); // a cancel is the user's doing: not said
    expect(JSON.stringify(f.menus.at(-1))).not.toContain('Running jobs');
    expect((f.notices[0] as unknown as { options: { body: string } }).options.body).toBe('denied: requested access to the resource is denied');

    win.focused = true; // in front: the page's toast says it
    f.ipcMain.emit(IPC_CHANNEL, { sender: win.webContents }, report([{ id: 3, kind: 'save', target: 'busybox', status: 'done' }], 3));
    await vi.waitFor(() => expect(win.webContents.sent).toContainEqual({ t: 'res', id: 3, ok: true, value: null }));
    expect(f.shownNotices).toEqual(['The push of r:5000/a:1 failed']);
  });
});

describe('berth:// files', () => {
  it('serves the renderer build with the CSP, and nothing outside it', async () => {
    const dir = tempDir('renderer');
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<html></html>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'x');
    const index = await serveRenderer(dir, 'berth://app/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(CSP);
    expect(index.headers.get('content-type')).toBe('text/html');
    expect((await serveRenderer(dir, 'berth://app/assets/app.js')).headers.get('content-type')).toBe('text/javascript');
    for (const bad of ['berth://app/../../etc/passwd', 'berth://app/%2e%2e/%2e%2e/etc/passwd', 'berth://other/index.html', 'berth://app/missing.js']) {
      expect((await serveRenderer(dir, bad)).status, bad).toBe(404);
    }
  });
});
