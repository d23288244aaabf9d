import { describe, expect, it } from 'vitest';
import { toSwarmNode, toSwarmState } from './swarm';

describe("the engine's swarm answers, as the Swarm page shows them", () => {
  it('an engine in no swarm, and a worker: counts only a manager knows are not made up', () => {
    expect(toSwarmState({})).toEqual({ state: 'inactive', manager: false, remoteManagers: [] });
    expect(
      toSwarmState({
        Swarm: { LocalNodeState: 'active', NodeID: 'w1', NodeAddr: '10.0.0.2', ControlAvailable: false, Nodes: 0, Managers: 0, RemoteManagers: [{ NodeID: 'm1', Addr: '10.0.0.1:2377' }] },
      }),
    ).toEqual({
      state: 'active',
      manager: false,
      nodeId: 'w1',
      nodeAddr: '10.0.0.2',
      remoteManagers: [{ nodeId: 'm1', addr: '10.0.0.1:2377' }],
    });
    expect(toSwarmState({ Swarm: { LocalNodeState: 'weird' } }).state).toBe('inactive');
  });

  it('a node: role, availability, leader, resources in units, labels copied, self by id', () => {
    const node = toSwarmNode(
      {
        ID: 'n1',
        Version: { Index: 17 },
        Spec: { Role: 'manager', Availability: 'drain', Labels: { zone: 'b' } },
        Description: { Hostname: 'box', Platform: { OS: 'linux', Architecture: 'x86_64' }, Resources: { NanoCPUs: 2e9, MemoryBytes: 1024 }, Engine: { EngineVersion: '26.1.5', Labels: null } },
        Status: { State: 'ready', Addr: '10.0.0.1' },
        ManagerStatus: { Leader: true, Reachability: 'reachable', Addr: '10.0.0.1:2377' },
      },
      'n1',
    );
    expect(node).toEqual({
      id: 'n1',
      hostname: 'box',
      role: 'manager',
      availability: 'drain',
      status: 'ready',
      addr: '10.0.0.1',
      leader: true,
      reachability: 'reachable',
      engineVersion: '26.1.5',
      labels: { zone: 'b' },
      engineLabels: {},
      cpus: 2,
      memoryBytes: 1024,
      os: 'linux',
      arch: 'x86_64',
      self: true,
      version: 17,
    });
    // What an engine may leave out or garble is no crash: a plain worker, active, unknown.
    expect(toSwarmNode({ ID: 'n2', Spec: { Availability: 'sideways' } }, 'n1')).toMatchObject({ role: 'worker', availability: 'active', status: 'unknown', self: false, cpus: 0, labels: {} });
  });
});
