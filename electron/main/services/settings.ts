/** Settings: validated on load (a broken file never stops the app), written atomically. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { contextName, preferences, vmResources } from '../../shared/api-contract';
import { DEFAULT_RESOURCES } from '../vm/backend';
import type { EventHub } from '../event-hub';

export const settingsSchema = z.object({
  /** The default engine's address (the "default" context), when not the platform's usual socket. */
  engine: z.object({ host: z.string().min(1).max(1024).optional() }).default({}),
  /** More engines the user added: a name and a DOCKER_HOST-style address each. */
  contexts: z.array(z.object({ name: contextName, host: z.string().min(1).max(1024) })).max(50).default([]),
  /** The context in use; "default" when unset. */
  activeContext: z.string().max(64).optional(),
  /** What the Settings page edits besides engines. */
  preferences: z
    .object({ startAtLogin: z.boolean().default(false), quitStopsVm: z.boolean().default(true), theme: preferences.shape.theme.default('system') })
    .default({ startAtLogin: false, quitStopsVm: true, theme: 'system' }),
  /** The Berth VM's CPUs, memory and data disk size. */
  vm: vmResources.default(DEFAULT_RESOURCES),
});
export type Settings = z.infer<typeof settingsSchema>;

export interface LoadedSettings {
  settings: Settings;
  /** Why the file was ignored, if it was. */
  warning?: string;
}

export async function loadSettings(file: string): Promise<LoadedSettings> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { settings: settingsSchema.parse({}) };
    throw e;
  }
  try {
    const parsed = settingsSchema.safeParse(JSON.parse(raw));
    if (parsed.success) return { settings: parsed.data };
    return { settings: settingsSchema.parse({}), warning: `${file} is invalid (${parsed.error.issues[0]?.message}); using defaults` };
  } catch {
    return { settings: settingsSchema.parse({}), warning: `${file} is not valid JSON; using defaults` };
  }
}

export async function saveSettings(file: string, settings: z.input<typeof settingsSchema>): Promise<void> {
  const valid = settingsSchema.parse(settings);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(valid, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, file);
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Read-modify-write of the settings file, one at a time per file (the Settings page and a context
 * switch may both write), so no change is lost to another.
 */
export function updateSettings(file: string, change: (s: Settings) => Settings | Promise<Settings>): Promise<Settings> {
  const run = (queues.get(file) ?? Promise.resolve()).catch(() => undefined).then(async () => {
    const next = await change((await loadSettings(file)).settings);
    await saveSettings(file, next);
    return next;
  });
  queues.set(file, run);
  return run;
}

/** The Settings page's preferences; a change is pushed to every window and to the shell (start at login). */
export class PreferencesService {
  constructor(
    private readonly file: string,
    private readonly hub: EventHub,
  ) {}

  async get(): Promise<Preferences> {
    return (await loadSettings(this.file)).settings.preferences;
  }

  async update(patch: Partial<Preferences>): Promise<Preferences> {
    const next = await updateSettings(this.file, (s) => ({ ...s, preferences: { ...s.preferences, ...patch } }));
    this.hub.emit('preferences:changed', next.preferences);
    return next.preferences;
  }
}

export type Preferences = z.infer<typeof preferences>;
