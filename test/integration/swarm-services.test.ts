/**
 * Swarm services through Berth's API on a real three-node swarm (support/swarm-cluster): a service
 * scaled to 3 puts one task on each node and its published port answers on every node; draining a
 * node moves its task; a rolling image update completes and a rollback brings the old image back;
 * bad input is said in words and makes nothing. Everything is gone at the end, namespaces included.
 *
 * Ports are published in host mode: this kernel has no IPVS, which the ingress routing mesh needs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/main/core';
import type { ServiceSummary, SwarmNode, TaskInfo } from '../../electron/shared/models';
import { testCore, waitFor } from '../support/engine';
import { endSwarmTest, startSwarmMachines, type SwarmMachines } from '../support/swarm-cluster';
import { TEST_IMAGE } from '../support/test-image';

let cluster: SwarmMachines;
let core: Core;
const V2 = 'berth-test/busybox:v2';

async function ok<T>(method: string, args?: unknown): Promise<T> {
  const r = await core.router.handle(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}
const call = (method: string, args?: unknown) => core.router.handle(method, args);
const running = async (id: string) => (await ok<TaskInfo[]>('services.tasks', { id })).filter((t) => t.desiredState === 'running' && t.state === 'running');

describe('swarm services on three real engines', { timeout: 240_000 }, () => {
  beforeAll(async () => {
    cluster = await startSwarmMachines(3);
    const [one, two, three] = cluster.machines;
    // A second image on every node, different from the first: what a rolling update moves to.
    for (const m of cluster.machines) {
      m.engine.cli(['create', '--name', 'v2-base', TEST_IMAGE]);
      m.engine.cli(['commit', '--change', 'LABEL berth.test=v2', 'v2-base', V2]);
      m.engine.cli(['rm', 'v2-base']);
    }
    core = testCore(one!.engine.dockerHost);
    await waitFor(() => core.engine.getStatus().state === 'up', 20_000, 'node1 up');
    await ok('swarm.init', { advertiseAddr: one!.addr });
    await ok('contexts.add', { name: 'node2', host: two!.engine.dockerHost });
    await ok('contexts.add', { name: 'node3', host: three!.engine.dockerHost });
    await ok('swarm.addEngine', { context: 'node2', role: 'worker', advertiseAddr: two!.addr });
    await ok('swarm.addEngine', { context: 'node3', role: 'worker', advertiseAddr: three!.addr });
    await waitFor(async () => ((await ok<SwarmNode[]>('nodes.list')).every((n) => n.status === 'ready') ? true : undefined), 30_000, 'three ready nodes');
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

  it('removing a service ends its tasks on every node', async () => {
    await ok('services.remove', { id: 'web' });
    expect(await ok<ServiceSummary[]>('services.list')).toEqual([]);
    await waitFor(() => (cluster.machines.every((m) => m.engine.cli(['ps', '-q']) === '') ? true : undefined), 60_000, 'no container left on any node');
  });
});
