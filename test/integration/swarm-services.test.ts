/**
 * Swarm services through Berth's API on a real three-node swarm (support/swarm-cluster): a service
 * scaled to 3 puts one task on each node and its published port answers on every node; draining a
 * node moves its task; a rolling image update completes and a rollback brings the old image back;
 * bad input is said in words and makes nothing. Everything is gone at the end, namespaces included.
 *
 * Ports are published in host mode: this kernel has no IPVS, which the ingress routing mesh needs.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/main/core';
import type { LogLine, ServiceSummary, SwarmNode, TaskInfo } from '../../electron/shared/models';
import { testCore, waitFor } from '../support/engine';
import { endSwarmTest, formSwarm, startSwarmMachines, type SwarmMachines } from '../support/swarm-cluster';
import { TEST_IMAGE } from '../support/test-image';
import { emptyForm, formToSpec } from '../../renderer/stores/run-form-spec';
import { runSpecToService } from '../../renderer/lib/service-form';

let cluster: SwarmMachines;
let core: Core;
const V2 = 'berth-test/busybox:v2';

async function ok<T>(method: string, args?: unknown): Promise<T> {
  const r = await core.router.handle(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}
const call = (method: string, args?: unknown) => core.router.handle(method, args);
/** Connections open on node1's engine (the manager Berth talks to), counted at the engine's end of its socket (ss). */
const engineConnections = () => {
  const sock = cluster.machines[0]!.engine.socket;
  return spawnSync('ss', ['-xH'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => l.split(/\s+/).includes(sock)).length;
};
/** A service's merged log, read into `got` until cancelled; `done` is its end (undefined, or the error). */
function serviceLogs(args: Record<string, unknown>) {
  const got: LogLine[] = [];
  const s = core.router.openStream('services.logs', args, async (c) => void got.push(...(c as LogLine[])));
  return { got, cancel: () => s.cancel(), done: s.done };
}
const running = async (id: string) => (await ok<TaskInfo[]>('services.tasks', { id })).filter((t) => t.desiredState === 'running' && t.state === 'running');

describe('swarm services on three real engines', { timeout: 240_000 }, () => {
  beforeAll(async () => {
    cluster = await startSwarmMachines(3);
    const [one] = cluster.machines;
    // A second image on every node, different from the first: what a rolling update moves to.
    for (const m of cluster.machines) {
      m.engine.cli(['create', '--name', 'v2-base', TEST_IMAGE]);
      m.engine.cli(['commit', '--change', 'LABEL berth.test=v2', 'v2-base', V2]);
      m.engine.cli(['rm', 'v2-base']);
    }
    core = testCore(one!.engine.dockerHost);
    await waitFor(() => core.engine.getStatus().state === 'up', 20_000, 'node1 up');
    await formSwarm(core, cluster);
  }, 240_000);

  afterAll(() => endSwarmTest(core, cluster, ['node2', 'node3']), 120_000);

  it('scaled to 3, a service runs one task on each node, and its published port answers on every node', async () => {
    const web = await ok<ServiceSummary>('services.create', {
      name: 'web',
      image: TEST_IMAGE,
      replicas: 1,
      maxPerNode: 1,
      ports: [{ target: 80, published: 8080, mode: 'host' }],
      // Ends at once on SIGTERM (httpd as pid 1 would wait out the 10 s stop): a rolling update stops each task.
      command: ['sh', '-c', "mkdir -p /www && hostname > /www/index.html && httpd -p 80 -h /www && trap 'exit 0' TERM && while :; do sleep 1; done"],
    });
    expect(web).toMatchObject({ name: 'web', image: TEST_IMAGE, mode: 'replicated', desired: 1, ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'host' }] });
    expect(await ok<ServiceSummary>('services.scale', { id: 'web', replicas: 3 })).toMatchObject({ desired: 3 });
    const tasks = await waitFor(
      async () => {
        const r = await running(web.id);
        return r.length === 3 ? r : undefined;
      },
      60_000,
      'three running tasks',
    );
    expect(tasks.map((t) => t.node).sort()).toEqual(['node1', 'node2', 'node3']);
    expect(await ok<ServiceSummary>('services.list').then((l: unknown) => (l as ServiceSummary[]).find((s) => s.name === 'web'))).toMatchObject({ running: 3, desired: 3 });

    // From inside node1's network, each node's port 8080 answers with the task that runs there.
    // (busybox's wget crashes here: nc speaks the HTTP.)
    const get = (addr: string) => cluster.inNetns(cluster.machines[0]!, ['sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 5 ${addr} 8080`]);
    const answers = await waitFor(
      () => {
        const all = cluster.machines.map((m) => get(m.addr));
        return all.every((a) => a.out.startsWith('HTTP/1.')) ? all : undefined;
      },
      30_000,
      'port 8080 answering on every node',
    );
    expect(new Set(answers.map((a) => a.out.trim().split('\n').pop())).size).toBe(3); // three different tasks' host names
  });

  it('draining a node moves its task to the others', async () => {
    const spread = await ok<ServiceSummary>('services.create', { name: 'spread', image: TEST_IMAGE, replicas: 3, command: ['sh', '-c', "trap 'exit 0' TERM; while :; do sleep 1; done"] });
    await waitFor(async () => ((await running(spread.id)).length === 3 ? true : undefined), 60_000, 'three running tasks');
    const node3 = (await ok<SwarmNode[]>('nodes.list')).find((n) => n.hostname === 'node3')!;
    const before = (await running(spread.id)).filter((t) => t.node === 'node3');
    await ok('nodes.update', { id: node3.id, availability: 'drain' });
    const after = await waitFor(
      async () => {
        const r = await running(spread.id);
        return r.length === 3 && r.every((t) => t.node !== 'node3') ? r : undefined;
      },
      60_000,
      'the tasks off node3',
    );
    expect(after.map((t) => t.node).sort()).not.toContain('node3');
    // The moved task's history: the one on node3 was shut down.
    const history = await ok<TaskInfo[]>('services.tasks', { id: spread.id });
    for (const t of before) expect(history.find((h) => h.id === t.id)).toMatchObject({ node: 'node3', desiredState: 'shutdown' });
    await ok('nodes.update', { id: node3.id, availability: 'active' });
    await ok('services.remove', { id: 'spread' });
  });

  it('a rolling image update completes, and a rollback brings the old image back', async () => {
    await ok('services.setImage', { id: 'web', image: V2 });
    const updated = await waitFor(
      async () => {
        const s = (await ok<ServiceSummary[]>('services.list')).find((x) => x.name === 'web')!;
        return s.update?.state === 'completed' ? s : undefined;
      },
      120_000,
      'the update completed',
    );
    expect(updated.image).toBe(V2);
    await waitFor(
      async () => {
        const r = await running(updated.id);
        return r.length === 3 && r.every((t) => t.image === V2) ? true : undefined;
      },
      60_000,
      'three tasks on v2',
    );

    await ok('services.rollback', { id: 'web' });
    const back = await waitFor(
      async () => {
        const s = (await ok<ServiceSummary[]>('services.list')).find((x) => x.name === 'web')!;
        return s.update?.state === 'rollback_completed' ? s : undefined;
      },
      120_000,
      'the rollback completed',
    );
    expect(back.image).toBe(TEST_IMAGE);
    await waitFor(
      async () => {
        const r = await running(back.id);
        return r.length === 3 && r.every((t) => t.image === TEST_IMAGE) ? true : undefined;
      },
      60_000,
      'three tasks back on the old image',
    );
  });

  it('bad input is said in words and makes nothing', async () => {
    const before = (await ok<ServiceSummary[]>('services.list')).map((s) => s.name);
    expect(await call('services.create', { name: 'web', image: TEST_IMAGE })).toMatchObject({ ok: false, error: { code: 'CONFLICT', hint: expect.stringContaining('Pick another name') } });
    expect(await call('services.create', { name: '-bad', image: TEST_IMAGE })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await call('services.create', { name: 'x', image: 'a//b' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await call('services.create', { name: 'g', image: TEST_IMAGE, mode: 'global', replicas: 2 })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('takes no replica count') },
    });
    const g = await ok<ServiceSummary>('services.create', { name: 'g', image: TEST_IMAGE, mode: 'global', command: ['sleep', '3600'] });
    expect(g).toMatchObject({ mode: 'global', desired: 3 });
    expect(await call('services.rollback', { id: 'g' })).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: 'The service g has no earlier version to roll back to.' } });
    expect(await call('services.scale', { id: 'g', replicas: 5 })).toMatchObject({ ok: false, error: { message: expect.stringContaining('is global') } });
    expect(await call('services.scale', { id: 'nosuch', replicas: 1 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await ok('services.remove', { id: 'g' });
    expect((await ok<ServiceSummary[]>('services.list')).map((s) => s.name)).toEqual(before);
  });

  it('merges the logs of 3 tasks on 3 nodes, each line named by its task and node; a 1 MB line and one with no newline whole', async () => {
    // Each task, once: a line, a line of 1 MiB, a last line with no newline (the engine sends it when the task ends).
    const talk = await ok<ServiceSummary>('services.create', {
      name: 'talk',
      image: TEST_IMAGE,
      replicas: 3,
      maxPerNode: 1,
      restart: { condition: 'none' },
      command: ['sh', '-c', `echo "hello from the task"; head -c 1048576 /dev/zero | tr '\\0' x; echo; printf 'no newline here'`],
    });
    const idle = engineConnections();
    const all = serviceLogs({ id: 'talk', tail: 'all' });
    await waitFor(() => (new Set(all.got.filter((l) => l.text === 'no newline here').map((l) => l.source)).size === 3 ? true : undefined), 60_000, 'every task printed, on every node');
    all.cancel();
    expect(await all.done).toBeUndefined();
    const history = all.got;
    const sources = [...new Set(history.map((l) => l.source))];
    expect(sources.every((s) => /^talk\.[1-3]@node[1-3]$/.test(s!))).toBe(true);
    expect(new Set(sources.map((s) => s!.split('@')[1]))).toEqual(new Set(['node1', 'node2', 'node3']));
    expect(new Set(sources.map((s) => s!.split('@')[0]))).toEqual(new Set(['talk.1', 'talk.2', 'talk.3']));
    // Per task, in order: the line; the 1 MiB line in pieces of 64 Ki, together (other tasks' lines come between them on the wire); the last line.
    const tasks = await ok<TaskInfo[]>('services.tasks', { id: talk.id });
    for (const src of sources) {
      const own = history.filter((l) => l.source === src);
      expect(own).toHaveLength(1 + 16 + 1);
      expect(own[0]!.text).toBe('hello from the task');
      const at = history.indexOf(own[1]!);
      expect(history.slice(at, at + 16)).toEqual(own.slice(1, 17)); // the pieces next to each other
      expect(own.slice(1, 17).map((l) => !!l.more)).toEqual([...Array(15).fill(true), false]);
      expect(
        own
          .slice(1, 17)
          .map((l) => l.text)
          .join(''),
      ).toBe('x'.repeat(1048576));
      expect(own[17]!.text).toBe('no newline here');
      expect(own.every((l) => !l.text.includes('com.docker.swarm'))).toBe(true); // the details are taken off
      // The name says where it ran: the task of that slot ran on that node.
      const [slot, node] = src!.replace(/^talk\./, '').split('@');
      expect(tasks.some((t) => t.slot === Number(slot) && t.node === node)).toBe(true);
    }
    // Only one node's lines; only one task's.
    const task = tasks.find((t) => t.node === 'node3')!;
    for (const [filter, named] of [
      [{ node: 'node2' }, (s: string) => s.endsWith('@node2')],
      [{ task: task.id }, (s: string) => s === `talk.${task.slot}@node3`],
    ] as const) {
      const one = serviceLogs({ id: talk.id, tail: 'all', ...filter });
      await waitFor(() => (one.got.some((l) => l.text === 'no newline here') ? true : undefined), 30_000, 'the filtered lines');
      one.cancel();
      expect(await one.done).toBeUndefined();
      expect(one.got).toHaveLength(18);
      expect(one.got.every((l) => named(l.source!))).toBe(true);
    }
    // Without following, the history merged by time: or, if the engine stalls on these 1 MB lines (moby/moby#38640), said so.
    const past = serviceLogs({ id: 'talk', follow: false, tail: 'all' });
    const end = await past.done;
    if (end) expect(end).toMatchObject({ code: 'ENGINE_ERROR', message: expect.stringContaining('stopped sending the log of talk') });
    else expect(past.got.filter((l) => l.text === 'no newline here')).toHaveLength(3);
    expect(past.got.every((l, i) => i === 0 || !past.got[i - 1]!.more || past.got[i - 1]!.source === l.source)).toBe(true);
    await waitFor(() => (engineConnections() <= idle ? true : undefined), 10_000, 'no log stream left on the engine');
    await ok('services.remove', { id: 'talk' });
  });

  it('follows live: a scale adds the new tasks lines; closing leaves no stream open on the engine', async () => {
    const chat = await ok<ServiceSummary>('services.create', {
      name: 'chat',
      image: TEST_IMAGE,
      replicas: 1,
      maxPerNode: 1,
      command: ['sh', '-c', 'trap \'exit 0\' TERM; i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.3; done'],
    });
    await waitFor(async () => ((await running(chat.id)).length === 1 ? true : undefined), 60_000, 'one running task');
    const idle = engineConnections();
    const live = serviceLogs({ id: 'chat', tail: 0 });
    await waitFor(() => (live.got.some((l) => l.text.startsWith('tick')) ? true : undefined), 30_000, 'a live line');
    expect(engineConnections()).toBeGreaterThan(idle);
    const firstNode = live.got[0]!.source!.split('@')[1];
    await ok('services.scale', { id: 'chat', replicas: 3 });
    await waitFor(() => (new Set(live.got.map((l) => l.source!.split('@')[1])).size === 3 ? true : undefined), 60_000, 'lines from the new tasks, on every node');
    const sources = new Set(live.got.map((l) => l.source));
    expect(sources.size).toBe(3);
    expect([...sources].every((s) => /^chat\.[1-3]@node[1-3]$/.test(s!))).toBe(true);
    expect([...sources]).toContain(`chat.1@${firstNode}`);
    live.cancel();
    expect(await live.done).toBeUndefined();
    await waitFor(() => (engineConnections() <= idle ? true : undefined), 10_000, 'the log stream closed on the engine');

    // Closed before the engine answered at all: nothing left open either.
    const early = serviceLogs({ id: 'chat' });
    early.cancel();
    expect(await early.done).toBeUndefined();
    await waitFor(() => (engineConnections() <= idle ? true : undefined), 10_000, 'no stream after an early cancel');
  });

  it('a service removed while its logs stream ends the stream in words, with nothing left open', async () => {
    const idle = engineConnections();
    const live = serviceLogs({ id: 'chat', tail: 0 });
    await waitFor(() => (live.got.length > 0 ? true : undefined), 30_000, 'a live line');
    await ok('services.remove', { id: 'chat' });
    expect(await live.done).toMatchObject({ code: 'NOT_FOUND', message: 'The service chat was removed: its log ends here.' });
    await waitFor(() => (engineConnections() <= idle ? true : undefined), 10_000, 'the log stream closed on the engine');
    expect(await serviceLogs({ id: 'chat' }).done).toMatchObject({ code: 'NOT_FOUND', message: 'There is no service chat.' });
    expect(await serviceLogs({ id: '../x' }).done).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('a service made from the Run dialog’s fields: ports, env, mounts, limits, restart reach its spec; the fields that do not apply are said', async () => {
    const form = {
      ...emptyForm(TEST_IMAGE),
      name: 'fromrun',
      command: 'sh -c \'trap "exit 0" TERM; while :; do sleep 1; done\'',
      ports: [{ hostIp: '127.0.0.1', hostPort: '8090', containerPort: '80', protocol: 'tcp' as const }],
      mounts: [
        { type: 'volume' as const, source: 'fromrun-data', target: '/data', readOnly: false, size: '' },
        { type: 'tmpfs' as const, source: '', target: '/scratch', readOnly: false, size: '16m' },
      ],
      env: [{ key: 'GREETING', value: 'hello there' }],
      labels: [{ key: 'team', value: 'blue' }],
      restart: 'on-failure' as const,
      maxRetries: '3',
      cpus: '0.5',
      memory: '64m',
      workdir: '/tmp',
      privileged: true,
      devices: '/dev/fuse',
      interactive: true,
    };
    const spec = formToSpec(form);
    if (!('spec' in spec)) throw new Error(spec.error);
    const mapped = runSpecToService(spec.spec, { mode: 'replicated', replicas: 2, publish: 'host' });
    if ('error' in mapped) throw new Error(mapped.error);
    expect(mapped.notApplied).toEqual([expect.stringMatching(/^Privileged/), expect.stringMatching(/^Devices/), expect.stringMatching(/^Interactive/)]);
    expect(mapped.notes).toEqual([expect.stringMatching(/^Host IP 127\.0\.0\.1: a service publishes its ports on every address/)]);
    // --rm cannot go with a restart policy in the form: alone, it is said too.
    const rm = formToSpec({ ...emptyForm(TEST_IMAGE), name: 'x', autoRemove: true });
    expect('spec' in rm && runSpecToService(rm.spec, { mode: 'global', replicas: 1, publish: 'ingress' })).toMatchObject({ notApplied: [expect.stringMatching(/^Remove when it exits \(--rm\)/)] });
    const noName = formToSpec(emptyForm(TEST_IMAGE));
    expect('spec' in noName && runSpecToService(noName.spec, { mode: 'replicated', replicas: 1, publish: 'host' })).toMatchObject({ field: 'name' });

    const made = await ok<ServiceSummary>('services.create', mapped.input);
    expect(made).toMatchObject({ name: 'fromrun', desired: 2, ports: [{ target: 80, published: 8090, protocol: 'tcp', mode: 'host' }] });
    const engineSpec = JSON.parse(cluster.machines[0]!.engine.cli(['service', 'inspect', 'fromrun']))[0].Spec;
    expect(engineSpec.Labels).toEqual({ team: 'blue' });
    expect(engineSpec.TaskTemplate.ContainerSpec).toMatchObject({
      Args: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'],
      Env: ['GREETING=hello there'],
      Dir: '/tmp',
      Mounts: [
        { Type: 'volume', Source: 'fromrun-data', Target: '/data' },
        { Type: 'tmpfs', Target: '/scratch', TmpfsOptions: { SizeBytes: 16 * 1024 * 1024 } },
      ],
    });
    expect(engineSpec.TaskTemplate.ContainerSpec.Privileged).toBeUndefined();
    expect(engineSpec.TaskTemplate.Resources.Limits).toEqual({ NanoCPUs: 500_000_000, MemoryBytes: 64 * 1024 * 1024 });
    expect(engineSpec.TaskTemplate.RestartPolicy).toMatchObject({ Condition: 'on-failure', MaxAttempts: 3 });
    expect(engineSpec.EndpointSpec.Ports).toEqual([{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8090, PublishMode: 'host' }]);
    // And the tasks run with them: the env is in the container, the limit on it.
    const [task] = await waitFor(
      async () => {
        const r = await running(made.id);
        return r.length === 2 ? r : undefined;
      },
      60_000,
      'two running tasks',
    );
    const host = cluster.machines.find((m) => m.hostname === task!.node)!;
    const inspect = JSON.parse(host.engine.cli(['inspect', task!.containerId!]))[0];
    expect(inspect.Config.Env).toContain('GREETING=hello there');
    expect(inspect.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(inspect.HostConfig.Privileged).toBe(false);
    await ok('services.remove', { id: 'fromrun' });
    await waitFor(() => (cluster.machines.every((m) => !m.engine.cli(['ps', '-aq', '--filter', 'label=com.docker.swarm.service.name=fromrun'])) ? true : undefined), 60_000, 'its tasks gone');
    for (const m of cluster.machines) m.engine.cli(['volume', 'rm', '-f', 'fromrun-data']);
  });

  it('removing a service ends its tasks on every node', async () => {
    await ok('services.remove', { id: 'web' });
    expect(await ok<ServiceSummary[]>('services.list')).toEqual([]);
    await waitFor(() => (cluster.machines.every((m) => m.engine.cli(['ps', '-q']) === '') ? true : undefined), 60_000, 'no container left on any node');
  });
});
