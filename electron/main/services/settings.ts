/** Settings: validated on load (a broken file never stops the app), written atomically. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { contextName } from '../../shared/api-contract';

export const settingsSchema = z.object({
  /** The default engine's address (the "default" context), when not the platform's usual socket. */
  engine: z.object({ host: z.string().min(1).max(1024).optional() }).default({}),
  /** More engines the user added: a name and a DOCKER_HOST-style address each. */
  contexts: z.array(z.object({ name: contextName, host: z.string().min(1).max(1024) })).max(50).default([]),
  /** The context in use; "default" when unset. */
  activeContext: z.string().max(64).optional(),
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
