import { tempDir } from '../../../test/support/temp';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventHub } from '../event-hub';
import { loadSettings, PreferencesService, saveSettings, updateSettings } from './settings';

const file = () => join(tempDir('settings'), 'sub', 'settings.json');

describe('settings', () => {
  it('defaults when there is no file', async () => {
    expect(await loadSettings(file())).toEqual({ settings: { engine: {}, contexts: [], preferences: { startAtLogin: false, quitStopsVm: true, theme: 'system' }, vm: { cpus: 2, memoryMiB: 2048, diskGiB: 64 } } });
  });

  it('round-trips atomically with mode 0600 and leaves no temp file', async () => {
    const f = file();
    await saveSettings(f, { engine: { host: 'unix:///x.sock' }, contexts: [] });
    expect((await loadSettings(f)).settings.engine.host).toBe('unix:///x.sock');
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(f, '..'))).toEqual(['settings.json']);
  });

  it('ignores a broken or invalid file with a warning instead of failing', async () => {
    const f = file();
    await saveSettings(f, { engine: {} });
    writeFileSync(f, '{ not json');
    expect(await loadSettings(f)).toMatchObject({ settings: { engine: {} }, warning: expect.stringMatching(/not valid JSON/) });
    writeFileSync(f, JSON.stringify({ engine: { host: 42 } }));
    expect(await loadSettings(f)).toMatchObject({ settings: { engine: {} }, warning: expect.stringMatching(/invalid/) });
  });

  it('refuses to save invalid settings and keeps the old file', async () => {
    const f = file();
    await saveSettings(f, { engine: { host: 'unix:///a.sock' } });
    await expect(saveSettings(f, { engine: { host: '' } })).rejects.toThrow();
    expect(JSON.parse(readFileSync(f, 'utf8')).engine.host).toBe('unix:///a.sock');
  });

  it('fills preferences missing from an older file without dropping the rest', async () => {
    const f = file();
    await saveSettings(f, { engine: {}, contexts: [{ name: 'ci', host: 'tcp://h:2375' }] });
    writeFileSync(f, JSON.stringify({ contexts: [{ name: 'ci', host: 'tcp://h:2375' }], preferences: { theme: 'dark' } }));
    expect((await loadSettings(f)).settings).toMatchObject({ contexts: [{ name: 'ci' }], preferences: { theme: 'dark', startAtLogin: false, quitStopsVm: true } });
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
});
