/**
 * Swarm secrets, configs and overlay networks through Berth's API on a real three-node swarm
 * (support/swarm-cluster), sharing one cluster: a secret made in Berth and given to a service is
 * readable in its tasks' containers at /run/secrets/<name>, and its value is in nothing Berth's API
 * returns nor in anything Berth logs; a config is mounted at the path typed; bad input is said in
 * words and makes nothing; one in use is not removed. Overlay networks (attachable, encrypted) that
 * a service spreads over the three nodes show those nodes, and tasks on two nodes reach each other
 * over them. Everything is gone at the end, namespaces included.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/main/core';
import type { OverlayNetwork, ServiceSummary, SwarmData, TaskInfo } from '../../electron/shared/models';
import { testCore, waitFor } from '../support/engine';
import { endSwarmTest, formSwarm, startSwarmMachines, type SwarmMachine, type SwarmMachines } from '../support/swarm-cluster';
import { TEST_IMAGE } from '../support/test-image';

let cluster: SwarmMachines;
let core: Core;
let dir: string;
/** Everything Berth wrote to the console while this file ran. */
const logged: string[] = [];
const restore: (() => void)[] = [];
/** The values that must never come back: unique, so a find is no accident. */
const VALUE = `s3cr3t-${process.pid}-${Date.now().toString(36)}-never-shown`;
const FILE_VALUE = `file-borne-${process.pid}-${Date.now().toString(36)}\nsecond line\n`;
const SLEEP = ['sh', '-c', "trap 'exit 0' TERM; while :; do sleep 1; done"];

async function ok<T>(method: string, args?: unknown): Promise<T> {
  const r = await core.router.handle(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}
const call = (method: string, args?: unknown) => core.router.handle(method, args);
const running = async (id: string) => (await ok<TaskInfo[]>('services.tasks', { id })).filter((t) => t.desiredState === 'running' && t.state === 'running');
const machineOf = (t: TaskInfo): SwarmMachine => cluster.machines.find((m) => m.hostname === t.node)!;
async function threeRunning(id: string): Promise<TaskInfo[]> {
  return waitFor(
    async () => {
      const r = await running(id);
      return r.length === 3 && new Set(r.map((t) => t.node)).size === 3 && r.every((t) => t.containerId) ? r : undefined;
    },
    90_000,
    `three running tasks of ${id}, one per node`,
  );
}
const data = async (kind: string, name: string) => (await ok<SwarmData[]>('secrets.list')).find((d) => d.kind === kind && d.name === name);
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('swarm secrets, configs and overlay networks on three real engines', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const was = console[level];
      console[level] = (...args: unknown[]) => {
        logged.push(args.map((a) => (typeof a === 'string' ? a : (JSON.stringify(a) ?? String(a)))).join(' '));
        was.apply(console, args);
      };
      restore.push(() => (console[level] = was));
    }
    dir = mkdtempSync(join(tmpdir(), 'berth-secrets-'));
    cluster = await startSwarmMachines(3);
    const [one] = cluster.machines;
    core = testCore(one!.engine.dockerHost);
    await waitFor(() => core.engine.getStatus().state === 'up', 20_000, 'node1 up');
    await formSwarm(core, cluster);
  }, 240_000);

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await endSwarmTest(core, cluster, ['node2', 'node3']);
    for (const r of restore) r();
  }, 120_000);

  it('a secret made in Berth and given to a service is readable in every task at /run/secrets/<name>, and shown nowhere', async () => {
    const made = await ok<SwarmData>('secrets.create', { kind: 'secret', name: 'db_pass', value: VALUE });
    expect(made).toMatchObject({ kind: 'secret', name: 'db_pass', usedBy: [] });
    expect(JSON.stringify(made)).not.toContain(VALUE);
    const file = join(dir, 'api-key');
    writeFileSync(file, FILE_VALUE);
    await ok('secrets.create', { kind: 'secret', name: 'api_key', file });

    const svc = await ok<ServiceSummary>('services.create', { name: 'app', image: TEST_IMAGE, replicas: 3, maxPerNode: 1, command: SLEEP });
    // Both at once: each reads the service at one version, and the one the engine refuses as out of sequence is done again.
    const [attached, other] = await Promise.all([
      ok<SwarmData>('secrets.attach', { kind: 'secret', name: 'db_pass', service: 'app' }),
      ok<SwarmData>('secrets.attach', { kind: 'secret', name: 'api_key', service: 'app', target: 'key.txt' }),
    ]);
    expect(attached.usedBy).toEqual([{ serviceId: svc.id, service: 'app', target: '/run/secrets/db_pass' }]);
    expect(other.usedBy).toEqual([{ serviceId: svc.id, service: 'app', target: '/run/secrets/key.txt' }]);

    // Each attach is a rolling update: wait for the tasks that have both.
    const tasks = await waitFor(
      async () => {
        const r = await threeRunning(svc.id);
        const all = r.every((t) => machineOf(t).engine.try(['exec', t.containerId!, 'test', '-f', '/run/secrets/key.txt']).status === 0);
        return all ? r : undefined;
      },
      120_000,
      'tasks with both secrets',
    );
    for (const t of tasks) {
      const engine = machineOf(t).engine;
      expect(engine.cli(['exec', t.containerId!, 'cat', '/run/secrets/db_pass'])).toBe(VALUE);
      expect(engine.cli(['exec', t.containerId!, 'cat', '/run/secrets/key.txt'])).toBe(FILE_VALUE.trim());
    }

    // Bytes, not text: a file of every byte value arrives as it is.
    const bin = join(dir, 'binary');
    const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
    writeFileSync(bin, bytes);
    await ok('secrets.create', { kind: 'secret', name: 'bin', file: bin });
    await ok('secrets.attach', { kind: 'secret', name: 'bin', service: 'app' });
    await waitFor(
      async () => {
        const r = await threeRunning(svc.id);
        return r.every((t) => machineOf(t).engine.try(['exec', t.containerId!, 'base64', '/run/secrets/bin']).out.replace(/\s/g, '') === bytes.toString('base64')) ? true : undefined;
      },
      120_000,
      'every task with the binary secret',
    );
    await ok('secrets.detach', { kind: 'secret', name: 'bin', service: 'app' });
    await ok('secrets.remove', { kind: 'secret', name: 'bin' });

    // Nothing Berth's API returns holds either value, nor even its base64.
    const onNode1 = tasks.find((t) => t.node === 'node1')!;
    const outputs = [
      await ok('secrets.list'),
      await ok('services.list'),
      await ok('services.tasks', { id: svc.id }),
      await ok('containers.list'),
      await ok('containers.inspect', { id: onNode1.containerId }),
      await ok('containers.detail', { id: onNode1.containerId }),
      await ok('containers.inspectView', { id: onNode1.containerId }),
    ].map((o) => JSON.stringify(o));
    for (const o of outputs) for (const v of [VALUE, b64(VALUE), FILE_VALUE.trim(), b64(FILE_VALUE)]) expect(o).not.toContain(v);
    expect(outputs[4]).toContain(`"com.docker.swarm.service.name":"app"`); // the container inspect is the task's own
  });

  it('a config from a file is mounted at the path typed', async () => {
    const file = join(dir, 'app.conf');
    writeFileSync(file, 'listen=8080\n');
    await ok('secrets.create', { kind: 'config', name: 'app_conf', file });
    expect(await call('secrets.attach', { kind: 'config', name: 'app_conf', service: 'app', target: 'etc/app.conf' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: '"etc/app.conf" is not an absolute path: a config is mounted at a path such as /etc/app/app_conf.' },
    });
    expect(await call('secrets.attach', { kind: 'config', name: 'app_conf', service: 'app', target: '/run/secrets/db_pass' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: 'The service app already mounts the secret db_pass at /run/secrets/db_pass.' },
    });
    // A secret may go at an absolute path too, mounted with the config in the same update's wake.
    await ok('secrets.create', { kind: 'secret', name: 'abs', value: VALUE });
    expect((await ok<SwarmData>('secrets.attach', { kind: 'secret', name: 'abs', service: 'app', target: '/etc/app/abs' })).usedBy.map((u) => u.target)).toEqual(['/etc/app/abs']);
    const used = await ok<SwarmData>('secrets.attach', { kind: 'config', name: 'app_conf', service: 'app', target: '/etc/app/app.conf' });
    expect(used.usedBy.map((u) => u.target)).toEqual(['/etc/app/app.conf']);
    const svc = (await ok<ServiceSummary[]>('services.list')).find((s) => s.name === 'app')!;
    await waitFor(
      async () => {
        const r = await threeRunning(svc.id);
        const read = (t: TaskInfo, path: string) => machineOf(t).engine.try(['exec', t.containerId!, 'cat', path]).out;
        return r.every((t) => read(t, '/etc/app/app.conf') === 'listen=8080' && read(t, '/etc/app/abs') === VALUE) ? true : undefined;
      },
      120_000,
      'every task with the config',
    );
  });

  it('bad input is said in words and makes nothing', async () => {
    const before = await ok<SwarmData[]>('secrets.list');
    const refused = async (args: unknown, code: string, message: string | RegExp) => {
      const r = await call('secrets.create', args);
      expect(r).toMatchObject({ ok: false, error: { code, message: typeof message === 'string' ? message : expect.stringMatching(message) } });
      if (!r.ok) expect(JSON.stringify(r.error)).not.toContain(VALUE);
    };
    await refused({ kind: 'secret', name: 'db_pass', value: VALUE }, 'CONFLICT', 'The swarm already has a secret named db_pass.');
    await refused({ kind: 'secret', name: '-bad', value: VALUE }, 'INVALID_ARGUMENT', /^name: must be letters, digits/);
    await refused({ kind: 'secret', name: 'x'.repeat(65), value: VALUE }, 'INVALID_ARGUMENT', /^name: must be at most 64 characters/);
    await refused({ kind: 'secret', name: 'empty', value: '' }, 'INVALID_ARGUMENT', 'The secret empty would be empty: the engine keeps none without a value.');
    await refused({ kind: 'secret', name: 'big', value: 'x'.repeat(500 * 1024) }, 'INVALID_ARGUMENT', 'The value is 512000 bytes: the engine keeps a secret of less than 500 KB (512000 bytes).');
    // Multi-byte characters are counted in bytes, as the engine counts them.
    await refused({ kind: 'secret', name: 'big', value: 'é'.repeat(256_000) }, 'INVALID_ARGUMENT', /^The value is 512000 bytes/);
    await refused({ kind: 'secret', name: 'nofile', file: join(dir, 'no-such-file') }, 'INVALID_ARGUMENT', `The file ${join(dir, 'no-such-file')} cannot be read: there is no such file.`);
    mkdirSync(join(dir, 'a-folder'));
    await refused({ kind: 'secret', name: 'folder', file: join(dir, 'a-folder') }, 'INVALID_ARGUMENT', `${join(dir, 'a-folder')} is not a regular file: a secret is read from a file.`);
    const bigFile = join(dir, 'big.bin');
    writeFileSync(bigFile, Buffer.alloc(600 * 1024, 1));
    await refused({ kind: 'secret', name: 'bigfile', file: bigFile }, 'INVALID_ARGUMENT', `The file ${bigFile} is 614400 bytes: the engine keeps a secret of less than 500 KB (512000 bytes).`);
    writeFileSync(join(dir, 'empty'), '');
    await refused({ kind: 'config', name: 'emptyfile', file: join(dir, 'empty') }, 'INVALID_ARGUMENT', 'The config emptyfile would be empty: the engine keeps none without a value.');
    await refused({ kind: 'secret', name: 'both', value: 'v', file: bigFile }, 'INVALID_ARGUMENT', 'arguments: give either a value or a file, not both');
    // A FIFO would block a plain read forever: it is refused at once.
    const fifo = join(dir, 'fifo');
    expect(cluster.inNetns(cluster.machines[0]!, ['mkfifo', fifo]).status).toBe(0);
    await refused({ kind: 'secret', name: 'fifo', file: fifo }, 'INVALID_ARGUMENT', `${fifo} is not a regular file: a secret is read from a file.`);
    chmodSync(bigFile, 0o000); // root reads it anyway: only the size refuses it
    expect(await ok<SwarmData[]>('secrets.list')).toEqual(before);

    // A worker keeps none of these: said in words.
    const worker = testCore(cluster.machines[1]!.engine.dockerHost);
    try {
      await waitFor(() => worker.engine.getStatus().state === 'up', 20_000, 'node2 up');
      for (const method of ['secrets.list', 'overlays.list']) {
        expect(await worker.router.handle(method, {})).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('this engine is not a swarm manager') } });
      }
      expect(await worker.router.handle('secrets.create', { kind: 'secret', name: 'w', value: VALUE })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    } finally {
      worker.dispose();
    }

    // Right under the engine's limit is taken, and then removed.
    await ok('secrets.create', { kind: 'secret', name: 'limit', value: 'x'.repeat(500 * 1024 - 1) });
    await ok('secrets.remove', { kind: 'secret', name: 'limit' });
    expect(await call('secrets.attach', { kind: 'secret', name: 'nosuch', service: 'app' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: 'The swarm has no secret nosuch.' } });
    expect(await call('secrets.attach', { kind: 'secret', name: 'db_pass', service: 'nosuch' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: 'There is no service nosuch.' } });
    expect(await call('secrets.attach', { kind: 'secret', name: 'db_pass', service: 'app' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: 'The service app already has the secret db_pass, at /run/secrets/db_pass.' },
    });
    expect(await call('secrets.attach', { kind: 'secret', name: 'api_key', service: 'app', target: '../etc/passwd' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await ok<SwarmData[]>('secrets.list')).toEqual(before);
  });

  it('one in use is not removed, in words naming the service; detached, it is', async () => {
    expect(await call('secrets.remove', { kind: 'secret', name: 'db_pass' })).toMatchObject({
      ok: false,
      error: { code: 'IN_USE', message: 'The secret db_pass is in use by the service app.' },
    });
    expect(await call('secrets.remove', { kind: 'config', name: 'app_conf' })).toMatchObject({ ok: false, error: { code: 'IN_USE', message: 'The config app_conf is in use by the service app.' } });
    await ok('secrets.detach', { kind: 'secret', name: 'abs', service: 'app' });
    await ok('secrets.remove', { kind: 'secret', name: 'abs' });
    expect((await ok<SwarmData>('secrets.detach', { kind: 'secret', name: 'db_pass', service: 'app' })).usedBy).toEqual([]);
    expect(await call('secrets.detach', { kind: 'secret', name: 'db_pass', service: 'app' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: 'The service app does not use the secret db_pass.' },
    });
    await ok('secrets.remove', { kind: 'secret', name: 'db_pass' });
    expect(await data('secret', 'db_pass')).toBeUndefined();
    // The tasks roll to a spec without it: none has the file any more.
    const svc = (await ok<ServiceSummary[]>('services.list')).find((s) => s.name === 'app')!;
    await waitFor(
      async () => {
        const r = await threeRunning(svc.id);
        return r.every((t) => machineOf(t).engine.try(['exec', t.containerId!, 'test', '-e', '/run/secrets/db_pass']).status === 1) ? true : undefined;
      },
      120_000,
      'no task with db_pass',
    );
    await ok('services.remove', { id: 'app' });
    await ok('secrets.remove', { kind: 'secret', name: 'api_key' });
    await ok('secrets.remove', { kind: 'config', name: 'app_conf' });
    expect(await ok('secrets.list')).toEqual([]);
  });

  it('overlay networks a service spreads over the three nodes show those nodes, and tasks on two nodes reach each other over them', async () => {
    const a = await ok<OverlayNetwork>('overlays.create', { name: 'ov-a', attachable: true });
    expect(a).toMatchObject({ name: 'ov-a', attachable: true, encrypted: false, ingress: false, services: [], nodes: [] });
    const e = await ok<OverlayNetwork>('overlays.create', { name: 'ov-e', encrypted: true, subnet: '10.77.0.0/24' });
    expect(e).toMatchObject({ name: 'ov-e', attachable: false, encrypted: true, subnets: ['10.77.0.0/24'] });

    const svc = await ok<ServiceSummary>('services.create', { name: 'mesh', image: TEST_IMAGE, replicas: 3, maxPerNode: 1, networks: ['ov-a', 'ov-e'], command: SLEEP });
    const tasks = await threeRunning(svc.id);
    const shown = await waitFor(
      async () => {
        const l = await ok<OverlayNetwork[]>('overlays.list');
        return l.filter((n) => n.name.startsWith('ov-')).every((n) => n.nodes.length === 3) ? l : undefined;
      },
      30_000,
      'both networks on three nodes',
    );
    for (const name of ['ov-a', 'ov-e']) expect(shown.find((n) => n.name === name)).toMatchObject({ services: [{ id: svc.id, name: 'mesh' }], nodes: ['node1', 'node2', 'node3'] });

    // Each task's address on each network, from inside its container; then node1's task pings node2's.
    const [t1, t2] = [tasks.find((t) => t.node === 'node1')!, tasks.find((t) => t.node === 'node2')!];
    const addrIn = (t: TaskInfo, prefix: string) => {
      const out = machineOf(t).engine.cli(['exec', t.containerId!, 'ip', '-4', '-o', 'addr']);
      return out
        .split('\n')
        .map((l) => /inet (\S+)\//.exec(l)?.[1] ?? '')
        .find((ip) => ip.startsWith(prefix));
    };
    const nets = machineOf(t1).engine.cli(['network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Subnet}}{{end}}', 'ov-a']);
    const prefixA = nets.split('.').slice(0, 3).join('.') + '.';
    const ping = (prefix: string) => {
      const there = addrIn(t2, prefix);
      expect(there, `node2's task on ${prefix}0`).toBeTruthy();
      return machineOf(t1).engine.try(['exec', t1.containerId!, 'ping', '-c', '2', '-W', '5', there!]).out;
    };
    expect(ping(prefixA)).toMatch(/2 packets transmitted, 2 packets received/);
    // Encrypted: vxlan inside IPsec ESP (AES-GCM). Where the kernel has neither (this test machine's
    // has no CONFIG_INET_ESP nor CONFIG_CRYPTO_GCM) nothing passes: never the clear text instead.
    const config = spawnSync('sh', ['-c', 'zcat /proc/config.gz 2>/dev/null'], { encoding: 'utf8' }).stdout;
    const ipsec = /^CONFIG_INET_ESP=[ym]$/m.test(config) && /^CONFIG_CRYPTO_GCM=[ym]$/m.test(config);
    expect(ping('10.77.0.')).toMatch(ipsec ? /2 packets transmitted, 2 packets received/ : /2 packets transmitted, 0 packets received/);

    // Bad input, in words, making nothing.
    const before = await ok<OverlayNetwork[]>('overlays.list');
    const refused = async (args: unknown, code: string, message: string | RegExp) =>
      expect(await call('overlays.create', args)).toMatchObject({ ok: false, error: { code, message: typeof message === 'string' ? message : expect.stringMatching(message) } });
    await refused({ name: 'ov-a' }, 'CONFLICT', 'There is already a network named ov-a (overlay, swarm scope).');
    await refused({ name: 'bridge' }, 'CONFLICT', 'There is already a network named bridge (bridge, local scope).');
    await refused({ name: 'ov-x', subnet: '10.78.0.0/33' }, 'INVALID_ARGUMENT', /is not a subnet/);
    await refused({ name: 'ov-x', subnet: 'banana' }, 'INVALID_ARGUMENT', '"banana" is not a subnet: write an IPv4 subnet in CIDR form, e.g. 10.20.0.0/24.');
    await refused({ name: 'ov-x', subnet: '10.78.0.1/24' }, 'INVALID_ARGUMENT', '"10.78.0.1/24" is not the start of a subnet: did you mean 10.78.0.0/24?');
    await refused({ name: 'ov-x', subnet: '10.77.0.128/25' }, 'CONFLICT', 'The subnet 10.77.0.128/25 overlaps 10.77.0.0/24, the subnet of the network ov-e.');
    await refused({ name: 'ov-x', subnet: '10.0.0.0/8' }, 'CONFLICT', /^The subnet 10\.0\.0\.0\/8 overlaps /);
    await refused({ name: '-x' }, 'INVALID_ARGUMENT', /^name: must be letters/);
    expect(await ok<OverlayNetwork[]>('overlays.list')).toEqual(before);

    expect(await call('overlays.remove', { name: 'ov-a' })).toMatchObject({ ok: false, error: { code: 'IN_USE', message: 'The network ov-a is in use by the service mesh.' } });
    expect(await call('overlays.remove', { name: 'ingress' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await ok('services.remove', { id: 'mesh' });
    // The tasks' endpoints go a moment after the service: the engine says "in use" until then.
    await waitFor(async () => ((await call('overlays.remove', { name: 'ov-a' })).ok ? true : undefined), 60_000, 'ov-a removed');
    await waitFor(async () => ((await call('overlays.remove', { name: 'ov-e' })).ok ? true : undefined), 60_000, 'ov-e removed');
    expect((await ok<OverlayNetwork[]>('overlays.list')).map((n) => n.name)).toEqual(['ingress']);
    await waitFor(() => (cluster.machines.every((m) => m.engine.cli(['ps', '-q']) === '') ? true : undefined), 60_000, 'no container left on any node');
  });

  it('no value was ever logged', () => {
    const all = logged.join('\n');
    for (const v of [VALUE, b64(VALUE), FILE_VALUE.trim(), b64(FILE_VALUE)]) expect(all).not.toContain(v);
  });
});
