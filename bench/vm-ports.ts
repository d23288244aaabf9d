/**
 * The VM's published ports, each figure next to a baseline from the same run: `docker start` ->
 * the port open on the host (vs the start event, and the forwarder's own share after it), a
 * published port's throughput (vs a node server on loopback) with the CPU each spends per MiB,
 * and a UDP round trip through a published port (vs a UDP echo on loopback).
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_IMAGE } from '../test/support/test-image';
import { median, type Row } from './row';

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** CPU seconds a process used so far (utime + stime from /proc). */
const cpuSeconds = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

/** Whether something accepts connections on 127.0.0.1:port now. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });
}

/** GET /big from 127.0.0.1:port: MiB/s. */
function download(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port, path: '/big', agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => resolve(bytes / 2 ** 20 / (ms(t0) / 1000)));
    });
    req.on('error', reject);
    req.end();
  });
}

/** One UDP round trip to 127.0.0.1:port (ms), or a rejection after 5 s. */
function udpRoundTrip(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const t0 = process.hrtime.bigint();
    const timer = setTimeout(() => (s.close(), reject(new Error('no UDP reply'))), 5000);
    s.once('message', () => (clearTimeout(timer), s.close(), resolve(ms(t0))));
    s.send('ping', port, '127.0.0.1');
  });
}

/** `docker start` -> port open on the host, vs -> its start event at a `docker events` client (the event Berth acts on). */
async function startToOpen(dockerHost: string, docker: (args: string[]) => string, rounds: number): Promise<Row[]> {
  const events = spawn('docker', ['-H', dockerHost, 'events', '--format', '{{.Actor.Attributes.name}}', '--filter', 'event=start']);
  const seen = new Map<string, () => void>();
  createInterface({ input: events.stdout }).on('line', (l) => seen.get(l.trim())?.());
  await sleep(500);
  const open: number[] = [];
  const event: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const name = `bench-fwd-${i}`;
      const port = 18100 + i;
      docker(['create', '--name', name, '-p', `${port}:8080`, TEST_IMAGE, 'httpd', '-f', '-p', '8080']);
      const t0 = process.hrtime.bigint();
      const started = new Promise<number>((resolve) => seen.set(name, () => resolve(ms(t0))));
      // Not spawnSync: the event's line must be read as it comes.
      await new Promise((resolve) => spawn('docker', ['-H', dockerHost, 'start', name], { stdio: 'ignore' }).once('exit', resolve));
      while (!(await accepts(port))) await sleep(5);
      open.push(ms(t0));
      event.push(await started);
      docker(['rm', '-f', name]);
    }
  } finally {
    events.kill();
  }
  const after = open.map((o, i) => Math.max(0, o - event[i]!));
  return [
    { name: `docker start -> published port open on the host (median of ${rounds})`, unit: 'ms', berth: median(open), baselineName: 'start event at docker events', baseline: median(event) },
    {
      name: `start event -> published port open: Berth's forwarder (median of ${rounds})`,
      unit: 'ms',
      berth: median(after),
      baselineName: 'docker start -> start event (dockerd in the VM)',
      baseline: median(event),
    },
  ];
}

/** 32 MiB from a container's httpd through a published port, vs from a node server on loopback; and the CPU each way spends per MiB. */
async function throughput(docker: (args: string[]) => string, qemuPid: number): Promise<Row[]> {
  docker(['run', '-d', '--name', 'bench-web', '-p', '18090:8080', TEST_IMAGE, 'sh', '-c', 'mkdir -p /www && head -c 33554432 /dev/zero > /www/big && exec httpd -f -p 8080 -h /www']);
  const body = Buffer.alloc(32 << 20);
  const big = createServer((_, res) => res.end(body)).listen(18091, '127.0.0.1');
  try {
    for (let i = 0; i < 100; i++) {
      if (
        await download(18090).then(
          () => true,
          () => false,
        )
      )
        break;
      await sleep(200);
    }
    const through: number[] = [];
    const direct: number[] = [];
    let qemuCpu = 0;
    let ownCpu = 0;
    for (let i = 0; i < 3; i++) {
      const q0 = cpuSeconds(qemuPid);
      through.push(await download(18090));
      qemuCpu += cpuSeconds(qemuPid) - q0;
      const c0 = process.cpuUsage();
      direct.push(await download(18091));
      const c = process.cpuUsage(c0);
      ownCpu += (c.user + c.system) / 1e6;
    }
    return [
      { name: 'published port throughput, 32 MiB (median of 3)', unit: 'MiB/s', berth: median(through), baselineName: 'node server on loopback', baseline: median(direct) },
      {
        name: 'published port, CPU per MiB moved: QEMU (guest and its user network)',
        unit: 'ms/MiB',
        berth: (qemuCpu * 1000) / 96,
        baselineName: 'node server and client on loopback',
        baseline: (ownCpu * 1000) / 96,
      },
    ];
  } finally {
    big.close();
    docker(['rm', '-f', 'bench-web']);
  }
}

/** A UDP echo in a container (perl from the VM's own root: busybox has no UDP server) vs a node UDP echo on loopback. */
async function udp(docker: (args: string[]) => string, rounds: number): Promise<Row> {
  docker([
    'run',
    '-d',
    '--name',
    'bench-udp',
    '-v',
    '/:/vm:ro',
    '-p',
    '18092:8053/udp',
    TEST_IMAGE,
    'chroot',
    '/vm',
    'perl',
    '-MIO::Socket::INET',
    '-e',
    '$s = IO::Socket::INET->new(LocalPort => 8053, Proto => "udp") or die; while ($s->recv($m, 1024)) { $s->send($m) }',
  ]);
  const echo = createSocket('udp4').on('message', (m, r) => echo.send(m, r.port, r.address));
  await new Promise<void>((ok) => echo.bind(18093, '127.0.0.1', ok));
  try {
    for (
      let i = 0;
      i < 50 &&
      !(await udpRoundTrip(18092).then(
        () => true,
        () => false,
      ));
      i++
    )
      await sleep(200);
    const through: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < rounds; i++) {
      through.push(await udpRoundTrip(18092));
      direct.push(await udpRoundTrip(18093));
    }
    return { name: `UDP round trip through a published port (median of ${rounds})`, unit: 'ms', berth: median(through), baselineName: 'node UDP echo on loopback', baseline: median(direct) };
  } finally {
    echo.close();
    docker(['rm', '-f', 'bench-udp']);
  }
}

export async function portRows(dockerHost: string, docker: (args: string[]) => string, qemuPid: number): Promise<Row[]> {
  return [...(await startToOpen(dockerHost, docker, 5)), ...(await throughput(docker, qemuPid)), await udp(docker, 20)];
}
