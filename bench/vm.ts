/**
 * The Berth VM's figures (QEMU; TCG on machines without working KVM), each next to a baseline
 * measured in the same run: launch -> engine ready, API latency through the SSH tunnel, a
 * published port's throughput, and idle CPU over a quiet minute.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findAssets } from '../electron/main/vm/assets';
import { VmClient } from '../electron/main/vm/client';
import type { PrivateDockerd } from '../test/support/dockerd';
import { buildBusybox } from '../test/support/test-image';
import { extras, median, type Row } from './row';
import { bootRows } from './vm-boot';
import { tunnelRows } from './vm-tunnel';
import { diskRows } from './vm-disk';
import { wakeRows } from './vm-wake';
import { portRows } from './vm-ports';

function get(socketPath: string | undefined, port: number | undefined, path: string, agent: Agent | false = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request({ ...(socketPath ? { socketPath } : { host: '127.0.0.1', port }), path, agent }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => resolve(path === '/big' ? bytes / (Number(process.hrtime.bigint() - t0) / 1e9) / 2 ** 20 : Number(process.hrtime.bigint() - t0) / 1e6));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The median of `rounds` calls, each on a connection of its own (as the docker CLI makes them), or all on one kept-alive connection. */
async function latency(socketPath: string, path: string, rounds: number, keepAlive = false): Promise<number> {
  const agent = keepAlive ? new Agent({ keepAlive: true, maxSockets: 1 }) : false;
  const xs: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) xs.push(await get(socketPath, undefined, path, agent));
  } finally {
    if (agent) agent.destroy();
  }
  return median(xs);
}

/** CPU seconds a process used so far (utime + stime from /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
}

function daemonPid(home: string): number | undefined {
  const r = spawnSync('pgrep', ['-f', `vm daemon`], { encoding: 'utf8' });
  const pids = r.stdout.split('\n').filter(Boolean).map(Number);
  return pids.find((p) => readFileSync(`/proc/${p}/environ`, 'utf8').includes(`BERTH_HOME=${home}`));
}

export async function vmRows(engine: PrivateDockerd, cliPath: string): Promise<Row[]> {
  try {
    findAssets();
  } catch (e) {
    console.log(`bench: no VM rows (${(e as Error).message})`);
    return [];
  }
  const home = mkdtempSync('/tmp/berth-bv-');
  const env = { ...process.env, BERTH_HOME: home, DOCKER_CONFIG: join(home, 'docker'), BERTH_VM_SHARE: home };
  const client = new VmClient({ env, cliPath });
  const rows: Row[] = [];
  try {
    // Launch -> engine ready, vs the host's own dockerd from start to its first /_ping.
    let t0 = process.hrtime.bigint();
    const info = await client.start();
    const launch = Number(process.hrtime.bigint() - t0) / 1e9;
    await engine.stop();
    t0 = process.hrtime.bigint();
    await engine.start();
    const hostStart = Number(process.hrtime.bigint() - t0) / 1e9;
    rows.push({ name: 'VM launch -> engine answers (QEMU, first boot formats the disk)', unit: 's', berth: launch, baselineName: 'dockerd on the host, no VM', baseline: hostStart });

    const vmSock = info.dockerHost!.replace('unix://', '');
    const hostSock = engine.dockerHost.replace('unix://', '');
    for (const path of ['/_ping', '/containers/json']) {
      rows.push({
        name: `API ${path} through the VM's SSH tunnel, a connection per call (median of 50)`,
        unit: 'ms',
        berth: await latency(vmSock, path, 50),
        baselineName: 'host dockerd, direct socket',
        baseline: await latency(hostSock, path, 50),
      });
    }
    for (const path of ['/_ping', '/containers/json']) {
      rows.push({
        name: `API ${path} through the VM's SSH tunnel, one kept-alive connection (median of 50)`,
        unit: 'ms',
        berth: await latency(vmSock, path, 50, true),
        baselineName: 'host dockerd, direct socket, kept alive',
        baseline: await latency(hostSock, path, 50, true),
      });
    }
    rows.push(...(await tunnelRows(info, env, home)));

    const docker = (args: string[], input?: Buffer) => {
      const r = spawnSync('docker', ['-H', info.dockerHost!, ...args], { input, encoding: 'buffer', maxBuffer: 64 << 20 });
      if (r.status !== 0) throw new Error(`docker ${args[0]}: ${r.stderr.toString()}`);
      return r.stdout.toString().trim();
    };
    buildBusybox({ cli: docker });
    // Published ports: start -> open, throughput, a UDP round trip (vm-ports.ts).
    rows.push(...(await portRows(info.dockerHost!, docker, Number(readFileSync(join(home, 'run/qemu.pid'), 'utf8')))));

    // The data disk gives the space back once a gigabyte is removed in the VM.
    rows.push(...(await diskRows(docker, env)));

    // Idle: the VM (qemu) and Berth's VM daemon over a quiet minute, vs the host dockerd.
    const seconds = Number(process.env.BENCH_IDLE_S ?? 60);
    const qemu = Number(readFileSync(join(home, 'run/qemu.pid'), 'utf8'));
    const daemon = daemonPid(home);
    const dockerd = engine.pid()!;
    const before = [cpuSeconds(qemu), daemon ? cpuSeconds(daemon) : 0, cpuSeconds(dockerd)];
    await sleep(seconds * 1000);
    const after = [cpuSeconds(qemu), daemon ? cpuSeconds(daemon) : 0, cpuSeconds(dockerd)];
    const pct = (i: number) => ((after[i]! - before[i]!) / seconds) * 100;
    rows.push({ name: `idle CPU over ${seconds} s: the VM (qemu)`, unit: '% of a core', berth: pct(0), baselineName: 'host dockerd, same minute', baseline: Math.max(pct(2), 0.01) });
    rows.push({ name: `idle CPU over ${seconds} s: Berth's VM daemon`, unit: '% of a core', berth: pct(1), baselineName: 'host dockerd, same minute', baseline: Math.max(pct(2), 0.01) });

    // Cold boot (with its timeline from the guest's logs) and warm start, each next to the host dockerd's start.
    const boot = await bootRows(client, engine, cliPath, env);
    rows.push(...boot.rows);
    extras.vmBootTimeline = boot.timeline;

    // Auto-pause: wake -> /_ping, vs /_ping while running; QEMU's CPU while paused.
    rows.push(...(await wakeRows(client, env, engine.pid()!)));
  } finally {
    await client.stop().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }
  return rows;
}
