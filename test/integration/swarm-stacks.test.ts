/**
 * Swarm stacks through Berth's API (`docker stack deploy` / `rm` of the docker CLI) on a real
 * three-node swarm (support/swarm-cluster): a stack with an overlay network, a volume, a secret
 * and a config from files, and a service with replicas, placement and update_config spans the
 * nodes, its tasks reach each other over the overlay network, its host-mode port answers on every
 * node; a redeploy with another image rolls it; a removal leaves nothing on any node. Bad stack
 * files are refused in words and leave nothing made; a worker refuses to deploy.
 *
 * Ports are published in host mode and the service is reached by its tasks' addresses
 * (endpoint_mode dnsrr): this kernel has no IPVS, which the ingress mesh and service VIPs need.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/main/core';
import type { ErrorPayload } from '../../electron/shared/errors';
import type { StackDetail, StackSummary } from '../../electron/shared/models';
import { testCore, waitFor } from '../support/engine';
import { endSwarmTest, formSwarm, startSwarmMachines, type SwarmMachine, type SwarmMachines } from '../support/swarm-cluster';
import { DOCKER_CURRENT } from '../support/current-dockerd';
import { TEST_IMAGE } from '../support/test-image';

let cluster: SwarmMachines;
let core: Core;
let dir: string;
/** The docker CLI of the engines' own release (Debian 13's 26, which npm test unpacks): the system's 20.10 has no `stack config`. */
const CLI_ENV = { BERTH_DOCKER_CLI: join(DOCKER_CURRENT, 'usr/bin/docker') };
const V2 = 'berth-test/busybox:v2';
const NS = 'com.docker.stack.namespace';

async function ok<T>(method: string, args?: unknown): Promise<T> {
  const r = await core.router.handle(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

async function stream(name: 'stacks.deploy' | 'stacks.remove', args: unknown, on: Core = core): Promise<{ error?: ErrorPayload; lines: string[] }> {
  const lines: string[] = [];
  const s = on.router.openStream(name, args, async (l) => void lines.push(l as string));
  return { error: await s.done, lines };
}

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** What carries a stack's label on a machine's engine: services, networks, secrets, configs, containers. */
function leftOn(m: SwarmMachine, stack: string, manager = true): string[] {
  const ls = (args: string[]) => m.engine.cli(args).split('\n').filter(Boolean);
  const f = ['--filter', `label=${NS}=${stack}`];
  return [
    ...(manager ? ls(['service', 'ls', ...f, '--format', 'service {{.Name}}']) : []),
    ...(manager ? ls(['secret', 'ls', ...f, '--format', 'secret {{.Name}}']) : []),
    ...(manager ? ls(['config', 'ls', ...f, '--format', 'config {{.Name}}']) : []),
    ...ls(['network', 'ls', ...f, '--format', 'network {{.Name}}']),
    ...ls(['ps', '-a', ...f, '--format', 'container {{.Names}}']),
  ];
}

const SERVE = "mkdir -p /www && hostname > /www/index.html && cp /run/secrets/pw /www/secret && cp /etc/app.conf /www/conf && httpd -p 80 -h /www && trap 'exit 0' TERM && while :; do sleep 1; done";
const IDLE = "trap 'exit 0' TERM; while :; do sleep 1; done";

const stackFile = (image: string) => `version: "3.8"
services:
  web:
    image: ${image}
    hostname: "{{.Node.Hostname}}"
    command: ["sh", "-c", "${SERVE}"]
    networks: [back]
    ports:
      - {target: 80, published: 8088, protocol: tcp, mode: host}
    volumes: [data:/data]
    secrets: [pw]
    configs:
      - {source: conf, target: /etc/app.conf}
    deploy:
      replicas: 3
      endpoint_mode: dnsrr
      placement:
        max_replicas_per_node: 1
        constraints: [node.platform.os == linux]
      update_config: {parallelism: 1, monitor: 1s, order: stop-first, failure_action: rollback}
  probe:
    image: ${TEST_IMAGE}
    command: ["sh", "-c", "${IDLE}"]
    networks: [back]
    deploy:
      replicas: 1
      placement:
        constraints: [node.hostname == node1]
networks:
  back: {driver: overlay}
volumes:
  data: {}
secrets:
  pw: {file: ./pw.txt}
configs:
  conf: {file: ./app.conf}
`;

/** An HTTP GET from inside node1's network (busybox's wget crashes here: nc speaks the HTTP). */
const get = (addr: string, path = '/') => cluster.inNetns(cluster.machines[0]!, ['sh', '-c', `printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 5 ${addr} 8088`]);
const body = (out: string) => out.split('\r\n\r\n').slice(1).join('').trim();

describe('swarm stacks on three real engines', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    cluster = await startSwarmMachines(3);
    const [one] = cluster.machines;
    for (const m of cluster.machines) m.engine.cli(['tag', TEST_IMAGE, V2]); // another name on every node: what the redeploy rolls to
    dir = mkdtempSync(join(tmpdir(), 'berth-stacks-'));
    file('pw.txt', 'hunter2-stack\n');
    file('app.conf', 'colour=blue\n');
    core = testCore(one!.engine.dockerHost, CLI_ENV);
    await waitFor(() => core.engine.getStatus().state === 'up', 20_000, 'node1 up');
    await formSwarm(core, cluster);
  }, 240_000);

  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    for (const m of cluster?.machines ?? []) m.engine.cli(['rmi', V2]);
    await endSwarmTest(core, cluster, ['node2', 'node3']);
  }, 120_000);

  it('deploys a stack that spans the nodes: one task on each, reachable over its overlay network, its port answering on every node', async () => {
    const path = file('stack.yaml', stackFile(TEST_IMAGE));
    const up = await stream('stacks.deploy', { name: 'shop', files: [path] });
    expect(up.error).toBeUndefined();
    expect(up.lines).toEqual(expect.arrayContaining(['Creating network shop_back', 'Creating secret shop_pw', 'Creating config shop_conf', 'Creating service shop_web']));
    expect(up.lines.at(-1)).toBe('The stack shop is deployed: 2 services, every task running.');
    expect(up.lines.join('\n')).not.toMatch(/--detach=false/);

    expect(await ok<StackSummary[]>('stacks.list')).toEqual([{ name: 'shop', services: 2, running: 4, desired: 4, updating: false }]);
    const shop = await ok<StackDetail>('stacks.get', { name: 'shop' });
    expect(shop).toMatchObject({ name: 'shop', networks: ['shop_back'], secrets: ['shop_pw'], configs: ['shop_conf'] });
    expect(shop.services.map((s) => s.name)).toEqual(['shop_probe', 'shop_web']);
    const web = shop.services.find((s) => s.name === 'shop_web')!;
    expect(web).toMatchObject({ stack: 'shop', running: 3, desired: 3, ports: [{ target: 80, published: 8088, mode: 'host' }] });
    const tasks = web.tasks.filter((t) => t.state === 'running');
    expect(tasks.map((t) => t.node).sort()).toEqual(['node1', 'node2', 'node3']);

    // The port answers on every node, each with its own task (named after its node), with the secret and the config mounted.
    for (const m of cluster.machines) {
      const page = await waitFor(() => (get(m.addr).out.startsWith('HTTP/1.') ? get(m.addr).out : undefined), 30_000, `port 8088 on ${m.hostname}`);
      expect(body(page)).toBe(m.hostname);
      expect(body(get(m.addr, '/secret').out)).toBe('hunter2-stack');
      expect(body(get(m.addr, '/conf').out)).toBe('colour=blue');
    }
    // The volume is made on each node that runs a task, labelled with the stack.
    for (const m of cluster.machines) expect(m.engine.cli(['volume', 'ls', '--filter', `label=${NS}=shop`, '--format', '{{.Name}}']).trim()).toBe('shop_data');

    // From the probe's task on node1, every web task answers at its address on the overlay network.
    const probe = cluster.machines[0]!.engine.cli(['ps', '-q', '--filter', 'label=com.docker.swarm.service.name=shop_probe']).trim();
    const taskIps = (
      JSON.parse(cluster.machines[0]!.engine.cli(['inspect', '--type', 'task', ...web.tasks.filter((t) => t.state === 'running').map((t) => t.id)])) as {
        NetworksAttachments?: { Network: { Spec: { Name: string } }; Addresses: string[] }[];
      }[]
    ).map((t) => t.NetworksAttachments!.find((a) => a.Network.Spec.Name === 'shop_back')!.Addresses[0]!.split('/')[0]!);
    expect(taskIps).toHaveLength(3);
    const seen = taskIps.map((ip) => cluster.machines[0]!.engine.cli(['exec', probe, 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${ip} 80`]));
    expect(seen.map(body).sort()).toEqual(['node1', 'node2', 'node3']);
  });

  it('a redeploy with another image rolls the service to it, task by task', async () => {
    const path = file('stack.yaml', stackFile(V2));
    const again = await stream('stacks.deploy', { name: 'shop', files: [path] });
    expect(again.error).toBeUndefined();
    expect(again.lines[0]).toBe(`Updating the stack shop from ${path}`);
    expect(again.lines.some((l) => l.startsWith('Updating service shop_web'))).toBe(true);
    expect(again.lines.at(-1)).toBe('The stack shop is deployed: 2 services, every task running.');
    const web = (await ok<StackDetail>('stacks.get', { name: 'shop' })).services.find((s) => s.name === 'shop_web')!;
    expect(web).toMatchObject({ image: V2, running: 3, desired: 3, update: { state: 'completed' } });
    const running = web.tasks.filter((t) => t.desiredState === 'running');
    expect(running.map((t) => t.image)).toEqual([V2, V2, V2]);
    expect(running.map((t) => t.node).sort()).toEqual(['node1', 'node2', 'node3']);
    // The old tasks were shut down one by one: three of them, on the old image.
    expect(web.tasks.filter((t) => t.desiredState === 'shutdown' && t.image === TEST_IMAGE)).toHaveLength(3);
  });

  it('refuses stack files with errors, naming the file and line, and leaves nothing made', async () => {
    const yamlError = file('broken.yaml', 'version: "3.8"\nservices:\n  web:\n    image: x\n   bad: [\n');
    const r1 = await stream('stacks.deploy', { name: 'bad1', files: [yamlError] });
    expect(r1.error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(new RegExp(`^The stack file ${yamlError}, line \\d+, does not load: `)) });

    const unknownKey = file('unknown.yaml', `version: "3.8"\nservices:\n  web:\n    image: ${TEST_IMAGE}\n    colour: red\n`);
    const r2 = await stream('stacks.deploy', { name: 'bad2', files: [unknownKey] });
    expect(r2.error).toMatchObject({ code: 'INVALID_ARGUMENT', message: `The stack file ${unknownKey}, line 5, does not load: services.web Additional property colour is not allowed` });

    // The CLI makes the network and the config, then stops at the secret: Berth takes them back.
    const external = file(
      'external.yaml',
      `version: "3.8"\nservices:\n  web:\n    image: ${TEST_IMAGE}\n    command: ["sh", "-c", "${IDLE}"]\n    networks: [net]\n    secrets: [nope]\n    configs: [c]\nnetworks:\n  net: {driver: overlay}\nsecrets:\n  nope: {external: true}\nconfigs:\n  c: {file: ./app.conf}\n`,
    );
    const r3 = await stream('stacks.deploy', { name: 'bad3', files: [external] });
    expect(r3.lines).toEqual(expect.arrayContaining(['Creating network bad3_net', 'Creating config bad3_c']));
    expect(r3.error).toMatchObject({
      code: 'COMMAND_FAILED',
      message:
        'docker stack deploy of bad3 failed: the file uses the external secret "nope", and the swarm has no secret of that name. Berth removed what the deploy had made (1 network, 1 config): nothing of the stack is left.',
      hint: expect.stringContaining('Make the secret nope first'),
    });

    const noNetwork = file('nonet.yaml', `version: "3.8"\nservices:\n  web:\n    image: ${TEST_IMAGE}\n    networks: [front]\nnetworks:\n  front: {external: true}\n`);
    const r7 = await stream('stacks.deploy', { name: 'bad7', files: [noNetwork] });
    expect(r7.error).toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringContaining('the file uses the external network "front", and the swarm has no overlay network of that name') });

    // A service name too long for the engine: the services made before it are taken back too.
    const long = 'a'.repeat(60);
    const tooLong = file(
      'long.yaml',
      `version: "3.8"\nservices:\n  ok:\n    image: ${TEST_IMAGE}\n    command: ["sh", "-c", "${IDLE}"]\n    networks: [net]\n  ${long}:\n    image: ${TEST_IMAGE}\n    networks: [net]\nnetworks:\n  net: {driver: overlay}\n`,
    );
    const r4 = await stream('stacks.deploy', { name: 'bad4', files: [tooLong] });
    expect(r4.error).toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringContaining('name must be 63 characters or fewer') });
    expect(r4.error!.message).toMatch(/Berth removed what the deploy had made \((1 service, )?1 network\): nothing of the stack is left\./);

    // A bad stack name, and a file that is not there: refused before anything runs.
    const r5 = await stream('stacks.deploy', { name: 'Bad Name', files: [unknownKey] });
    expect(r5.error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('must use lowercase letters') });
    const r6 = await stream('stacks.deploy', { name: 'bad6', files: [join(dir, 'none.yaml')] });
    expect(r6.error).toMatchObject({ code: 'NOT_FOUND', message: `There is no file or folder ${join(dir, 'none.yaml')} on this machine.` });

    for (const stack of ['bad1', 'bad2', 'bad3', 'bad4', 'bad7']) for (const m of cluster.machines) expect(leftOn(m, stack, m === cluster.machines[0])).toEqual([]);
    expect((await ok<StackSummary[]>('stacks.list')).map((s) => s.name)).toEqual(['shop']);
  });

  it('a redeploy that fails takes back only what it made: the stack runs on as it was', async () => {
    const broken = stackFile(V2).replace('networks:\n  back:', `  ${'a'.repeat(60)}:\n    image: ${TEST_IMAGE}\n    networks: [extra]\nnetworks:\n  extra: {driver: overlay}\n  back:`);
    const r = await stream('stacks.deploy', { name: 'shop', files: [file('shop-broken.yaml', broken)] });
    expect(r.lines).toContain('Creating network shop_extra');
    expect(r.error).toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringContaining('name must be 63 characters or fewer') });
    expect(r.error!.message).toContain('Berth removed what the deploy had made (1 network).');
    expect(r.error!.message).not.toContain('were updated'); // the services it went through were left as they were
    const shop = await ok<StackDetail>('stacks.get', { name: 'shop' });
    expect(shop.networks).toEqual(['shop_back']);
    expect(shop.services.map((s) => [s.name, s.image, `${s.running}/${s.desired}`])).toEqual([
      ['shop_probe', TEST_IMAGE, '1/1'],
      ['shop_web', V2, '3/3'],
    ]);
  });

  it('one deploy of a stack at a time; a cancelled deploy of a new stack leaves nothing', async () => {
    const small = file('small.yaml', `version: "3.8"\nservices:\n  idle:\n    image: ${TEST_IMAGE}\n    command: ["sh", "-c", "${IDLE}"]\n    networks: [net]\nnetworks:\n  net: {driver: overlay}\n`);
    const [a, b] = await Promise.all([stream('stacks.deploy', { name: 'twice', files: [small] }), stream('stacks.deploy', { name: 'twice', files: [small] })]);
    const refused = [a, b].filter((x) => x.error);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.error).toMatchObject({ code: 'CONFLICT', message: 'A deploy of the stack twice is running; wait for it to end or cancel it.' });
    expect((await ok<StackDetail>('stacks.get', { name: 'twice' })).services.map((s) => `${s.name} ${s.running}/${s.desired}`)).toEqual(['twice_idle 1/1']);
    expect((await stream('stacks.remove', { name: 'twice' })).error).toBeUndefined();

    // Cancelled as its first line comes: the CLI is stopped (or had not started), and what it made is taken back.
    for (let i = 0; i < 3; i++) {
      const lines: string[] = [];
      const s = core.router.openStream('stacks.deploy', { name: 'gone', files: [small] }, async (l) => {
        lines.push(l as string);
        s.cancel();
      });
      await s.done;
      await waitFor(() => (cluster.machines[0]!.engine.cli(['service', 'ls', '-q', '--filter', `label=${NS}=gone`]).trim() === '' ? true : undefined), 30_000, 'no service of gone');
      await waitFor(() => (leftOn(cluster.machines[0]!, 'gone').length === 0 ? true : undefined), 30_000, 'nothing of gone');
    }
    for (const m of cluster.machines.slice(1)) await waitFor(() => (leftOn(m, 'gone', false).length === 0 ? true : undefined), 30_000, `nothing of gone on ${m.hostname}`);
    const clis = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((l) => /stack (deploy|rm|config).*(gone|twice)/.test(l));
    expect(clis).toEqual([]);
  });

  it('a worker refuses to deploy, in words', async () => {
    const worker = testCore(cluster.machines[1]!.engine.dockerHost, CLI_ENV);
    try {
      await waitFor(() => worker.engine.getStatus().state === 'up', 20_000, 'node2 up');
      const r = await stream('stacks.deploy', { name: 'elsewhere', files: [join(dir, 'stack.yaml')] }, worker);
      expect(r.error).toMatchObject({
        code: 'CONFLICT',
        message: 'The stack elsewhere could not be deployed: this engine is a worker of its swarm, not a manager; stacks are deployed from a manager.',
      });
      expect(r.lines).toEqual([]);
    } finally {
      worker.dispose();
    }
  });

  it('removing a stack waits until nothing of it is left on any node', async () => {
    const rm = await stream('stacks.remove', { name: 'shop' });
    expect(rm.error).toBeUndefined();
    expect(rm.lines).toEqual(expect.arrayContaining(['Removing service shop_web', 'Removing network shop_back']));
    expect(rm.lines.at(-1)).toBe('The stack shop is removed: no services, tasks, containers, networks, secrets or configs of it are left (its volumes stay).');
    expect(leftOn(cluster.machines[0]!, 'shop')).toEqual([]);
    // The workers let go of their containers and network as their tasks end (said to the managers just before).
    for (const m of cluster.machines.slice(1)) await waitFor(() => (leftOn(m, 'shop', false).length === 0 ? true : undefined), 20_000, `nothing of shop on ${m.hostname}`);
    expect(await ok<StackSummary[]>('stacks.list')).toEqual([]);
    const again = await stream('stacks.remove', { name: 'shop' });
    expect(again.error).toMatchObject({ code: 'NOT_FOUND', message: 'There is no stack shop on this swarm.' });
    for (const m of cluster.machines) m.engine.cli(['volume', 'rm', 'shop_data']);
  });
});
