/**
 * A boot stuck before its first console line (seen once in CI under TCG: QEMU alive, the console
 * empty for 180 s) is noticed by its silence, ended, and booted again, once. Real QEMU: the first
 * one is frozen by QMP's `stop` as soon as its QMP socket opens, so its console stays silent.
 * Needs `npm run vm:build` first.
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { paths } from '../../electron/main/paths';
import { QemuBackend } from '../../electron/main/vm/backends/qemu/qemu-backend';
import { ping } from '../../electron/main/vm/backends/qemu/readiness';
import { QmpClient } from '../../electron/main/vm/backends/qemu/qmp';
import { DEFAULT_RESOURCES } from '../../electron/shared/api-contract';
import { qemuProcesses, vmHome } from './support';

const h = vmHome('stuck');
const fresh = vmHome('stuck-stop');
afterAll(() => Promise.all([h.dispose(), fresh.dispose()]), 120_000);

describe('a boot stuck at its start (QEMU)', () => {
  it('is noticed by its silent console and booted again; one QEMU is left, and its engine answers', async () => {
    const qmpSocket = paths.vmQmpSocket(h.env);
    const freeze = (async () => {
      while (!existsSync(qmpSocket)) await sleep(20);
      const qmp = new QmpClient(qmpSocket);
      await qmp.hmp('stop');
      qmp.close();
      return qemuProcesses(h.home);
    })();
    const said: string[] = [];
    const run = await new QemuBackend({ env: h.env, silentBootMs: 30_000 }).boot(DEFAULT_RESOURCES, (words) => said.push(words));
    const frozen = await freeze;
    expect(frozen).toHaveLength(1);
    expect(said).toContain('The VM was stuck at the start of its boot: its console said nothing in 30 s. Booting it again.');
    const left = qemuProcesses(h.home);
    expect(left).toHaveLength(1);
    expect(left).not.toEqual(frozen);
    expect(await ping(run.dockerHost.replace(/^unix:\/\//, ''), 10_000)).toBe(true);
    await run.stop();
    expect(qemuProcesses(h.home)).toEqual([]);
  });

  it('asked to stop while stuck, it boots no second time', async () => {
    const h = fresh; // a home of its own: the first test's saved state would make this a warm start
    const qmpSocket = paths.vmQmpSocket(h.env);
    const stopAsked = new AbortController();
    const freeze = (async () => {
      while (!existsSync(qmpSocket)) await sleep(20);
      const qmp = new QmpClient(qmpSocket);
      await qmp.hmp('stop');
      qmp.close();
      stopAsked.abort(); // what the manager does on a stop during a boot
    })();
    const said: string[] = [];
    const failed = await new QemuBackend({ env: h.env, silentBootMs: 30_000 })
      .boot(DEFAULT_RESOURCES, (words) => said.push(words), stopAsked.signal)
      .then(
        () => undefined,
        (e: Error) => e,
      );
    await freeze;
    expect(failed).toMatchObject({ message: 'The VM was stuck at the start of its boot: its console said nothing in 30 s.' });
    expect(said.filter((w) => w.includes('Booting it again'))).toEqual([]);
    expect(qemuProcesses(h.home)).toEqual([]);
  });
});
