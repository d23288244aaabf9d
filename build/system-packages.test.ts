import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEBIAN_PACKAGES, ensure, missing, type Gap, type Machine } from './system-packages.mjs';

const PLACES = { buildx: '/opt/berth/buildx/docker-buildx', docker26: '/opt/berth/docker-26', pluginDirs: ['/root/.docker/cli-plugins', '/usr/libexec/docker/cli-plugins'] };
const EVERYTHING = [...DEBIAN_PACKAGES.app, ...DEBIAN_PACKAGES.test];
const FILES = ['/usr/libexec/docker/cli-plugins/docker-compose', PLACES.buildx, `${PLACES.docker26}/versions.txt`, `${PLACES.docker26}/usr/sbin/dockerd`];

/** A Debian machine with these packages and files (root unless told). */
function machine(packages: string[], files: string[], more: Partial<Machine> = {}): Machine {
  return { platform: 'linux', debian: true, root: true, installed: (ps) => new Set(ps.filter((p) => packages.includes(p))), exists: (f) => files.includes(f), onPath: () => false, env: {}, ...more };
}
function run(set: 'app' | 'test', m: Machine, opts: { check?: boolean; fail?: boolean } = {}) {
  const lines: string[] = [];
  const installed: Gap[] = [];
  const code = ensure(set, m, {
    check: opts.check,
    places: PLACES,
    log: (l) => lines.push(l),
    install: (gap) => {
      if (opts.fail) throw new Error('apt-get update failed (exit 100)');
      installed.push(gap);
    },
  });
  return { code, text: lines.join('\n'), installed };
}

describe('system packages', () => {
  it('does nothing and says nothing when all is there', () => {
    expect(run('test', machine(EVERYTHING, FILES))).toEqual({ code: 0, text: '', installed: [] });
    expect(run('app', machine(DEBIAN_PACKAGES.app, []))).toEqual({ code: 0, text: '', installed: [] });
  });

  it('finds only what is missing: the app set is part of the test set, Debian 13 parts by their files', () => {
    expect(missing('app', machine(['kmod'], []), PLACES)).toEqual({ debian: DEBIAN_PACKAGES.app.filter((p) => p !== 'kmod'), trixie: [] });
    expect(
      missing(
        'test',
        machine(
          EVERYTHING.filter((p) => p !== 'chromium' && p !== 'qemu-utils'),
          FILES.slice(1),
        ),
        PLACES,
      ),
    ).toEqual({ debian: ['qemu-utils', 'chromium'], trixie: ['compose'] });
    expect(missing('test', machine(EVERYTHING, FILES.slice(0, 3)), PLACES).trixie).toEqual(['docker26']); // a half-unpacked folder is not one
    expect(missing('test', machine(EVERYTHING, [PLACES.buildx, ...FILES.slice(2)], { env: { BERTH_COMPOSE: '/usr/local/bin/docker-compose' } }), PLACES).trixie).toEqual([]);
  });

  it('installs what is missing as root on Debian, and a failure stops npm test but not npm start', () => {
    const m = machine(
      EVERYTHING.filter((p) => p !== 'docker-registry'),
      FILES.slice(0, 2),
    );
    const r = run('test', m);
    expect(r).toMatchObject({ code: 0, installed: [{ debian: ['docker-registry'], trixie: ['docker26'] }] });
    expect(r.text).toBe("Berth: installing for Berth's tests: Debian packages: docker-registry; and dockerd 26 unpacked in /opt/berth/docker-26 (Debian 13's docker.io)");
    expect(run('test', m, { fail: true })).toMatchObject({ code: 1, text: expect.stringContaining('could not install them: apt-get update failed (exit 100). npm test stops here.') });
    expect(run('app', machine([], []), { fail: true })).toMatchObject({ code: 0, text: expect.stringContaining('Berth starts without them') });
  });

  it('not root: says what to run; npm test stops, npm start goes on', () => {
    const t = run(
      'test',
      machine(
        EVERYTHING.filter((p) => p !== 'chromium'),
        FILES,
        { root: false },
      ),
    );
    expect(t.code).toBe(1);
    expect(t.installed).toEqual([]);
    expect(t.text).toContain("Berth's tests need what is not installed here: Debian packages: chromium.");
    expect(t.text).toContain('Install them as root with: sudo node build/system-packages.mjs test  (or: sudo apt-get install chromium)');
    expect(t.text).toContain('npm test stops here');
    const a = run('app', machine([], [], { root: false }));
    expect(a.code).toBe(0);
    expect(a.text).toContain('the Berth VM needs what is not installed here: Debian packages: g++, make, python3, qemu-system-x86, qemu-utils, debootstrap, squashfs-tools, kmod.');
    expect(a.text).toContain('another engine works meanwhile');
    expect(run('app', machine([], []), { check: true })).toMatchObject({ code: 1, installed: [] });
  });

  it('not Debian: says what is needed and goes on; nothing at all on macOS', () => {
    const linux = run('app', machine([], [], { debian: false, onPath: (c) => c === 'qemu-img' }));
    expect(linux.code).toBe(0);
    expect(linux.text).toMatch(/^Berth: the Berth VM needs g\+\+, make, python3, qemu-system-x86_64, debootstrap, mksquashfs, depmod .*This is not Debian/);
    expect(run('app', machine([], [], { debian: false, onPath: () => true }))).toEqual({ code: 0, text: '', installed: [] });
    expect(run('app', machine([], [], { debian: false, platform: 'darwin' }))).toEqual({ code: 0, text: '', installed: [] });
    expect(run('test', machine([], [], { debian: false }))).toMatchObject({ code: 0, text: expect.stringContaining('the tests go on') });
  });

  it("runs from npm test and npm start before anything else; .ci/run is the README's commands", () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.test).toMatch(/^node build\/system-packages\.mjs test && /);
    expect(scripts.start).toMatch(/^node build\/system-packages\.mjs app && /);
    // .ci/run runs the README's first sh block, line by line: it must be these two.
    const block = readFileSync('README.md', 'utf8')
      .split('```sh\n')[1]!
      .split('\n```')[0]!
      .split('\n')
      .map((l) => l.replace(/\s*#.*$/, ''));
    expect(block).toEqual(['node build/system-packages.mjs app && npm ci && npm start', 'npm test']);
    const ci = spawnSync('bash', ['-c', `source <(sed -n '/^mapfile/,/^tests=/p' .ci/run); printf '%s\\n' "$app" "$tests"`], { encoding: 'utf8' });
    expect(ci.stdout.trim().split('\n')).toEqual(block);
  });

  it('runs as a script: a usage line for a set it does not know; BERTH_SYSTEM_PACKAGES=skip skips it all', () => {
    expect(spawnSync(process.execPath, ['build/system-packages.mjs', 'nonsense'], { encoding: 'utf8' })).toMatchObject({
      status: 2,
      stderr: 'usage: node build/system-packages.mjs app|test [--check]\n',
    });
    const skipped = spawnSync(process.execPath, ['build/system-packages.mjs', 'test', '--check'], {
      encoding: 'utf8',
      env: { ...process.env, BERTH_SYSTEM_PACKAGES: 'skip', BERTH_DOCKER_CURRENT: '/nowhere' },
    });
    expect({ status: skipped.status, stderr: skipped.stderr }).toEqual({ status: 0, stderr: '' });
  });
});
