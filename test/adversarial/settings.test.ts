/**
 * A corrupt or hostile settings file against a real core and the built CLI: every valid part is
 * kept, a preference change never deletes the user's engines, the file as it was is kept byte for
 * byte, and hostile changes over the API are refused with a typed error and leave the file alone.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectedCore, engine, TEST_DATA_DIR, TEST_SETTINGS_FILE } from '../support/engine';
import { tempDir } from '../support/temp';

const docker = engine();
const t = connectedCore();
const ENGINES = [
  { name: 'ci', host: 'tcp://ci.example:2375' },
  { name: 'lab', host: 'ssh://me@lab' },
];
const onDisk = () => JSON.parse(readFileSync(TEST_SETTINGS_FILE, 'utf8')) as Record<string, unknown>;
const leftovers = () => readdirSync(TEST_DATA_DIR).filter((n) => n.startsWith('settings.json') || n.startsWith('berth.lock'));
/** A fresh settings file with this text (copies from an earlier test removed). */
const write = (text: string) => {
  mkdirSync(TEST_DATA_DIR, { recursive: true });
  for (const n of leftovers()) rmSync(join(TEST_DATA_DIR, n));
  writeFileSync(TEST_SETTINGS_FILE, text);
};

describe('a damaged settings file', () => {
  it('a bad theme, then a preference change: the engines are kept, and the file as it was, byte for byte', async () => {
    const original = JSON.stringify({ contexts: ENGINES, preferences: { startAtLogin: false, quitStopsVm: true, theme: 'neon' }, vm: { cpus: 4, memoryMiB: 4096, diskGiB: 64 } }, null, 2);
    write(original);
    const got = await t.call('preferences.get');
    expect(got).toMatchObject({
      ok: true,
      value: {
        theme: 'system',
        settingsProblems: { file: TEST_SETTINGS_FILE, warnings: [expect.stringMatching(/^preferences\.theme: "neon" was dropped/), 'Everything else in settings.json was kept.'] },
      },
    });
    const copy = (got as { value: { settingsProblems: { copy: string } } }).value.settingsProblems.copy;

    expect(await t.call('preferences.update', { theme: 'dark' })).toMatchObject({ ok: true, value: { theme: 'dark' } });
    expect(onDisk()).toEqual({
      contexts: ENGINES,
      preferences: { startAtLogin: false, quitStopsVm: true, startVm: true, dockerCli: false, portsOnAllAddresses: false, theme: 'dark' },
      vm: { cpus: 4, memoryMiB: 4096, diskGiB: 64, autoPauseMinutes: 5 },
      engine: {},
    });
    expect(await t.call('contexts.list')).toMatchObject({ ok: true, value: { contexts: [{ name: 'default' }, { name: 'berth-vm' }, ...ENGINES] } });
    expect(readFileSync(copy).equals(Buffer.from(original))).toBe(true);
    expect(leftovers().sort()).toEqual([copy.split('/').pop(), 'settings.json'].sort());
  });

  it('a file cut short, then an engine added: the broken original is copied byte for byte before it is replaced', async () => {
    const original = JSON.stringify({ contexts: ENGINES, preferences: { theme: 'dark' } }, null, 2).slice(0, 70);
    write(original);
    expect(await t.call('contexts.add', { name: 'new', host: 'unix:///tmp/berth-new.sock' })).toMatchObject({ ok: true });
    const copies = leftovers().filter((n) => n !== 'settings.json');
    expect(copies).toEqual([expect.stringMatching(/^settings\.json\.bad-/)]);
    expect(readFileSync(join(TEST_DATA_DIR, copies[0]!)).equals(Buffer.from(original))).toBe(true);
    expect(onDisk()).toMatchObject({ contexts: [{ name: 'new', host: 'unix:///tmp/berth-new.sock' }] });
    const problems = await t.call('preferences.get');
    expect(problems).toMatchObject({
      ok: true,
      value: { settingsProblems: { warnings: expect.arrayContaining([expect.stringMatching(/^settings\.json is not valid JSON \(.*\); Berth uses the default settings\.$/)]) } },
    });
  });

  it.each([
    ['preferences.update', { theme: 'neon' }],
    ['preferences.update', JSON.parse('{"__proto__": {"theme": "dark"}}')],
    ['preferences.update', { startAtLogin: 'yes' }],
    ['preferences.update', { extra: 1 }],
    ['vm.resources.update', { cpus: 'x' }],
    ['vm.resources.update', { memoryMiB: 1e12 }],
    ['contexts.add', { name: 'bad/name', host: 'tcp://x:1' }],
    ['contexts.add', { name: 'x'.repeat(100_000), host: 'tcp://x:1' }],
    ['contexts.add', { name: 'ok', host: 'x'.repeat(100_000) }],
  ])('refuses %s %j with a typed error and leaves the file alone', async (method, args) => {
    write(JSON.stringify({ contexts: ENGINES }));
    const before = readFileSync(TEST_SETTINGS_FILE, 'utf8');
    expect(await t.call(method, args)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(readFileSync(TEST_SETTINGS_FILE, 'utf8')).toBe(before);
    expect(leftovers().filter((n) => n.startsWith('berth.lock') || n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('berth serve with a damaged settings file', () => {
  it('says what it dropped and where the copy is, and serves with the rest', async () => {
    const home = tempDir('serve-bad');
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ contexts: ENGINES, preferences: { theme: 'neon' } }));
    const cli = spawn(process.execPath, [resolve(__dirname, '../../dist/main/cli.cjs'), 'serve'], { env: { ...process.env, BERTH_HOME: home, BERTH_DOCKER_HOST: docker.dockerHost } });
    try {
      let out = '';
      cli.stdout.on('data', (d: Buffer) => (out += d));
      cli.stderr.on('data', (d: Buffer) => (out += d));
      await new Promise<void>((done, fail) => {
        cli.once('exit', () => fail(new Error(`berth serve exited: ${out}`)));
        cli.stdout.on('data', () => /http:\/\/127\.0\.0\.1:\d+/.test(out) && done());
      });
      expect(out).toContain('berth: preferences.theme: "neon" was dropped');
      expect(out).toContain('berth: Everything else in settings.json was kept.');
      expect(out).toMatch(new RegExp(`berth: The settings file as it was is kept at ${home}/settings\\.json\\.bad-\\S+\\.`));
    } finally {
      cli.kill('SIGKILL');
    }
  });
});
