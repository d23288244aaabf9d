/**
 * The address bar and the browser's history kept in step with where the UI is (stores/ui.ts):
 * every move to another place is a history entry, so back and forward work; a reload or a link
 * opens at the place in its hash. The UI store stays the one source of truth; this only mirrors it.
 */
import { formatRoute, parseRoute, type Place } from '../../electron/shared/route';
import { showPlace, useUi } from './ui';

type Win = Pick<Window, 'addEventListener' | 'removeEventListener'> & { location: Pick<Location, 'hash'>; history: Pick<History, 'pushState' | 'replaceState'> };

const placeOf = (s: Place): Place => ({ view: s.view, detail: s.detail, tab: s.tab, projectLogs: s.projectLogs });

/** Starts mirroring; returns the stop (for tests). */
export function startRouter(win: Win = window): () => void {
  let current = '';
  const fromUrl = () => {
    const place = parseRoute(win.location.hash);
    current = formatRoute(place);
    showPlace(place);
    if (win.location.hash !== current) win.history.replaceState(null, '', current); // a link it could not read in full: shown as the place it opened
  };
  fromUrl();
  const off = useUi.subscribe((s) => {
    const next = formatRoute(placeOf(s));
    if (next === current) return;
    current = next;
    win.history.pushState(null, '', next);
  });
  // Back, forward, a hash typed or followed: both events may come for one move; the second finds nothing to do.
  const onMove = () => {
    if (win.location.hash !== current) fromUrl();
  };
  win.addEventListener('popstate', onMove);
  win.addEventListener('hashchange', onMove);
  return () => {
    off();
    win.removeEventListener('popstate', onMove);
    win.removeEventListener('hashchange', onMove);
  };
}
