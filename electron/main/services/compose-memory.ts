/**
 * How Berth brought each compose project up (its files in order, env file, profiles, working
 * folder), kept in the data folder so later actions on the project (its services, start and
 * stop) run Compose with the same. Read per entry (a bad entry is dropped, never the whole file),
 * written atomically under the data folder's lock.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { lockFor } from '../paths';
import { withFileLock, writeFileAtomic } from '../data-lock';

const entry = z.object({
  files: z.array(z.string().min(1)).min(1),
  envFile: z.string().min(1).optional(),
  profiles: z.array(z.string().min(1)).default([]),
  workingDir: z.string().min(1),
  at: z.number(),
});
export type RememberedProject = z.infer<typeof entry>;

/** Projects kept; the ones brought up longest ago go first. */
export const PROJECTS_KEPT = 200;

export class ComposeMemory {
  constructor(private readonly file: string) {}

  private async read(): Promise<Record<string, RememberedProject>> {
    const text = await readFile(this.file, 'utf8').catch(() => '{}');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      console.warn(`[berth] ${this.file} is not JSON; the compose projects it kept are forgotten`);
      return {};
    }
    const out: Record<string, RememberedProject> = {};
    for (const [name, v] of Object.entries(raw && typeof raw === 'object' ? raw : {})) {
      const r = entry.safeParse(v);
      if (r.success) out[name] = r.data;
      else console.warn(`[berth] ${this.file}: the entry for ${name} is dropped (${r.error.issues[0]?.message})`);
    }
    return out;
  }

  get(project: string): Promise<RememberedProject | undefined> {
    return this.read().then((all) => (Object.hasOwn(all, project) ? all[project] : undefined));
  }

  remember(project: string, how: Omit<RememberedProject, 'at'>): Promise<void> {
    return withFileLock(lockFor(this.file), async () => {
      const all = await this.read();
      all[project] = { ...how, at: Date.now() };
      const kept = Object.entries(all)
        .sort((a, b) => b[1].at - a[1].at)
        .slice(0, PROJECTS_KEPT);
      await writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(kept), null, 2));
    });
  }
}
