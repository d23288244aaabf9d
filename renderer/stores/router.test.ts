import { afterEach, describe, expect, it } from 'vitest';
import { startRouter } from './router';
import { openContainer, setContainerTab, setView, showProjectLogs, useUi } from './ui';

/** A window with a history stack: pushState moves forward, back() pops and fires popstate as a browser does. */
function fakeWindow(hash = '') {
  const entries = [hash];
  let at = 0;
  const listeners = new Map<string, Set<() => void>>();
  const fire = (type: string) => listeners.get(type)?.forEach((l) => l());
  const win = {
    location: { hash },
    history: {
      pushState: (_s: unknown, _t: string, url: string) => {
        entries.splice(at + 1, Infinity, url);
        at++;
        win.location.hash = url;
      },
      replaceState: (_s: unknown, _t: string, url: string) => {
        entries[at] = url;
        win.location.hash = url;
      },
    },
    addEventListener: (type: string, l: () => void) => void (listeners.get(type) ?? listeners.set(type, new Set()).get(type)!).add(l),
    removeEventListener: (type: string, l: () => void) => void listeners.get(type)?.delete(l),
    go(delta: number) {
      at = Math.max(0, Math.min(entries.length - 1, at + delta));
      win.location.hash = entries[at]!;
      fire('popstate');
      fire('hashchange');
    },
    typed(url: string) {
      entries.splice(at + 1, Infinity, url);
      at++;
      win.location.hash = url;
      fire('hashchange');
    },
    entries,
  };
  return win;
}

let stop = () => undefined as void;
afterEach(() => {
  stop();
  setView('containers');
});

describe('router', () => {
  it('opens at the place in the URL, and writes the place it opened', () => {
    const win = fakeWindow('#/containers/web/stats');
    stop = startRouter(win as never);
    expect(useUi.getState()).toMatchObject({ view: 'containers', detail: 'web', tab: 'stats' });
    stop();
    const bad = fakeWindow('#/no/such/%E0%A4%A');
    stop = startRouter(bad as never);
    expect(useUi.getState()).toMatchObject({ view: 'containers', detail: undefined, tab: undefined });
    expect(bad.location.hash).toBe('#/containers'); // replaced, not a new entry
    expect(bad.entries).toEqual(['#/containers']);
  });

  it('each move is a history entry; back and forward go to them, and a hash typed in goes there', () => {
    const win = fakeWindow('');
    stop = startRouter(win as never);
    setView('images');
    openContainer('abc123');
    setContainerTab('terminal');
    showProjectLogs('shop');
    expect(win.entries).toEqual(['#/containers', '#/images', '#/containers/abc123', '#/containers/abc123/terminal', '#/compose/shop/logs']);
    win.go(-1);
    expect(useUi.getState()).toMatchObject({ view: 'containers', detail: 'abc123', tab: 'terminal', projectLogs: undefined });
    win.go(-2);
    expect(useUi.getState()).toMatchObject({ view: 'images', detail: undefined });
    win.go(+3);
    expect(useUi.getState()).toMatchObject({ projectLogs: 'shop' });
    expect(win.entries).toHaveLength(5); // going back and forth added nothing
    win.typed('#/volumes');
    expect(useUi.getState().view).toBe('volumes');
    setView('volumes'); // the same place again: no new entry
    expect(win.entries.at(-1)).toBe('#/volumes');
    expect(win.entries).toHaveLength(6);
  });

  it('a state change that is not a move (a toast, a dialog) adds no entry', () => {
    const win = fakeWindow('#/jobs');
    stop = startRouter(win as never);
    useUi.setState({ dialog: { kind: 'volume-create' } });
    useUi.setState({ dialog: undefined });
    expect(win.entries).toEqual(['#/jobs']);
  });
});
