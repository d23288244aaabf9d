/**
 * Two Berths on one data folder: writers in separate processes lose no update (the data-folder
 * lock), and a second `berth serve` hands over to the first instead of starting a second server,
 * also after the first was killed with -9 (its lock and socket are taken over).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from '../support/engine';
import { tempDir } from '../support/temp';
import { CLI as cli, printed as until, runNode as run, URL_LINE } from '../support/node-process';

const docker = engine();
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid;

describe('two writers on one data folder', () => {
  // The writer: a small script on ContextsService, bundled once for this file.
  const bundleDir = mkdtempSync(join(tmpdir(), 'berth-adder-'));
  const adder = join(bundleDir, 'add-contexts.cjs');
  beforeAll(() => {
    buildSync({ entryPoints: [join(__dirname, 'fixtures/add-contexts.ts')], outfile: adder, bundle: true, platform: 'node', format: 'cjs', packages: 'external', logLevel: 'warning' });
  });
  afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

  it.each([
    ['an empty folder', () => undefined],
    ['a lock left by a writer that was killed with -9', (home: string) => writeFileSync(join(home, 'berth.lock'), JSON.stringify({ pid: deadPid(), nonce: 'x', since: Date.now() }))],
  ])('50 contexts.add at once from two processes, on %s: none is lost, nothing is left', async (_what, prepare) => {
    const home = tempDir('writers');
    const file = join(home, 'settings.json');
    prepare(home);
    const writers = ['a', 'b'].map((prefix) => run([adder, file, prefix, '25'], {}));
    for (const w of writers) w.stdin!.end('go\n'); // both start together
    expect(await Promise.all(writers.map((w) => w.exited))).toEqual([0, 0]);
    for (const w of writers) expect(JSON.parse(w.out)).toEqual({ accepted: 25, failed: [] });
    const names = (JSON.parse(readFileSync(file, 'utf8')) as { contexts: { name: string }[] }).contexts.map((c) => c.name);
    expect(names).toHaveLength(50);
    expect(new Set(names)).toEqual(new Set(['a', 'b'].flatMap((p) => Array.from({ length: 25 }, (_, i) => `${p}-${i}`))));
    expect(readdirSync(home)).toEqual(['settings.json']); // no lock, token or temp file
  });
});

describe('two `berth serve` on one BERTH_HOME', () => {
  beforeAll(() => {
    if (!existsSync(cli)) throw new Error('dist/main/cli.cjs missing: run `npm run build` (npm test does)');
  });

  it('gives one server: the second prints the first’s URL and exits 0; after a kill -9 the next one takes over', async () => {
    const home = tempDir('serve');
    const env = { BERTH_HOME: home, BERTH_DOCKER_HOST: docker.dockerHost };
    const first = run([cli, 'serve'], env);
    const [, url] = await until(first, URL_LINE);
    const second = run([cli, 'serve'], env);
    expect(await second.exited).toBe(0);
    expect(second.out).toContain(`berth: Berth is already running for ${home} (process ${first.pid}), so this one stops here.`);
    expect(second.out.match(URL_LINE)?.[1]).toBe(url);
    expect(second.out).not.toContain('Berth dashboard (browser mode)');
    expect(first.exitCode).toBeNull(); // the first is still serving
    expect((await fetch(url!)).status).toBeLessThan(500);

    // Two at the same moment, while the first runs: both hand over.
    const both = [run([cli, 'serve'], env), run([cli, 'serve'], env)];
    expect(await Promise.all(both.map((b) => b.exited))).toEqual([0, 0]);
    for (const b of both) expect(b.out.match(URL_LINE)?.[1]).toBe(url);

    first.kill('SIGKILL');
    await first.exited;
    expect(existsSync(join(home, 'run/berth.sock'))).toBe(true); // left behind by the killed one
    const next = run([cli, 'serve'], env);
    const [, nextUrl] = await until(next, URL_LINE);
    expect(next.out).toContain('Berth dashboard (browser mode)');
    expect(nextUrl).not.toBe(url);
    next.kill('SIGTERM');
    expect(await next.exited).toBe(0);
    expect(readdirSync(join(home, 'run'))).toEqual([]); // its socket is gone with it
    expect(existsSync(join(home, 'berth.lock'))).toBe(false);
  });

  it('of two started at the same moment on a fresh folder, one serves and the other hands over to it', async () => {
    const home = tempDir('serve2');
    const env = { BERTH_HOME: home, BERTH_DOCKER_HOST: docker.dockerHost };
    const [a, b] = [run([cli, 'serve'], env), run([cli, 'serve'], env)];
    const handedOver = await Promise.race([a.exited.then(() => a), b.exited.then(() => b)]);
    const serving = handedOver === a ? b : a;
    expect(await handedOver.exited).toBe(0);
    const [, url] = await until(serving, URL_LINE);
    expect(handedOver.out.match(URL_LINE)?.[1]).toBe(url);
    expect(serving.exitCode).toBeNull();
    serving.kill('SIGTERM');
    expect(await serving.exited).toBe(0);
  });
});
