/**
 * Settings: validated per field on load, written atomically under the data-folder lock.
 *
 * A value Berth cannot use (a theme it does not know, a context with a bad name, a key it has no
 * setting for) is dropped on its own, with a warning in words; every other part of the file is
 * kept. Before anything writes over a file Berth could not use in full (not JSON, cut short, or
 * with dropped values), the file is copied to settings.json.bad-<time>, once per content. Every
 * write is a read-modify-write under the lock, so writers in other processes lose nothing.
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { contextName, DEFAULT_RESOURCES, preferences, vmResources, type Preferences, type SettingsProblems } from '../shared/api-contract';
import { BerthError } from '../shared/errors';
import { keepCopy, refuseOverwrite } from './data-file';
import { withFileLock, writeFileAtomic } from './data-lock';
import type { EventHub } from './event-hub';
import { lockFor } from './paths';

const contextEntry = z.object({ name: contextName, host: z.string().min(1).max(1024) }).strict();

export const settingsSchema = z
  .object({
    /** The default engine's address (the "default" context), when not the platform's usual socket. */
    engine: z
      .object({ host: z.string().min(1).max(1024).optional() })
      .strict()
      .default({}),
    /** More engines the user added: a name and a DOCKER_HOST-style address each. */
    contexts: z
      .array(contextEntry)
      .max(50, 'Berth keeps at most 50 engines')
      .refine((cs) => new Set(cs.map((c) => c.name)).size === cs.length, 'an engine with this name comes earlier')
      .default([]),
    /** The context in use; "default" when unset. */
    activeContext: z.string().min(1).max(64).optional(),
    /** What the Settings page edits besides engines. */
    preferences: z
      .object({
        startAtLogin: z.boolean().default(false),
        quitStopsVm: z.boolean().default(true),
        startVm: z.boolean().default(true),
        dockerCli: z.boolean().default(false),
        portsOnAllAddresses: z.boolean().default(false),
        theme: preferences.shape.theme.default('system'),
      })
      .strict()
      .default({ startAtLogin: false, quitStopsVm: true, startVm: true, dockerCli: false, portsOnAllAddresses: false, theme: 'system' }),
    /** The Berth VM's CPUs, memory and data disk size, and its auto-pause (minutes idle; 0: never). */
    vm: z
      .object({
        cpus: vmResources.shape.cpus.default(DEFAULT_RESOURCES.cpus),
        memoryMiB: vmResources.shape.memoryMiB.default(DEFAULT_RESOURCES.memoryMiB),
        diskGiB: vmResources.shape.diskGiB.default(DEFAULT_RESOURCES.diskGiB),
        autoPauseMinutes: vmResources.shape.autoPauseMinutes.default(DEFAULT_RESOURCES.autoPauseMinutes),
      })
      .strict()
      .default(DEFAULT_RESOURCES),
    /** What "Use Berth for the docker CLI" changed (docker-cli.ts): the CLI's config file and its currentContext before (null: none), put back when turned off. */
    dockerCliRestore: z
      .object({ configFile: z.string().min(1).max(4096), previousContext: z.string().min(1).max(1024).nullable() })
      .strict()
      .optional(),
  })
  .strict();
export type Settings = z.infer<typeof settingsSchema>;

/** A value the loader dropped: where, what, why; `entryOf` when it was one entry of a list. */
interface Dropped {
  field: string;
  value: unknown;
  why: string;
  entryOf?: string;
}

const MISSING = Symbol('missing');
const reason = (e: z.ZodError) => e.issues.slice(0, 1).map((i) => (i.path.length ? `${i.path.join('.')}: ` : '') + i.message)[0] ?? 'invalid';
const unwrap = (s: z.ZodType): z.ZodType => (s instanceof z.ZodDefault || s instanceof z.ZodOptional ? unwrap(s.unwrap() as z.ZodType) : s);
const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * What can be kept of `value` under `schema`, field by field: an object keeps its valid fields
 * (and drops keys it has no setting for), a list keeps its valid entries in order while the list
 * stays valid (at most 50 engines, names unique); anything else is kept whole or dropped.
 * Returns the raw kept value (defaults are filled by the final parse) or MISSING.
 */
function salvage(schema: z.ZodType, value: unknown, field: string, dropped: Dropped[]): unknown {
  const whole = schema.safeParse(value);
  if (whole.success) return value;
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject && isRecord(value)) {
    const shape = inner.shape as Record<string, z.ZodType>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const name = (field ? `${field}.` : '') + (key.length > 60 ? `${key.slice(0, 60)}…` : key);
      if (!Object.hasOwn(shape, key)) dropped.push({ field: name, value: value[key], why: 'Berth has no such setting' });
      else {
        const v = salvage(shape[key]!, value[key], name, dropped);
        if (v !== MISSING) out[key] = v;
      }
    }
    if (schema.safeParse(out).success) return out;
  } else if (inner instanceof z.ZodArray && Array.isArray(value)) {
    const element = inner.element as z.ZodType;
    const kept: unknown[] = [];
    for (const [i, item] of value.entries()) {
      const entry = `${field}[${i}]`;
      const inEntry: Dropped[] = [];
      const v = salvage(element, item, entry, inEntry);
      const list = v === MISSING ? undefined : inner.safeParse([...kept, v]);
      if (list?.success) {
        dropped.push(...inEntry); // e.g. a key the entry does not have: the entry itself is kept
        kept.push(v);
        continue;
      }
      dropped.push({ field: entry, value: item, why: list ? reason(list.error) : reason(element.safeParse(item).error!), entryOf: field });
      if (list?.error!.issues.some((x) => x.code === 'too_big')) {
        if (i + 1 < value.length) dropped.push({ field: `${field}[${i + 1}…${value.length - 1}]`, value: undefined, why: 'the list is full', entryOf: field });
        break;
      }
    }
    return kept;
  }
  dropped.push({ field, value, why: reason(whole.error) });
  return MISSING;
}

/** Berth's settings are a few KiB; a bigger file is not one Berth wrote. */
const MAX_BYTES = 1024 * 1024;
/** A file full of bad values says so in this many lines, then counts the rest. */
const MAX_WARNINGS = 20;

export interface LoadedSettings {
  settings: Settings;
  /** What could not be used, in words (each names the field and what is used instead). */
  warnings: string[];
  /** Where the file as it was is kept, when Berth could not use all of it. */
  copy?: string;
}

interface Read extends LoadedSettings {
  /** Something in the file was not used: keep a copy before writing over it. */
  damaged: boolean;
  /** The file is there but could not be read at all: never write over it. */
  unreadable?: string;
}

const defaults = (): Settings => settingsSchema.parse({});

const shown = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return 'a list';
  if (v && typeof v === 'object') return 'an object';
  return String(v);
};

function at(settings: Settings, field: string): unknown {
  let v: unknown = settings;
  for (const k of field.split('.')) v = v && typeof v === 'object' && Object.hasOwn(v, k) ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

function describe(d: Dropped, settings: Settings): string {
  if (d.entryOf) {
    const e = d.value as { name?: unknown; host?: unknown };
    const which = e && typeof e === 'object' && typeof e.name === 'string' ? ` (${shown(e.name)}${typeof e.host === 'string' ? ` at ${shown(e.host)}` : ''})` : '';
    const kept = (at(settings, d.entryOf) as unknown[]).length;
    const [one, many] = d.entryOf === 'contexts' ? ['engine', 'engines'] : ['entry', 'entries'];
    return `${d.field}${which} was dropped: ${d.why}. ${kept === 0 ? `No ${one} is left in the list.` : kept === 1 ? `The other ${one} was kept.` : `The other ${kept} ${many} were kept.`}`;
  }
  const now = at(settings, d.field);
  return `${d.field}: ${shown(d.value)} was dropped (${d.why}).${now === undefined || typeof now === 'object' ? '' : ` Berth uses ${shown(now)} instead.`}`;
}

const whole = (file: string, why: string): string => `${basename(file)} ${why}; Berth uses the default settings.`;

async function readSettings(file: string): Promise<Read> {
  let raw: string;
  try {
    const f = await open(file, 'r');
    try {
      const { size } = await f.stat();
      if (size > MAX_BYTES) return { settings: defaults(), warnings: [whole(file, `is ${(size / 2 ** 20).toFixed(1)} MiB, far bigger than Berth's settings ever are`)], damaged: true };
      raw = await f.readFile('utf8');
    } finally {
      await f.close();
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return { settings: defaults(), warnings: [], damaged: false };
    return { settings: defaults(), warnings: [whole(file, `could not be read (${err.code ?? err.message})`) + ' It is left as it is.'], damaged: false, unreadable: err.code ?? err.message };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.replace(/^\uFEFF/, '')); // an editor's byte order mark is not damage
  } catch (e) {
    return { settings: defaults(), warnings: [whole(file, `is not valid JSON (${(e as Error).message.slice(0, 120)})`)], damaged: true };
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return { settings: defaults(), warnings: [whole(file, `holds ${shown(json)}, not Berth's settings`)], damaged: true };
  const dropped: Dropped[] = [];
  const kept = salvage(settingsSchema, json, '', dropped);
  const parsed = settingsSchema.safeParse(kept === MISSING ? {} : kept);
  const settings = parsed.success ? parsed.data : defaults();
  const warnings = dropped.slice(0, MAX_WARNINGS).map((d) => describe(d, settings));
  if (dropped.length > MAX_WARNINGS) warnings.push(`…and ${dropped.length - MAX_WARNINGS} more values were dropped.`);
  if (dropped.length) warnings.push(`Everything else in ${basename(file)} was kept.`);
  return { settings, warnings, damaged: dropped.length > 0 };
}

/** What this process found wrong with each settings file, for the Settings page (kept after a write fixes the file). */
const problems = new Map<string, { warnings: Set<string>; copy?: string }>();

function remember(file: string, r: LoadedSettings): void {
  if (!r.warnings.length) return;
  const p = problems.get(file) ?? { warnings: new Set() };
  for (const w of r.warnings) p.warnings.add(w);
  if (r.copy) p.copy = r.copy;
  problems.set(file, p);
}

async function withCopy(file: string, r: Read): Promise<Read> {
  if (!r.damaged) return r;
  const copy = await keepCopy(file);
  return { ...r, copy };
}

export async function loadSettings(file: string): Promise<LoadedSettings> {
  let r = await readSettings(file);
  if (r.damaged) {
    try {
      r = await withFileLock(lockFor(file), async () => withCopy(file, await readSettings(file)));
    } catch (e) {
      r = { ...r, warnings: [...r.warnings, `Berth could not keep a copy of it (${(e as Error).message}), so it will not write over it.`] };
    }
  }
  remember(file, r);
  return { settings: r.settings, warnings: r.warnings, ...(r.copy ? { copy: r.copy } : {}) };
}

/** What a load found, as lines for a terminal or log (the Settings page shows the same). */
export function settingsReport(loaded: LoadedSettings): string[] {
  return [...loaded.warnings, ...(loaded.copy ? [`The settings file as it was is kept at ${loaded.copy}.`] : [])];
}

/** What Berth could not use of the settings file since this process started (read by a load); undefined when all was fine. */
export function settingsProblems(file: string): SettingsProblems | undefined {
  const p = problems.get(file);
  return p && { file, warnings: [...p.warnings], ...(p.copy ? { copy: p.copy } : {}) };
}

/**
 * Read-modify-write of the settings file under the data-folder lock: one at a time across every
 * process on the folder, so no change is lost to another. A damaged file is copied first.
 */
export function updateSettings(file: string, change: (s: Settings) => Settings | Promise<Settings>): Promise<Settings> {
  return withFileLock(lockFor(file), async () => {
    const r = await withCopy(file, await readSettings(file));
    remember(file, r);
    if (r.unreadable) throw refuseOverwrite(file, 'settings file', r.unreadable);
    const next = settingsSchema.parse(await change(r.settings));
    await writeFileAtomic(file, JSON.stringify(next, null, 2) + '\n');
    return next;
  });
}

/** What turning "Use Berth for the docker CLI" on and off does (DockerCliService in docker-cli.ts); each may refuse with a BerthError. */
export interface DockerCliSwitch {
  enable(): Promise<void>;
  disable(): Promise<void>;
  /** Keeps a copy of the user's own `berth` context, removes it, and enables; resolves to the copy's path. */
  replaceForeign(): Promise<string>;
}

/**
 * The Settings page's preferences; a change is pushed to every window and to the shell (start at
 * login). Turning `dockerCli` on or off changes the docker CLI's config first; a refusal there
 * leaves the preference as it was. One change at a time.
 */
export class PreferencesService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly hub: EventHub,
    private readonly dockerCli?: DockerCliSwitch,
  ) {}

  async get(): Promise<Preferences & { settingsProblems?: SettingsProblems }> {
    const prefs = (await loadSettings(this.file)).settings.preferences;
    const found = settingsProblems(this.file);
    return found ? { ...prefs, settingsProblems: found } : prefs;
  }

  update(patch: Partial<Preferences>): Promise<Preferences> {
    const run = this.queue.then(async () => {
      if (patch.dockerCli !== undefined && patch.dockerCli !== (await loadSettings(this.file)).settings.preferences.dockerCli) {
        if (!this.dockerCli) throw new BerthError('UNAVAILABLE', "This Berth cannot change the docker CLI's settings.", { hint: 'Use `docker context use berth` in a terminal instead.' });
        await (patch.dockerCli ? this.dockerCli.enable() : this.dockerCli.disable());
      }
      const next = await updateSettings(this.file, (s) => ({ ...s, preferences: { ...s.preferences, ...patch } }));
      this.hub.emit('preferences:changed', next.preferences);
      return next.preferences;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** "Replace it": the user's own `berth` docker context is kept aside, Berth's written, the switch on. */
  replaceDockerContext(): Promise<Preferences & { replacedContextCopy?: string }> {
    const run = this.queue.then(async () => {
      if (!this.dockerCli) throw new BerthError('UNAVAILABLE', "This Berth cannot change the docker CLI's settings.", { hint: 'Use `docker context use berth` in a terminal instead.' });
      const copy = await this.dockerCli.replaceForeign();
      const next = await updateSettings(this.file, (s) => ({ ...s, preferences: { ...s.preferences, dockerCli: true } }));
      this.hub.emit('preferences:changed', next.preferences);
      return { ...next.preferences, ...(copy ? { replacedContextCopy: copy } : {}) };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
