/**
 * What the SSH tunnel's channel opened ahead (electron/main/engine/spare.ts) saves: the same calls,
 * one connection each (as the docker CLI makes them), through Berth's tunnel and through a second
 * tunnel to the same VM with none opened ahead (as the tunnel was before), taken in turns so that
 * both see the same load.
 */
import type { Agent } from 'node:http';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SshTunnel } from '../electron/main/engine/ssh-tunnel';
import { vmKeys } from '../electron/main/vm/keys';
import type { VmInfo } from '../electron/shared/models';
import { median, type Row } from './row';

function call(socketPath: string, path: string, agent: Agent | false = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request({ socketPath, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `rounds` calls to each socket in turns, `gapMs` apart; the medians. */
async function inTurns(a: string, b: string, path: string, rounds: number, gapMs: number): Promise<[number, number]> {
  const xa: number[] = [];
  const xb: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (gapMs) await sleep(gapMs);
    xa.push(await call(a, path));
    if (gapMs) await sleep(gapMs);
    xb.push(await call(b, path));
  }
  return [median(xa), median(xb)];
}

export async function tunnelRows(info: VmInfo, env: NodeJS.ProcessEnv, home: string): Promise<Row[]> {
  if (!info.ssh || !info.dockerHost) return [];
  const keys = vmKeys(env);
  const bare = new SshTunnel({
    target: { host: info.ssh.host, port: info.ssh.port, username: 'root', remoteSocket: '/var/run/docker.sock' },
    privateKey: keys.privateKey,
    hostKeys: [keys.hostKeyFingerprint],
    localSocket: join(home, 'bare.sock'),
    spareChannels: 0,
  });
  await bare.listen();
  const rows: Row[] = [];
  try {
    const berth = info.dockerHost.replace('unix://', '');
    const other = join(home, 'bare.sock');
    await inTurns(berth, other, '/_ping', 3, 0); // both connected
    for (const [gap, words] of [
      [0, 'back to back'],
      [50, '50 ms apart'],
    ] as const) {
      const [withSpare, without] = await inTurns(berth, other, '/_ping', 50, gap);
      rows.push({
        name: `API /_ping via the VM's tunnel, a channel opened ahead, calls ${words} (median of 50)`,
        unit: 'ms',
        berth: withSpare,
        baselineName: 'SSH tunnel with none opened ahead, in turns',
        baseline: without,
      });
    }
  } finally {
    await bare.close();
  }
  return rows;
}
