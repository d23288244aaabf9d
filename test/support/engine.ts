/** What a test file uses: the shared private engine and a Berth core connected to it. */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { createCore, type Core } from '../../electron/main/core';
import type { EventName, Events } from '../../electron/shared/api-contract';
import { PrivateDockerd } from './dockerd';

export const engine = () => new PrivateDockerd(inject('dockerdDir'));

/** What test cores keep on disk goes to a per-process folder, never to the user's data folder. */
export const TEST_DATA_DIR = join(tmpdir(), `berth-test-data-${process.pid}`);
export const TEST_REGISTRIES_FILE = join(TEST_DATA_DIR, 'registries.json');
export const TEST_SETTINGS_FILE = join(TEST_DATA_DIR, 'settings.json');

/** A core with a fast retry, for tests that stop and start the engine. */
export function testCore(dockerHost = engine().dockerHost): Core {
  return createCore({
    dockerHost,
    engine: { retryMinMs: 100, retryMaxMs: 500, coalesceMs: 50 },
    registriesFile: TEST_REGISTRIES_FILE,
    settingsFile: TEST_SETTINGS_FILE,
    runDir: join(TEST_DATA_DIR, 'run'),
    // The VM is the mock one (BERTH_VM=mock) relaying to the test engine; its daemon is the built CLI.
    env: { ...process.env, BERTH_DOCKER_HOST: dockerHost, BERTH_HOME: TEST_DATA_DIR, BERTH_VM: 'mock', BERTH_VM_MOCK_BOOT_MS: '150', DOCKER_CONFIG: join(TEST_DATA_DIR, 'docker-config') },
    vmCliPath: join(__dirname, '../../dist/main/cli.cjs'),
  });
}

/** For a test file: a core connected to the shared engine before its tests, disposed after. */
export function connectedCore(): { readonly core: Core; call: (method: string, args?: unknown) => ReturnType<Core['router']['handle']> } {
  let core: Core | undefined;
  beforeAll(async () => {
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

/** A name unique to this test run, so tests never collide over leftovers. */
let n = 0;
export const uniq = (prefix: string) => `${prefix}-${process.pid}-${++n}`;
