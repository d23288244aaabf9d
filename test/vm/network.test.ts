/**
 * What users expect of the VM engine's networks, for real (QEMU, dockerd in the guest, the docker
 * CLI through the `berth` context): containers on one user-defined network reach each other by
 * name; two user networks are isolated from each other; an internal network has no way out; a
 * published port is on the host's 127.0.0.1; containers reach the outside through NAT (here: a
 * server on the host's loopback, which QEMU's user network shows the guest as 10.0.2.2). Published
 * ports: UDP as well as TCP; one published on 0.0.0.0 is on the host's 127.0.0.1 only until the
 * preference puts it on 0.0.0.0 (seen from 127.0.0.2, another of the host's addresses, that a bind
 * to 127.0.0.1 does not answer); a taken host port, or one published on the VM's own 127.0.0.1,
 * gives a warning in words.
 */
import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VmInfo } from '../../electron/shared/models';
import { paths } from '../../electron/main/paths';
import { updateSettings } from '../../electron/main/settings';
import { findAssets } from '../../electron/main/vm/assets';
import { buildBusybox, TEST_IMAGE } from '../support/test-image';
import { docker, vmHome } from './support';

const vm = vmHome('net');
const { env, client } = vm;
const run = (args: string[]) => docker(env, args);
/**
 * A command in a throwaway container: its exit status and output, without throwing. Not spawnSync:
 * this process serves the "outside" the containers reach, so it must go on answering meanwhile.
 */
function tryIn(args: string[], command: string): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('docker', ['--context', 'berth', 'run', '--rm', ...args, TEST_IMAGE, 'sh', '-c', command], { env: { ...env, DOCKER_HOST: undefined }, timeout: 60_000 });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.once('close', (status) => resolve({ status, out: out.trim() }));
  });
}

/** A shell line that GETs http://host:port/path and prints the body (busybox nc: its static wget crashes, and cannot look names up). */
const get = (host: string, port: number, path = '/', wait = 5) => `printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' | nc -w ${wait} ${host} ${port} 2> /dev/null | sed '1,/^.\\{0,1\\}$/d'`;

/** One datagram to 127.0.0.1:port, sent again each second until a reply comes (UDP may drop one); the reply, or '' after `ms`. */
function udpAsk(port: number, message: string, ms = 10_000): Promise<string> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const send = () => s.send(message, port, '127.0.0.1');
    const again = setInterval(send, 1000);
    const done = (reply: string) => {
      clearInterval(again);
      clearTimeout(timer);
      s.close();
      resolve(reply);
    };
    const timer = setTimeout(() => done(''), ms);
    s.once('message', (m) => done(m.toString()));
    send();
  });
}

/** The daemon's first info (pushed, from now on or as it is) that matches. */
function infoWhere(pred: (i: VmInfo) => boolean, ms = 15_000): Promise<VmInfo> {
  return new Promise((resolve, reject) => {
    let last: VmInfo | undefined;
    const stop = client.watch((i) => {
      last = i;
      if (!pred(i)) return;
      stop();
      clearTimeout(timer);
      resolve(i);
    });
    const timer = setTimeout(() => (stop(), reject(new Error(`no such VM info in ${ms} ms; last: ${JSON.stringify(last)}`))), ms);
  });
}

/** The body of http://host:port/, or the failure's code ('ECONNREFUSED'). */
const httpGet = (host: string, port: number) =>
  fetch(`http://${host}:${port}/`, { signal: AbortSignal.timeout(5000) }).then(
    (r) => r.text(),
    (e: Error & { cause?: { code?: string } }) => e.cause?.code ?? e.message,
  );

let outside: Server | undefined;
let outsidePort = 0;
const seenOutside: string[] = [];

describe('VM engine networks (QEMU)', { timeout: 600_000 }, () => {
  beforeAll(async () => {
    findAssets(env); // a clear failure when the image was not built
    outside = createServer((req, res) => {
      seenOutside.push(req.url ?? '');
      res.end('from the host\n');
    });
    await new Promise<void>((ok) => outside!.listen(0, '127.0.0.1', ok));
    outsidePort = (outside.address() as { port: number }).port;
    expect((await client.start()).state).toBe('running');
    buildBusybox({ cli: (args, input) => docker(env, args, input) });
  }, 300_000);
  afterAll(async () => {
    outside?.close();
    await vm.dispose();
  }, 120_000);

  it('names on a user network, isolation between user networks, an internal network, NAT out, a published port', async () => {
    run(['network', 'create', 'net-a']);
    run(['network', 'create', 'net-b']);
    run(['network', 'create', '--internal', 'net-inside']);
    run(['run', '-d', '--name', 'web-a', '--network', 'net-a', '-p', '18095:8080', TEST_IMAGE, 'sh', '-c', 'mkdir -p /www && echo on net-a > /www/index.html && exec httpd -f -p 8080 -h /www']);
    const ipA = run(['inspect', '-f', '{{(index .NetworkSettings.Networks "net-a").IPAddress}}', 'web-a']);
    expect(ipA).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    // The same network: by name (the engine's DNS, asked by busybox's own resolver) and by address.
    const byName = await tryIn(['--network', 'net-a'], `ip=$(nslookup web-a 127.0.0.11 | awk '/^Address: /{print $2}' | tail -1); echo $ip; ${get('$ip', 8080)}`);
    expect(byName).toEqual({ status: 0, out: `${ipA}\non net-a` });
    expect(await tryIn(['--network', 'net-a'], get(ipA, 8080))).toEqual({ status: 0, out: 'on net-a' });

    // Another user network: neither the name resolves nor the address answers.
    const name = await tryIn(['--network', 'net-b'], 'nslookup web-a 127.0.0.11 > /dev/null 2>&1 && echo resolved || echo no such name');
    expect(name.out).toBe('no such name');
    const across = await tryIn(['--network', 'net-b'], `${get(ipA, 8080, '/', 3)}; echo unreachable`);
    expect(across.out).toBe('unreachable');

    // NAT: out of the VM to the host's loopback (10.0.2.2 in QEMU's user network), from the
    // default bridge and from a user network; an internal network has no way out.
    expect(await tryIn([], get('10.0.2.2', outsidePort, '/bridge', 10))).toEqual({ status: 0, out: 'from the host' });
    expect(await tryIn(['--network', 'net-b'], get('10.0.2.2', outsidePort, '/net-b', 10))).toEqual({ status: 0, out: 'from the host' });
    expect((await tryIn(['--network', 'net-inside'], `${get('10.0.2.2', outsidePort, '/inside', 3)}; echo no way out`)).out).toBe('no way out');
    expect(seenOutside).toEqual(['/bridge', '/net-b']);

    // A published port of a container on a user network is on the host's 127.0.0.1.
    let body = '';
    for (let i = 0; i < 100 && !body; i++) {
      body = await fetch('http://127.0.0.1:18095/', { signal: AbortSignal.timeout(3000) }).then(
        (r) => r.text(),
        () => '',
      );
      if (!body) await sleep(100);
    }
    expect(body).toBe('on net-a\n');

    run(['rm', '-f', 'web-a']);
    for (const n of ['net-a', 'net-b', 'net-inside']) run(['network', 'rm', n]);
  });

  it('published ports: UDP too, 0.0.0.0 only with the preference, a taken one said in words', async () => {
    const settings = paths.settings(env);
    const allAddresses = (on: boolean) => updateSettings(settings, (s) => ({ ...s, preferences: { ...s.preferences, portsOnAllAddresses: on } }));
    // A UDP echo in a container: perl from the VM's own root (the test image's busybox has no UDP server).
    run([
      'run',
      '-d',
      '--name',
      'udp-echo',
      '-v',
      '/:/vm:ro',
      '-p',
      '18097:8053/udp',
      TEST_IMAGE,
      'chroot',
      '/vm',
      'perl',
      '-MIO::Socket::INET',
      '-e',
      '$s = IO::Socket::INET->new(LocalPort => 8053, Proto => "udp") or die "udp: $!"; while ($s->recv($m, 1024)) { $s->send("echo: $m") }',
    ]);
    run(['run', '-d', '--name', 'web-all', '-p', '18098:8080', TEST_IMAGE, 'sh', '-c', 'mkdir -p /www && echo published on 0.0.0.0 > /www/index.html && exec httpd -f -p 8080 -h /www']);
    const both = await infoWhere((i) => (i.forwards ?? []).length >= 2);
    expect(both.forwards).toEqual(
      expect.arrayContaining([
        { protocol: 'udp', port: 18097, address: '127.0.0.1' },
        { protocol: 'tcp', port: 18098, address: '127.0.0.1' },
      ]),
    );
    expect(await udpAsk(18097, 'ping over udp')).toBe('echo: ping over udp');

    // Published on 0.0.0.0 in the VM, yet on the host's 127.0.0.1 only: 127.0.0.2 gets no answer.
    expect(await httpGet('127.0.0.1', 18098)).toBe('published on 0.0.0.0\n');
    expect(await httpGet('127.0.0.2', 18098)).toBe('ECONNREFUSED');
    // The preference moves it to 0.0.0.0 at once (the daemon watches the settings file), and back.
    await allAddresses(true);
    await infoWhere((i) => !!i.forwards?.some((f) => f.port === 18098 && f.address === '0.0.0.0'));
    expect(await httpGet('127.0.0.2', 18098)).toBe('published on 0.0.0.0\n');
    expect(await udpAsk(18097, 'on all addresses')).toBe('echo: on all addresses');
    await allAddresses(false);
    await infoWhere((i) => !!i.forwards?.some((f) => f.port === 18098 && f.address === '127.0.0.1'));
    expect(await httpGet('127.0.0.2', 18098)).toBe('ECONNREFUSED');
    expect(await httpGet('127.0.0.1', 18098)).toBe('published on 0.0.0.0\n');

    // Published on the VM's own 127.0.0.1: no forward could reach it, so a warning says so instead.
    run(['run', '-d', '--name', 'web-vm-local', '-p', '127.0.0.1:18096:8080', TEST_IMAGE, 'httpd', '-f', '-p', '8080']);
    const local = await infoWhere((i) => i.warnings.some((w) => w.includes('18096')));
    expect(local.warnings.find((w) => w.includes('18096'))).toBe(
      "Container web-vm-local publishes port 18096 on 127.0.0.1 inside the VM, where the host cannot reach it, so Berth did not forward it. Publish it without an address (-p 18096:<port in the container>): Berth still keeps it on this computer's 127.0.0.1.",
    );
    expect(local.ports).not.toContain(18096);

    // A UDP port another program holds on the host: a warning in words; the container still runs.
    const squatter = createSocket('udp4');
    await new Promise<void>((ok) => squatter.bind(18099, '127.0.0.1', ok));
    try {
      run(['run', '-d', '--name', 'udp-taken', '-p', '18099:8053/udp', TEST_IMAGE, 'sleep', '600']);
      const warned = await infoWhere((i) => i.warnings.some((w) => w.includes('18099')));
      expect(warned.warnings.find((w) => w.includes('18099'))).toBe(
        'UDP port 18099 on 127.0.0.1 is already taken by another program. Container udp-taken can be reached on it from inside the VM only.',
      );
      expect(run(['inspect', '-f', '{{.State.Running}}', 'udp-taken'])).toBe('true');
    } finally {
      squatter.close();
    }
    run(['rm', '-f', 'udp-echo', 'web-all', 'udp-taken', 'web-vm-local']);
    const closed = await infoWhere((i) => !i.ports.some((p) => p >= 18097 && p <= 18099) && !i.warnings.some((w) => /1809[6-9]/.test(w)));
    expect(closed.warnings).toEqual([]);
  });
});
