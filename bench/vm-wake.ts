/**
 * Auto-pause: wake from a paused VM -> /_ping answered (the first call resumes QEMU and sets the
 * guest clock before it is forwarded), next to /_ping while running in the same run; and QEMU's
 * CPU while paused, next to the host dockerd's. The idle time is set to a few seconds for this
 * (the preference takes fractions of a minute), applied by a stop (saved) and a warm start.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { paths } from '../electron/main/paths';
import type { VmClient } from '../electron/main/vm/client';
import type { VmInfo } from '../electron/shared/models';
import { median, type Row } from './row';

const IDLE_MINUTES = 0.05; // 3 s

function ping(socketPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request({ socketPath, path: '/_ping', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
    });
    req.on('error', reject);
    req.end();
  });
}

const ticks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
};

/** Resolves once the VM's pushed state is `state`. */
function reach(client: VmClient, state: VmInfo['state'], ms = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let stop = () => undefined as void;
    const timer = setTimeout(() => (stop(), reject(new Error(`the VM did not get ${state} in ${ms / 1000} s`))), ms);
    stop = client.watch((i) => {
      if (i.state !== state) return;
      clearTimeout(timer);
      queueMicrotask(() => stop());
      resolve();
    });
  });
}

/** The VM is running on entry and on return (with the idle time as it was). */
export async function wakeRows(client: VmClient, env: NodeJS.ProcessEnv, hostDockerd: number, rounds = 5): Promise<Row[]> {
  const file = paths.settings(env);
  let before: string | undefined;
  try {
    before = readFileSync(file, 'utf8');
  } catch {
    /* none yet */
  }
  const settings = before ? (JSON.parse(before) as { vm?: object }) : {};
  writeFileSync(file, JSON.stringify({ ...settings, vm: { ...settings.vm, autoPauseMinutes: IDLE_MINUTES } }));
  try {
    await client.stop();
    const info = await client.start();
    const sock = info.dockerHost!.replace('unix://', '');
    const qemu = Number(readFileSync(join(paths.run(env), 'qemu.pid'), 'utf8'));
    const running: number[] = [];
    for (let i = 0; i < 20; i++) running.push(await ping(sock));
    const woke: number[] = [];
    let pausedCpu = 0;
    let pausedDockerd = 0;
    let pausedS = 0;
    for (let i = 0; i < rounds; i++) {
      await reach(client, 'paused');
      if (i === 0) {
        // CPU while paused: 10 s of it.
        const t = [ticks(qemu), ticks(hostDockerd), performance.now()];
        await sleep(10_000);
        pausedCpu = ticks(qemu) - t[0]!;
        pausedDockerd = ticks(hostDockerd) - t[1]!;
        pausedS = (performance.now() - t[2]!) / 1000;
      }
      woke.push(await ping(sock));
    }
    return [
      { name: `wake from auto-pause -> /_ping (median of ${rounds})`, unit: 'ms', berth: median(woke), baselineName: '/_ping while running (median of 20)', baseline: median(running) },
      {
        name: `QEMU CPU while auto-paused (${Math.round(pausedS)} s)`,
        unit: '% of a core',
        berth: pausedCpu / pausedS,
        baselineName: 'host dockerd, same seconds',
        baseline: Math.max(pausedDockerd / pausedS, 0.01),
      },
    ];
  } finally {
    if (before === undefined) writeFileSync(file, '{}');
    else writeFileSync(file, before);
    await client.stop();
    await client.start();
  }
}
