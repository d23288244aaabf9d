/**
 * Preferences kept in Berth's settings file (so the desktop app and browser mode agree): start at
 * login, quit stops the VM, start the VM with Berth, use Berth for the docker CLI, theme. A change
 * Berth refuses (the docker CLI switch can be) is kept per preference, for its switch to say. The theme is also cached in localStorage (ui.ts) so the first
 * paint is already right.
 */
import { create } from 'zustand';
import type { ArgsOf, ResultOf } from '../../electron/shared/api-contract';
import { api, whenConnected } from '../api';
import { setTheme, toast, type Theme } from './ui';

export type Preferences = ResultOf<'preferences.update'>;
/** What Berth could not use of its settings file (dropped values, in words), for the Settings page. */
export type SettingsProblems = NonNullable<ResultOf<'preferences.get'>['settingsProblems']>;

/** Why Berth refused the latest change of a preference, in words. */
export interface Refusal {
  message: string;
  hint?: string;
}

export const usePreferences = create<{ prefs?: Preferences; problems?: SettingsProblems; refusals: Partial<Record<keyof Preferences, Refusal>> }>(() => ({ refusals: {} }));

function apply(prefs: Preferences): void {
  usePreferences.setState({ prefs });
  setTheme(prefs.theme);
}

/** Reads the preferences and the settings file's problems again (the Settings page does, when it opens). */
export async function loadPreferences(): Promise<void> {
  try {
    const { settingsProblems, ...prefs } = await api().call('preferences.get');
    usePreferences.setState({ problems: settingsProblems });
    apply(prefs);
  } catch {
    /* stays as cached until the next connect */
  }
}

whenConnected((client) => {
  client.onConnection((up) => up && void loadPreferences());
  client.on('preferences:changed', apply);
});

const withoutKeys = (refusals: Partial<Record<keyof Preferences, Refusal>>, keys: string[]) => Object.fromEntries(Object.entries(refusals).filter(([k]) => !keys.includes(k)));

/**
 * Shows the change at once; goes back to what was kept if saving fails. `inline`: the refusal is
 * kept for the switch to show (usePreferences' refusals) instead of a toast.
 */
export async function updatePreferences(patch: ArgsOf<'preferences.update'>, opts: { inline?: boolean } = {}): Promise<void> {
  const keys = Object.keys(patch);
  const before = usePreferences.getState().prefs;
  usePreferences.setState((s) => ({ refusals: withoutKeys(s.refusals, keys), ...(before ? { prefs: { ...before, ...patch } } : {}) }));
  try {
    apply(await api().call('preferences.update', patch));
  } catch (e) {
    if (before) apply(before);
    const { message, hint } = e as Error & { hint?: string };
    if (opts.inline) usePreferences.setState((s) => ({ refusals: { ...s.refusals, ...Object.fromEntries(keys.map((k) => [k, { message, ...(hint ? { hint } : {}) }])) } }));
    else toast({ kind: 'error', title: 'Could not save the setting', message });
  }
}

/** The theme picker: shows at once, then is kept. */
export function chooseTheme(theme: Theme): void {
  setTheme(theme);
  void updatePreferences({ theme });
}

/** The answer "replace it" to a `berth` docker context the user made: Berth keeps a copy and says where. */
export async function replaceDockerContext(): Promise<void> {
  try {
    const { replacedContextCopy, ...prefs } = await api().call('preferences.replaceDockerContext');
    apply(prefs);
    usePreferences.setState((s) => ({ refusals: withoutKeys(s.refusals, ['dockerCli']) }));
    toast({ kind: 'success', title: 'The docker CLI uses Berth', ...(replacedContextCopy ? { message: `Your own "berth" context is kept at ${replacedContextCopy}.` } : {}) });
  } catch (e) {
    const { message, hint } = e as Error & { hint?: string };
    usePreferences.setState((s) => ({ refusals: { ...s.refusals, dockerCli: { message, ...(hint ? { hint } : {}) } } }));
  }
}

/** Whether a refusal of the docker CLI switch is about a `berth` context the user made (Berth can replace it, on request). */
export const isForeignContextRefusal = (r: Refusal | undefined) => !!r && /^A docker context named "berth" already exists/.test(r.message);
