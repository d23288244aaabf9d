/**
 * Auto-pause for real (QEMU, TCG): an idle VM (no container running, no API call) is paused and
 * QEMU then uses no CPU; the docker CLI, used as ever, resumes it without noticing (concurrent
 * calls share one wake), the guest clock is the host's after every resume, a stop from paused
 * works, and a kill -9 of QEMU while paused is an error whose next start boots cold with the data
 * disk intact, byte for byte. The idle time is set short for the test (BERTH_VM_AUTO_PAUSE_MS).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../electron/main/paths';
import { locateAssets } from '../../electron/main/vm/assets';
import type { VmInfo } from '../../electron/shared/models';
import { procStat } from '../support/proc';
import { buildBusybox, TEST_IMAGE } from '../support/test-image';
import { berth, docker, qemuProcesses, vmHome } from './support';

const IDLE_MS = 6000;
const vm = vmHome('pause', { BERTH_VM_AUTO_PAUSE_MS: String(IDLE_MS) });
const { env, client, home } = vm;
const blob = randomBytes(1 << 20);
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const blobSha = () => docker(env, ['run', '--rm', '-v', 'keep:/data', TEST_IMAGE, 'sha256sum', '/data/blob']).split(' ')[0];
const qemuPid = () => Number(readFileSync(join(paths.run(env), 'qemu.pid'), 'utf8'));

/** The VM's state as the daemon pushes it; `reach(s)` resolves once it is `s` (or rejects after `ms`). */
let last: VmInfo | undefined;
const waiters = new Set<() => void>();
const unwatch = client.watch((i) => {
  last = i;
  for (const w of waiters) w();
});
function reach(state: VmInfo['state'], ms = IDLE_MS * 4): Promise<VmInfo> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (last?.state !== state) return;
      waiters.delete(check);
      clearTimeout(timer);
      resolve(last);
    };
    const timer = setTimeout(() => (waiters.delete(check), reject(new Error(`the VM did not get ${state} in ${ms} ms (it is ${last?.state})`))), ms);
    waiters.add(check);
    check();
  });
}

/** QEMU's CPU time so far (ms): /proc/<pid>/stat's utime + stime, and the exact sum of its threads' run time (schedstat). */
function cpuMs(pid: number): { stat: number; exact: number } {
  const f = procStat(pid)?.fields;
  if (!f) throw new Error(`QEMU (pid ${pid}) is gone`);
  let exact = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      exact += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    } catch {
      /* a thread that ended */
    }
  }
  return { stat: (Number(f[11]) + Number(f[12])) * 10, exact }; // utime, stime (fields 14 and 15) in 1/100 s
}

/** The docker CLI, not waiting on the test's own event loop (a few at once). */
function dockerAsync(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('docker', ['--context', 'berth', ...args], { env: { ...env, DOCKER_HOST: undefined } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.once('close', (code) => resolve({ code, out: out.trim() }));
  });
}

describe('auto-pause with instant wake (QEMU)', { timeout: 600_000 }, () => {
  beforeAll(async () => {
    locateAssets(env); // a clear failure when the image was not built
    expect((await client.start()).state).toBe('running');
    buildBusybox({ cli: (args, input) => docker(env, args, input) });
    docker(env, ['volume', 'create', 'keep']);
    docker(env, ['run', '--rm', '-i', '-v', 'keep:/data', TEST_IMAGE, 'sh', '-c', 'cat > /data/blob'], blob);
  }, 300_000);
  afterAll(async () => {
    unwatch();
    await vm.dispose();
  }, 120_000);

  it("an idle VM pauses and QEMU uses no CPU; the docker CLI just works and the guest clock is the host's", async () => {
    await reach('paused');
    const pid = qemuPid();
    await new Promise((r) => setTimeout(r, 1000)); // what QEMU finishes right after its stop is not idle time
    const t0 = cpuMs(pid);
    const w0 = Date.now();
    await new Promise((r) => setTimeout(r, 5000)); // long enough for a clock left alone to be 5 s behind
    const t1 = cpuMs(pid);
    const wall = Date.now() - w0;
    const share = (t1.exact - t0.exact) / wall;
    console.log(`QEMU CPU while paused: ${(t1.exact - t0.exact).toFixed(2)} ms run time (${t1.stat - t0.stat} ms in /proc/stat ticks) in ${wall} ms: ${(share * 100).toFixed(3)} % of a core`);
    expect(share).toBeLessThan(0.005);
    expect((await client.status()).state).toBe('paused');

    // The first call of a paused VM: a container that says the time as the guest has it.
    const before = Date.now() / 1000;
    const guest = Number(docker(env, ['run', '--rm', TEST_IMAGE, 'date', '+%s']));
    const after = Date.now() / 1000;
    expect(guest).toBeGreaterThanOrEqual(Math.floor(before) - 1);
    expect(guest).toBeLessThanOrEqual(after + 1);
    expect((await client.status()).state).toBe('running');
    const b = Date.now();
    const precise = Number(berth(env, ['ssh', 'date', '+%s.%N']).stdout.trim()) * 1000;
    console.log(`guest clock after resume: ${(precise - b).toFixed(0)} ms from the host's before the call (${Date.now() - b} ms in all)`);
    expect(precise).toBeGreaterThan(b - 1000);
    expect(precise).toBeLessThan(Date.now() + 1000);
  });

  it('calls that come together while paused all wait on one wake and all get their answer', async () => {
    await reach('paused');
    const pid = qemuPid();
    const results = await Promise.all([
      dockerAsync(['version', '-f', '{{.Server.Version}}']),
      dockerAsync(['volume', 'ls', '-q']),
      dockerAsync(['run', '--rm', TEST_IMAGE, 'echo', 'hi']),
      dockerAsync(['info', '-f', '{{.Containers}}']),
    ]);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect(results[1].out.split('\n')).toContain('keep');
    expect(results[2].out).toBe('hi');
    expect(qemuPid()).toBe(pid); // the same machine, resumed
    expect((await client.status()).state).toBe('running');
    const log = readFileSync(join(paths.vm(env), 'daemon.log'), 'utf8');
    expect(log).not.toMatch(/auto-pause: could not/);
  });

  it('a container running keeps the VM awake; once it ends, the VM pauses again; stop from paused works', async () => {
    docker(env, ['run', '-d', '--name', 'sleeper', TEST_IMAGE, 'sleep', '3600']);
    await expect(reach('paused', IDLE_MS * 2)).rejects.toThrow(/did not get paused/);
    expect(last?.state).toBe('running');
    docker(env, ['rm', '-f', 'sleeper']);
    await reach('paused');
    expect((await client.stop()).state).toBe('stopped');
    expect(qemuProcesses(home)).toEqual([]);
  });

  it('kill -9 of QEMU while paused: noticed as an error, the next start boots cold, the volume is intact', async () => {
    const steps: string[] = [];
    expect((await client.start((i) => i.step && steps.at(-1) !== i.step && steps.push(i.step))).state).toBe('running');
    await reach('paused');
    process.kill(qemuPid(), 'SIGKILL');
    const err = await reach('error');
    expect(err.reason).toMatch(/^While paused: QEMU was ended by SIGKILL/);
    expect(qemuProcesses(home)).toEqual([]);

    const next: string[] = [];
    expect((await client.start((i) => i.step && next.at(-1) !== i.step && next.push(i.step))).state).toBe('running');
    expect(next.find((s) => s.startsWith('Cold boot'))).toBeDefined();
    expect(next).toContain('Waiting for dockerd');
    expect(next).not.toContain('Restoring the VM from its saved state');
    expect(blobSha()).toBe(sha(blob));
  });
});
