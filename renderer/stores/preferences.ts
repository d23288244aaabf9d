/**
 * Preferences kept in Berth's settings file (so the desktop app and browser mode agree): start at
 * login, quit stops the VM, theme. The theme is also cached in localStorage (ui.ts) so the first
 * paint is already right.
 */
import { create } from 'zustand';
import type { ArgsOf, ResultOf } from '../../electron/shared/api-contract';
import { api, whenConnected } from '../api';
import { setTheme, toast, type Theme } from './ui';

export type Preferences = ResultOf<'preferences.get'>;

export const usePreferences = create<{ prefs?: Preferences }>(() => ({}));

function apply(prefs: Preferences): void {
  usePreferences.setState({ prefs });
  setTheme(prefs.theme);
}

whenConnected((client) => {
  client.onConnection((up) => {
    if (up) client.call('preferences.get').then(apply, () => undefined); // stays as cached until the next connect
  });
  client.on('preferences:changed', apply);
});

/** Shows the change at once; goes back to what was kept if saving fails. */
export async function updatePreferences(patch: ArgsOf<'preferences.update'>): Promise<void> {
  const before = usePreferences.getState().prefs;
  if (before) usePreferences.setState({ prefs: { ...before, ...patch } });
  try {
    apply(await api().call('preferences.update', patch));
  } catch (e) {
    if (before) apply(before);
    toast({ kind: 'error', title: 'Could not save the setting', message: (e as Error).message });
  }
}

/** The theme picker: shows at once, then is kept. */
export function chooseTheme(theme: Theme): void {
  setTheme(theme);
  void updatePreferences({ theme });
}
