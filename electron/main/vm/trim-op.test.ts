import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VmBackend, VmRun } from './backend';
import { VmClient } from './client';
import { runVmDaemon } from './daemon';

const home = mkdtempSync(join('/tmp', 'berth-trim-')); // short: the control socket lives under it
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** A backend whose run trims with `trim` (or has no trim at all). */
function backend(trim?: () => Promise<number>): VmBackend {
  return {
    kind: 'mock',
    boot: async () => {
      let end!: (e: { expected: boolean }) => void;
      const run: VmRun = {
        dockerHost: `unix://${join(home, 'no-engine.sock')}`,
        forwardPort: async () => async () => undefined,
        exited: new Promise((r) => (end = r)),
        stop: async () => end({ expected: true }),
        ...(trim ? { trim } : {}),
      };
      return run;
    },
  };
}

describe("the VM daemon's trim", () => {
  const env = { BERTH_HOME: home, DOCKER_CONFIG: join(home, 'docker') };
  const client = new VmClient({ env });

  it('with no daemon, or the VM not started: said in words, typed', async () => {
    const notRunning = { name: 'BerthError', code: 'CONFLICT', hint: 'Start the VM (the VM page, or `berth vm start`), then compact again.' };
    await expect(client.trim()).rejects.toMatchObject({ ...notRunning, message: 'The Berth VM is not running, so its disk cannot be compacted now.' });
    const { done } = await runVmDaemon(
      backend(async () => 1),
      env,
    );
    await expect(client.trim()).rejects.toMatchObject({ ...notRunning, message: 'The Berth VM is stopped, so its disk cannot be compacted now.' });
    await client.stop();
    await done;
  });

  it("carries the guest's bytes trimmed, and a failed trim's own words", async () => {
    let answer: () => Promise<number> = async () => 67043217408;
    const { done } = await runVmDaemon(
      backend(() => answer()),
      env,
    );
    await client.start();
    expect(await client.trim()).toBe(67043217408);
    answer = () => Promise.reject(new Error('fstrim: /var/lib/docker: FITRIM ioctl failed: Input/output error'));
    await expect(client.trim()).rejects.toMatchObject({ code: 'COMMAND_FAILED', message: 'fstrim: /var/lib/docker: FITRIM ioctl failed: Input/output error' });
    expect((await client.status()).state).toBe('running'); // a failed trim changes nothing else
    await client.stop();
    await done;
  });

  it('a backend without a trim says so', async () => {
    const { done } = await runVmDaemon(backend(), env);
    await client.start();
    await expect(client.trim()).rejects.toMatchObject({ code: 'UNAVAILABLE', message: 'The mock VM backend cannot trim its disk.' });
    await client.stop();
    await done;
  });
});
