/**
 * The Berth VM's figures (QEMU; TCG on machines without working KVM), each next to a baseline
 * measured in the same run: launch -> engine ready, API latency through the SSH tunnel, a
 * published port's throughput, and idle CPU over a quiet minute.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { findAssets } from '../electron/main/vm/assets';
import { VmClient } from '../electron/main/vm/client';
import type { PrivateDockerd } from '../test/support/dockerd';
import { buildBusybox, TEST_IMAGE } from '../test/support/test-image';
import type { Row } from './row';
import { median } from './row';


function get(socketPath: string | undefined, port: number | undefined, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request({ ...(socketPath ? { socketPath } : { host: '127.0.0.1', port }), path, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => resolve(path === '/big' ? bytes / (Number(process.hrtime.bigint() - t0) / 1e9) / 2 ** 20 : Number(process.hrtime.bigint() - t0) / 1e6));
    });
    req.on('error', reject);
    req.end();
  });
}

async function latency(socketPath: string, path: string, rounds: number): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < rounds; i++) xs.push(await get(socketPath, undefined, path));
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

/** Whether something accepts connections on 127.0.0.1:port now. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });
}

/**
 * `docker start` of a container publishing a port -> the port open on the host's 127.0.0.1,
 * vs the same start -> its `start` event at a `docker events` client (the event Berth acts on).
 */
async function forwardLatency(dockerHost: string, docker: (args: string[]) => string, rounds: number): Promise<Row> {
  const events = spawn('docker', ['-H', dockerHost, 'events', '--format', '{{.Actor.Attributes.name}}', '--filter', 'event=start']);
  const seen = new Map<string, () => void>();
  createInterface({ input: events.stdout }).on('line', (l) => seen.get(l.trim())?.());
  await sleep(500);
  const berth: number[] = [];
  const cli: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const name = `bench-fwd-${i}`;
      const port = 18100 + i;
      docker(['create', '--name', name, '-p', `${port}:8080`, TEST_IMAGE, 'httpd', '-f', '-p', '8080']);
      const t0 = process.hrtime.bigint();
      const event = new Promise<number>((resolve) => seen.set(name, () => resolve(Number(process.hrtime.bigint() - t0) / 1e6)));
      // Not spawnSync: the event's line must be read as it comes.
      await new Promise((resolve) => spawn('docker', ['-H', dockerHost, 'start', name], { stdio: 'ignore' }).once('exit', resolve));
      while (!(await accepts(port))) await sleep(5);
      berth.push(Number(process.hrtime.bigint() - t0) / 1e6);
      cli.push(await event);
      docker(['rm', '-f', name]);
    }
  } finally {
    events.kill();
  }
  return { name: `docker start -> published port open on the host (median of ${rounds})`, unit: 'ms', berth: median(berth), baselineName: 'start event at docker events', baseline: median(cli) };
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
  let big: Server | undefined;
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
      rows.push({ name: `API ${path} through the VM's SSH tunnel (median of 50)`, unit: 'ms', berth: await latency(vmSock, path, 50), baselineName: 'host dockerd, direct socket', baseline: await latency(hostSock, path, 50) });
    }

    // A published port: 32 MiB from a container's httpd, vs the same from a server on loopback.
    const docker = (args: string[], input?: Buffer) => {
      const r = spawnSync('docker', ['-H', info.dockerHost!, ...args], { input, encoding: 'buffer', maxBuffer: 64 << 20 });
      if (r.status !== 0) throw new Error(`docker ${args[0]}: ${r.stderr.toString()}`);
      return r.stdout.toString().trim();
    };
    buildBusybox({ cli: docker });
    docker(['run', '-d', '--name', 'bench-web', '-p', '18090:8080', TEST_IMAGE, 'sh', '-c', 'mkdir -p /www && head -c 33554432 /dev/zero > /www/big && exec httpd -f -p 8080 -h /www']);
    rows.push(await forwardLatency(info.dockerHost!, docker, 5));

    const body = Buffer.alloc(32 << 20);
    big = createServer((_, res) => res.end(body)).listen(18091, '127.0.0.1');
    for (let i = 0; i < 100; i++) {
      if (await get(undefined, 18090, '/big').then(() => true, () => false)) break;
      await sleep(200);
    }
    const through: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < 3; i++) {
      through.push(await get(undefined, 18090, '/big'));
      direct.push(await get(undefined, 18091, '/big'));
    }
    rows.push({ name: 'published port throughput, 32 MiB (median of 3)', unit: 'MiB/s', berth: median(through), baselineName: 'node server on loopback', baseline: median(direct) });
    docker(['rm', '-f', 'bench-web']);

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
  } finally {
    big?.close();
    await client.stop().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }
  return rows;
}
