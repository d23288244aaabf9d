import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp';
import { EventHub } from './event-hub';
import { loadSettings, PreferencesService, settingsProblems, updateSettings, type Settings } from './settings';

const file = () => join(tempDir('settings'), 'sub', 'settings.json');
const DEFAULTS: Settings = {
  engine: {},
  contexts: [],
  preferences: { startAtLogin: false, quitStopsVm: true, startVm: true, dockerCli: false, portsOnAllAddresses: false, theme: 'system' },
  vm: { cpus: 2, memoryMiB: 2048, diskGiB: 64, autoPauseMinutes: 5 },
};

/** A file a user has lived with: engines, a choice, preferences, a bigger VM. */
const GOOD = {
  engine: { host: 'unix:///run/user/1000/docker.sock' },
  contexts: [
    { name: 'ci', host: 'tcp://ci.example:2375' },
    { name: 'lab', host: 'ssh://me@lab' },
  ],
  activeContext: 'ci',
  preferences: { startAtLogin: true, quitStopsVm: false, startVm: true, dockerCli: false, portsOnAllAddresses: false, theme: 'dark' },
  vm: { cpus: 4, memoryMiB: 4096, diskGiB: 128, autoPauseMinutes: 2 },
} satisfies Settings;

const write = (f: string, content: unknown) => {
  mkdirSync(join(f, '..'), { recursive: true });
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
};
const badCopies = (f: string) => readdirSync(join(f, '..')).filter((n) => n.startsWith('settings.json.bad-'));

describe('settings', () => {
  it('defaults when there is no file', async () => {
    expect(await loadSettings(file())).toEqual({ settings: DEFAULTS, warnings: [] });
  });

  it('round-trips a valid file whole, atomically, mode 0600, leaving no temp or lock file', async () => {
    const f = file();
    await updateSettings(f, () => GOOD);
    expect(await loadSettings(f)).toEqual({ settings: GOOD, warnings: [] });
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(f, '..'))).toEqual(['settings.json']);
  });

  it('refuses to write invalid settings and keeps the old file', async () => {
    const f = file();
    await updateSettings(f, () => GOOD);
    await expect(updateSettings(f, (s) => ({ ...s, engine: { host: '' } }))).rejects.toThrow();
    expect(JSON.parse(readFileSync(f, 'utf8'))).toEqual(GOOD);
  });

  it('reads a file an editor saved with a byte order mark like any other', async () => {
    const f = file();
    write(f, '\uFEFF' + JSON.stringify(GOOD));
    expect(await loadSettings(f)).toEqual({ settings: GOOD, warnings: [] });
  });

  it('fills preferences missing from an older file without dropping the rest', async () => {
    const f = file();
    write(f, { contexts: [{ name: 'ci', host: 'tcp://h:2375' }], preferences: { theme: 'dark' } });
    expect(await loadSettings(f)).toMatchObject({ warnings: [], settings: { contexts: [{ name: 'ci' }], preferences: { theme: 'dark', startAtLogin: false, quitStopsVm: true } } });
  });

  /** Too deep for JSON.stringify: the file is written as text. */
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const withRaw = (key: string, raw: string, over: object = GOOD) => `${JSON.stringify(over).slice(0, -1)},"${key}":${raw}}`;
  const proto = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
  // One bad value each, on top of a good file: [what, the file, what Berth uses, the warning].
  const cases: [string, Record<string, unknown> | string, Partial<Settings>, RegExp][] = [
    [
      'an unknown theme',
      { preferences: { ...GOOD.preferences, theme: 'neon' } },
      { preferences: { ...GOOD.preferences, theme: 'system' } },
      /^preferences\.theme: "neon" was dropped \(Invalid option: expected one of "system"\|"light"\|"dark"\)\. Berth uses "system" instead\.$/,
    ],
    [
      'cpus as a string',
      { vm: { ...GOOD.vm, cpus: 'x' } },
      { vm: { ...GOOD.vm, cpus: 2 } },
      /^vm\.cpus: "x" was dropped \(Invalid input: expected number, received string\)\. Berth uses 2 instead\.$/,
    ],
    ['cpus out of range', { vm: { ...GOOD.vm, cpus: 1e9 } }, { vm: { ...GOOD.vm, cpus: 2 } }, /^vm\.cpus: 1000000000 was dropped \(Too big.*\)\. Berth uses 2 instead\.$/],
    ['a fraction of a CPU', { vm: { ...GOOD.vm, cpus: 2.5 } }, { vm: { ...GOOD.vm, cpus: 2 } }, /^vm\.cpus: 2\.5 was dropped/],
    ['null for the VM', { vm: null }, { vm: DEFAULTS.vm }, /^vm: null was dropped \(Invalid input: expected object, received null\)\.$/],
    ['a list for the preferences', { preferences: [1, 2] }, { preferences: DEFAULTS.preferences }, /^preferences: a list was dropped/],
    [
      'a string for a switch',
      { preferences: { ...GOOD.preferences, startAtLogin: 'yes' } },
      { preferences: { ...GOOD.preferences, startAtLogin: false } },
      /^preferences\.startAtLogin: "yes" was dropped.*Berth uses false instead\.$/,
    ],
    ['a key Berth has no setting for', { color: 'red' }, {}, /^color: "red" was dropped \(Berth has no such setting\)\.$/],
    ['a __proto__ key', proto, {}, /^__proto__: an object was dropped \(Berth has no such setting\)\.$/],
    ['a __proto__ key inside the VM', { vm: { ...GOOD.vm, ...JSON.parse('{"__proto__": {"cpus": 64}}') } }, {}, /^vm\.__proto__: an object was dropped/],
    ['keys named like Object methods', { constructor: 1 }, {}, /^constructor: 1 was dropped \(Berth has no such setting\)/],
    ['a huge engine address', { engine: { host: 'unix:///' + 'a'.repeat(200_000) } }, { engine: {} }, /^engine\.host: "unix:\/\/\/a{32}…" was dropped \(Too big/],
    [
      'a deeply nested value',
      withRaw('preferences', `{"startAtLogin":true,"quitStopsVm":false,"theme":${deep(100_000)}}`, { ...GOOD, preferences: undefined }),
      { preferences: { ...GOOD.preferences, theme: 'system' } },
      /^preferences\.theme: a list was dropped/,
    ],
    ['a deeply nested unknown key', withRaw('extra', deep(100_000)), {}, /^extra: a list was dropped \(Berth has no such setting\)/],
    ['a number for the context in use', { activeContext: 7 }, { activeContext: undefined }, /^activeContext: 7 was dropped/],
    ['contexts as a string', { contexts: 'ci,lab' }, { contexts: [] }, /^contexts: "ci,lab" was dropped/],
    [
      'a context with a bad name',
      { contexts: [...GOOD.contexts, { name: 'bad/name', host: 'tcp://x:1' }] },
      {},
      /^contexts\[2\] \("bad\/name" at "tcp:\/\/x:1"\) was dropped: name: must start with a letter or digit.*\. The other 2 engines were kept\.$/,
    ],
    [
      'a context that is null',
      { contexts: [GOOD.contexts[0], null, GOOD.contexts[1]] },
      {},
      /^contexts\[1\] was dropped: Invalid input: expected object, received null\. The other 2 engines were kept\.$/,
    ],
    ['a context without an address', { contexts: [...GOOD.contexts, { name: 'x' }] }, {}, /^contexts\[2\] \("x"\) was dropped: host: Invalid input/],
    [
      'a context named twice',
      { contexts: [...GOOD.contexts, { name: 'ci', host: 'tcp://other:1' }] },
      {},
      /^contexts\[2\] \("ci" at "tcp:\/\/other:1"\) was dropped: an engine with this name comes earlier\. The other 2 engines were kept\.$/,
    ],
    ['a context with a key from a newer Berth', { contexts: [GOOD.contexts[0], { ...GOOD.contexts[1], tls: true }] }, {}, /^contexts\[1\]\.tls: true was dropped \(Berth has no such setting\)\.$/],
  ];

  it.each(cases)('keeps every valid part of a file with %s, dropping only that value with a warning', async (_what, bad, uses, warning) => {
    const f = file();
    write(f, typeof bad === 'string' ? bad : { ...GOOD, ...bad });
    const loaded = await loadSettings(f);
    expect(loaded.warnings).toEqual([expect.stringMatching(warning), 'Everything else in settings.json was kept.']);
    expect(loaded.warnings[0]!.length).toBeLessThan(300); // huge values are not repeated
    expect(loaded.settings).toEqual({ ...GOOD, ...uses });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(readFileSync(loaded.copy!, 'utf8')).toBe(readFileSync(f, 'utf8')); // the file as it was, kept
  });

  it('keeps the first 50 engines of a longer list and says how many were dropped', async () => {
    const f = file();
    write(f, { contexts: Array.from({ length: 60 }, (_, i) => ({ name: `e${i}`, host: `tcp://h${i}:2375` })) });
    const { settings, warnings } = await loadSettings(f);
    expect(settings.contexts.map((c) => c.name)).toEqual(Array.from({ length: 50 }, (_, i) => `e${i}`));
    expect(warnings).toEqual([
      expect.stringMatching(/^contexts\[50\] \("e50".*\) was dropped: Berth keeps at most 50 engines\./),
      expect.stringMatching(/^contexts\[51…59\] was dropped: the list is full\. The other 50 engines were kept\./),
      'Everything else in settings.json was kept.',
    ]);
  });

  it('says what it dropped of a file full of bad values in a bounded list', async () => {
    const f = file();
    write(f, { ...GOOD, ...Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`junk${i}`, i])) });
    const { settings, warnings } = await loadSettings(f);
    expect(settings).toEqual(GOOD);
    expect(warnings).toHaveLength(22);
    expect(warnings.slice(-2)).toEqual(['…and 980 more values were dropped.', 'Everything else in settings.json was kept.']);
  });

  it.each([
    ['not JSON', '{ not json', /is not valid JSON/],
    ['cut short', JSON.stringify(GOOD, null, 2).slice(0, 90), /is not valid JSON/],
    ['empty', '', /is not valid JSON/],
    ['null', 'null', /holds null, not Berth's settings/],
    ['a list', '[{"engine":{}}]', /holds a list, not Berth's settings/],
    ['a string', '"settings"', /holds "settings", not Berth's settings/],
    ['bigger than Berth ever writes', JSON.stringify({ junk: 'x'.repeat(2 * 2 ** 20) }), /is 2\.0 MiB, far bigger/],
  ])('uses the defaults for a file that is %s, and copies it byte for byte before writing over it', async (_what, content, warning) => {
    const f = file();
    write(f, content);
    const loaded = await loadSettings(f);
    expect(loaded).toMatchObject({ settings: DEFAULTS, warnings: [expect.stringMatching(warning)] });
    expect(loaded.warnings[0]).toMatch(/Berth uses the default settings\.$/);
    expect(loaded.copy).toMatch(/settings\.json\.bad-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
    await loadSettings(f); // a second look at the same file makes no second copy
    await updateSettings(f, (s) => ({ ...s, activeContext: 'x' }));
    expect(badCopies(f)).toHaveLength(1);
    expect(readFileSync(loaded.copy!).equals(Buffer.from(content))).toBe(true);
    expect(statSync(loaded.copy!).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(f, 'utf8'))).toMatchObject({ activeContext: 'x' });
  });

  it('makes one more copy when the broken content changes', async () => {
    const f = file();
    write(f, '{ one');
    const first = (await loadSettings(f)).copy;
    await new Promise((r) => setTimeout(r, 2)); // the copy's name has millisecond resolution
    write(f, '{ two');
    const second = (await loadSettings(f)).copy;
    expect(second).not.toBe(first);
    expect(badCopies(f).sort()).toEqual([first, second].map((p) => p!.split('/').pop()).sort());
  });

  it('never writes over a settings file it cannot read', async () => {
    const f = file();
    mkdirSync(f, { recursive: true }); // a folder where the file should be
    expect((await loadSettings(f)).warnings).toEqual([expect.stringMatching(/^settings\.json could not be read \(EISDIR\); Berth uses the default settings\. It is left as it is\.$/)]);
    await expect(updateSettings(f, (s) => s)).rejects.toMatchObject({ code: 'CONFLICT', hint: expect.stringContaining('move it away') });
    expect(statSync(f).isDirectory()).toBe(true);
  });

  it('updates one at a time, so concurrent changes all land', async () => {
    const f = file();
    const hub = new EventHub();
    const pushed: unknown[] = [];
    hub.on((name, p) => name === 'preferences:changed' && pushed.push(p));
    const prefs = new PreferencesService(f, hub);
    await Promise.all([prefs.update({ theme: 'light' }), prefs.update({ startAtLogin: true }), updateSettings(f, (cur) => ({ ...cur, activeContext: 'ci' }))]);
    expect((await loadSettings(f)).settings).toMatchObject({ activeContext: 'ci', preferences: { theme: 'light', startAtLogin: true } });
    expect(pushed.at(-1)).toMatchObject({ startAtLogin: true });
  });

  it('a bad theme and then a preference change: the engines stay, the warning stays for the Settings page', async () => {
    const f = file();
    const original = JSON.stringify({ ...GOOD, preferences: { ...GOOD.preferences, theme: 'neon' } }, null, 2);
    write(f, original);
    const prefs = new PreferencesService(f, new EventHub());
    expect(await prefs.get()).toEqual({
      startAtLogin: true,
      quitStopsVm: false,
      startVm: true,
      dockerCli: false,
      portsOnAllAddresses: false,
      theme: 'system',
      settingsProblems: {
        file: f,
        warnings: [expect.stringMatching(/^preferences\.theme: "neon" was dropped/), 'Everything else in settings.json was kept.'],
        copy: expect.stringContaining('settings.json.bad-'),
      },
    });
    await prefs.update({ quitStopsVm: true });
    expect(JSON.parse(readFileSync(f, 'utf8'))).toEqual({
      ...GOOD,
      preferences: { startAtLogin: true, quitStopsVm: true, startVm: true, dockerCli: false, portsOnAllAddresses: false, theme: 'system' },
    });
    expect(readFileSync(settingsProblems(f)!.copy!, 'utf8')).toBe(original);
    expect((await prefs.get()).settingsProblems?.warnings).toHaveLength(2); // the file is clean now; what happened is still said
  });
});
