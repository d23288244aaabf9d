/**
 * A real swarm, made through Berth's API: three dockerds (26), each in a network namespace of its
 * own linked by veth pairs (test/support/swarm-cluster.ts). Berth is connected to node1 and has
 * node2 and node3 as engines it added; it makes the swarm on node1 at the address it is told, joins
 * the others in one call each, and changes, drains and removes nodes. Each bad input is said in
 * words and leaves nothing half-made. Everything, namespaces included, is gone at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/main/core';
import type { JoinTokens, SwarmNode, SwarmState } from '../../electron/shared/models';
import { nextEvent, testCore, waitFor } from '../support/engine';
import { endSwarmTest, startSwarmMachines, type SwarmMachines } from '../support/swarm-cluster';
import { TEST_IMAGE } from '../support/test-image';

let cluster: SwarmMachines;
let core: Core;

async function ok<T>(method: string, args?: unknown): Promise<T> {
  const r = await core.router.handle(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}
const refused = (method: string, args?: unknown) => core.router.handle(method, args);
const m = (i: number) => cluster.machines[i]!;

describe('a swarm of three real engines, made and run from Berth', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    cluster = await startSwarmMachines(3);
    core = testCore(m(0).engine.dockerHost);
    await waitFor(() => core.engine.getStatus().state === 'up', 20_000, 'node1 up');
    await ok('contexts.add', { name: 'node2', host: m(1).engine.dockerHost });
    await ok('contexts.add', { name: 'node3', host: m(2).engine.dockerHost });
  }, 180_000);

  afterAll(() => endSwarmTest(core, cluster, ['node2', 'node3']), 120_000);

  it('makes a swarm on node1 at the address it is told, and says why it cannot twice', async () => {
    expect(await ok<SwarmState>('swarm.info')).toMatchObject({ state: 'inactive', manager: false });
    // Only what looks like an address reaches the engine; the engine's own refusal is said as it is.
    expect(await refused('swarm.init', { advertiseAddr: 'not an address' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const bad = await refused('swarm.init', { advertiseAddr: 'nosuchif0' });
    expect(bad).toMatchObject({ ok: false, error: { message: expect.stringContaining('The swarm could not be made with the advertise address nosuchif0') } });
    expect(await ok<SwarmState>('swarm.info')).toMatchObject({ state: 'inactive' }); // nothing half-made

    const made = await ok<SwarmState>('swarm.init', { advertiseAddr: m(0).addr });
    expect(made).toMatchObject({ state: 'active', manager: true, nodeAddr: m(0).addr, nodes: 1, managers: 1 });
    expect(await refused('swarm.init', { advertiseAddr: m(0).addr })).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: 'This engine is already in a swarm (active).' } });
  });

  it('shows the join tokens, refuses a wrong one in words leaving the engine out, and joins the other engines in one call each', async () => {
    const tokens = await ok<JoinTokens>('swarm.joinTokens');
    expect(tokens.worker).toMatch(/^SWMTKN-1-/);
    expect(tokens.manager).toMatch(/^SWMTKN-1-/);
    expect(tokens.worker).not.toBe(tokens.manager);
    expect(tokens.managerAddrs).toEqual([`${m(0).addr}:2377`]);

    // A wrong token, from node2's side (Berth switched there is the same as a user with a token).
    const node2 = testCore(m(1).engine.dockerHost);
    try {
      await waitFor(() => node2.engine.getStatus().state === 'up', 20_000, 'node2 up');
      const wrong = tokens.worker.replace(/.{6}$/, 'aaaaaa');
      const r = await node2.router.handle('swarm.join', { remoteAddr: `${m(0).addr}:2377`, token: wrong, advertiseAddr: m(1).addr });
      expect(r).toMatchObject({ ok: false, error: { message: expect.stringContaining('This engine could not join the swarm') } });
      expect(((await node2.router.handle('swarm.info', {})) as { value: SwarmState }).value).toMatchObject({ state: 'inactive' });
    } finally {
      node2.dispose();
    }
    expect((await ok<SwarmNode[]>('nodes.list')).length).toBe(1);

    expect(await refused('swarm.addEngine', { context: 'nowhere', role: 'worker', advertiseAddr: m(1).addr })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await refused('swarm.addEngine', { context: 'default', role: 'worker', advertiseAddr: m(1).addr })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringContaining('is the engine in use') },
    });

    const two = await ok<SwarmNode>('swarm.addEngine', { context: 'node2', role: 'worker', advertiseAddr: m(1).addr });
    expect(two).toMatchObject({ hostname: 'node2', role: 'worker', addr: m(1).addr, self: false });
    const three = await ok<SwarmNode>('swarm.addEngine', { context: 'node3', role: 'manager', advertiseAddr: m(2).addr });
    expect(three).toMatchObject({ hostname: 'node3', role: 'manager' });
    expect(await refused('swarm.addEngine', { context: 'node2', role: 'worker', advertiseAddr: m(1).addr })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: 'The engine "node2" is already a node of this swarm.' },
    });

    const nodes = await waitFor(
      async () => {
        const list = await ok<SwarmNode[]>('nodes.list');
        return list.length === 3 && list.every((n) => n.status === 'ready') ? list : undefined;
      },
      30_000,
      'three ready nodes',
    );
    expect(nodes.map((n) => [n.hostname, n.role, n.self])).toEqual([
      ['node1', 'manager', true],
      ['node3', 'manager', false],
      ['node2', 'worker', false],
    ]);
    const leader = nodes.find((n) => n.leader)!;
    expect(leader.hostname).toBe('node1');
    expect(leader).toMatchObject({ engineVersion: expect.stringMatching(/^26\./), os: 'linux', reachability: 'reachable' });
    expect(leader.cpus).toBeGreaterThan(0);
    expect(leader.memoryBytes).toBeGreaterThan(0);
    expect(await ok<SwarmState>('swarm.info')).toMatchObject({ nodes: 3, managers: 2 });
  });

  it('drains, pauses and activates a node, edits its labels, promotes and demotes it', async () => {
    const id = (await ok<SwarmNode[]>('nodes.list')).find((n) => n.hostname === 'node2')!.id;
    const pushed = nextEvent(core, 'swarm:changed', () => true, 10_000); // the engine's node event, pushed to every window
    expect(await ok<SwarmNode>('nodes.update', { id, availability: 'drain' })).toMatchObject({ availability: 'drain' });
    await pushed;
    expect(await ok<SwarmNode>('nodes.update', { id, availability: 'pause' })).toMatchObject({ availability: 'pause' });
    expect(await ok<SwarmNode>('nodes.update', { id, availability: 'active', labels: { zone: 'b', 'com.example.disk': 'ssd' } })).toMatchObject({
      availability: 'active',
      labels: { zone: 'b', 'com.example.disk': 'ssd' },
    });
    expect(await ok<SwarmNode>('nodes.update', { id, labels: { zone: 'c' } })).toMatchObject({ labels: { zone: 'c' } }); // the labels given are the node's labels
    expect(await ok<SwarmNode>('nodes.update', { id, role: 'manager' })).toMatchObject({ role: 'manager' });
    expect(await ok<SwarmNode>('nodes.update', { id, role: 'worker' })).toMatchObject({ role: 'worker' });
    expect(await refused('nodes.update', { id, labels: { 'bad key!': 'x' } })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await refused('nodes.update', { id: 'nosuchnode', availability: 'drain' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('refuses to remove a node that is up or that runs tasks, and removes it once it has left', async () => {
    const node2 = (await ok<SwarmNode[]>('nodes.list')).find((n) => n.hostname === 'node2')!;
    const self = (await ok<SwarmNode[]>('nodes.list')).find((n) => n.self)!;
    expect(await refused('nodes.remove', { id: self.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('cannot remove itself') } });
    expect(await refused('nodes.remove', { id: node2.id })).toMatchObject({ ok: false, error: { message: expect.stringContaining('is still ready: only a node that is down can be removed') } });
    // A task on it: said first, with what to do.
    m(0).engine.cli(['service', 'create', '--detach', '--name', 'pinned', '--constraint', 'node.hostname==node2', '--no-resolve-image', TEST_IMAGE, 'sleep', '3600']);
    try {
      await waitFor(() => (m(1).engine.cli(['ps', '-q', '--filter', 'name=pinned']) ? true : undefined), 60_000, 'the task running on node2');
      expect(await refused('nodes.remove', { id: node2.id })).toMatchObject({
        ok: false,
        error: { code: 'IN_USE', message: `The node node2 (${node2.id.slice(0, 12)}) still runs 1 task.`, hint: expect.stringContaining('Drain it first') },
      });
    } finally {
      m(0).engine.cli(['service', 'rm', 'pinned']);
    }
    await waitFor(() => (m(1).engine.cli(['ps', '-aq', '--filter', 'name=pinned']) ? undefined : true), 60_000, 'the task gone from node2');

    // node2 leaves (from its own side, as its user would), and is down for the managers; then it can go.
    // Its own engine learns of its demotion (earlier) a moment after the managers: until then it would refuse.
    await waitFor(() => (m(1).engine.cli(['info', '--format', '{{.Swarm.ControlAvailable}}']) === 'false' ? true : undefined), 60_000, 'node2 a worker by its own account');
    m(1).engine.cli(['swarm', 'leave']);
    await waitFor(async () => ((await ok<SwarmNode[]>('nodes.list')).find((n) => n.id === node2.id)?.status === 'down' ? true : undefined), 60_000, 'node2 down');
    await ok('nodes.remove', { id: node2.id });
    expect((await ok<SwarmNode[]>('nodes.list')).map((n) => n.hostname)).toEqual(['node1', 'node3']);
    expect(await refused('nodes.remove', { id: node2.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('a manager leaves only when forced; demoted (even by itself), it leaves as a worker', async () => {
    const self = (await ok<SwarmNode[]>('nodes.list')).find((n) => n.self)!;
    expect(await refused('swarm.leave', {})).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('must be forced') } });
    // node1 demotes itself (node3 stays a manager): done, though as a worker it can read no node since.
    expect(await ok<SwarmNode>('nodes.update', { id: self.id, role: 'worker' })).toMatchObject({ hostname: 'node1', role: 'worker' });
    await waitFor(async () => ((await ok<SwarmState>('swarm.info')).manager ? undefined : true), 30_000, 'node1 a worker');
    expect(await refused('nodes.list')).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('not a swarm manager') } });
    expect(await ok<SwarmState>('swarm.leave', {})).toMatchObject({ state: 'inactive', manager: false });
    expect(await refused('nodes.list')).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('not in a swarm') } });
    m(2).engine.try(['swarm', 'leave', '--force']);
  });
});
