/** What a test file uses: the shared private engine and a Berth core connected to it. */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { createCore, type Core } from '../../electron/main/core';
import { vmDockerHost } from '../../electron/main/services/contexts';
import type { EventName, Events } from '../../electron/shared/api-contract';
import { PrivateDockerd } from './dockerd';

export const engine = () => new PrivateDockerd(inject('dockerdDir'));

/**
 * What test cores keep on disk goes to a per-process folder, never to the user's data folder;
 * inside the shared engine's folder, which the run's teardown removes whatever a file left.
 */
export const TEST_DATA_DIR = join(inject('dockerdDir'), `berth-data-${process.pid}`);
export const TEST_REGISTRIES_FILE = join(TEST_DATA_DIR, 'registries.json');
export const TEST_SETTINGS_FILE = join(TEST_DATA_DIR, 'settings.json');

/**
 * The test cores' docker config, made at first with an old login's name in `auths` (no secret), so
 * logins stay in the file itself. This machine has Debian's pass and docker-credential-pass (for
 * the helper tests) but no password store: given a config with no login setup at all, the docker
 * CLI, and Berth with it, would pick pass and fail ("pass not initialized").
 */
export const TEST_DOCKER_CONFIG = join(TEST_DATA_DIR, 'docker-config');
export const TEST_DOCKER_CONFIG_SEED = { auths: { 'old.registry.invalid': {} } };
function seedDockerConfig(): void {
  const file = join(TEST_DOCKER_CONFIG, 'config.json');
  if (existsSync(file)) return;
  mkdirSync(TEST_DOCKER_CONFIG, { recursive: true });
  writeFileSync(file, JSON.stringify(TEST_DOCKER_CONFIG_SEED, null, '\t'), { mode: 0o600 });
}

/** A core with a fast retry, for tests that stop and start the engine. `env` adds to (or blanks) its environment. */
export function testCore(dockerHost = engine().dockerHost, env: NodeJS.ProcessEnv = {}): Core {
  if (env.DOCKER_CONFIG === undefined) seedDockerConfig();
  return createCore({
    dockerHost: env.BERTH_DOCKER_HOST === '' ? vmDockerHost({ BERTH_HOME: TEST_DATA_DIR }) : dockerHost,
    engine: { retryMinMs: 100, retryMaxMs: 500, coalesceMs: 50 },
    registriesFile: TEST_REGISTRIES_FILE,
    settingsFile: TEST_SETTINGS_FILE,
    runDir: join(TEST_DATA_DIR, 'run'),
    // The VM is the mock one (BERTH_VM=mock) relaying to the test engine; its daemon is the built CLI.
    env: {
      ...process.env,
      BERTH_DOCKER_HOST: dockerHost,
      BERTH_HOME: TEST_DATA_DIR,
      BERTH_VM: 'mock',
      BERTH_VM_MOCK_BOOT_MS: '150',
      BERTH_VM_MOCK_ENGINE: dockerHost,
      DOCKER_CONFIG: TEST_DOCKER_CONFIG,
      ...env,
    },
    vmCliPath: join(__dirname, '../../dist/main/cli.cjs'),
  });
}

/**
 * For a test file: a core connected to the shared engine before its tests, disposed after. With
 * `vmEngine`, nothing names an engine: the engine in use is the (mock) VM, stopped at first.
 */
export function connectedCore(opts: { vmEngine?: { bootMs: number } } = {}): { readonly core: Core; call: (method: string, args?: unknown) => ReturnType<Core['router']['handle']> } {
  let core: Core | undefined;
  beforeAll(async () => {
    if (opts.vmEngine) return void (core = testCore(undefined, { BERTH_DOCKER_HOST: '', DOCKER_HOST: '', BERTH_VM_MOCK_BOOT_MS: String(opts.vmEngine.bootMs) }));
    core = testCore();
    await waitFor(() => core!.engine.getStatus().state === 'up', 10_000, 'engine up');
  });
  afterAll(() => {
    core?.dispose();
    rmSync(TEST_DATA_DIR, { recursive: true, force: true });
  });
  return {
    get core() {
      if (!core) throw new Error('core used outside a test');
      return core;
    },
    call: (method, args) => core!.router.handle(method, args),
  };
}

/** Resolves with the first push of `name` that satisfies `pred`, or rejects after `ms`. */
export function nextEvent<E extends EventName>(core: Core, name: E, pred: (p: Events[E]) => boolean = () => true, ms = 5000): Promise<Events[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${name} event within ${ms} ms`));
    }, ms);
    const off = core.hub.on((n, p) => {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- tsc needs it: E and E would not overlap
      if ((n as EventName) === name && pred(p as unknown as Events[E])) {
        clearTimeout(timer);
        off();
        resolve(p as unknown as Events[E]);
      }
    });
  });
}

export async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, ms = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * For a test file: a list to push the name of every container it makes. After its tests, even
 * failed ones, each is removed (with its anonymous volumes), then the file fails if any is left.
 */
export function madeByFile(): string[] {
  const made: string[] = [];
  afterAll(() => {
    const docker = engine();
    for (const n of made) docker.try(['rm', '-f', '-v', n]);
    const names = new Set(docker.cli(['ps', '-a', '--format', '{{.Names}}']).split('\n'));
    const left = made.filter((n) => names.has(n));
    if (left.length) throw new Error(`containers left in the test engine: ${left.join(', ')}`);
  });
  return made;
}

/** A name unique to this test run, so tests never collide over leftovers. */
let n = 0;
export const uniq = (prefix: string) => `${prefix}-${process.pid}-${++n}`;
