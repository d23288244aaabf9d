/**
 * A real swarm's machines for a test: `n` dockerds (Debian 13's 26, the VM's engine), each in a
 * network namespace of its own with its own host name, linked by veth pairs to a bridge in one more
 * namespace, on 192.168.77.0/24: addresses that exist only inside those namespaces. Each engine's
 * unix socket is a file, so the test (and Berth) reach it from their own namespace. No swarm is made
 * here: that is what the tests do, through Berth.
 *
 * This kernel has no IPVS, so the swarm's ingress routing mesh cannot work here (dockerd says
 * "ipvs is not enabled in your kernel"); overlay networks (vxlan) and host-mode published ports do.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import type { Core } from '../../electron/main/core';
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { DOCKER_CURRENT, endCurrent } from './current-dockerd';
import { PrivateDockerd } from './dockerd';
import { buildBusybox } from './test-image';

export interface SwarmMachine {
  /** Its host name, which the swarm lists it by (node1, node2, ...). */
  hostname: string;
  /** Its address on the test's network. */
  addr: string;
  engine: PrivateDockerd;
  netns: string;
}

export interface SwarmMachines {
  machines: SwarmMachine[];
  /** Runs a command inside a machine's network namespace (as a client there would). */
  inNetns(machine: SwarmMachine, cmd: string[], timeoutMs?: number): { status: number | null; out: string };
  /** Stops every engine, removes their dirs and every namespace and link made. */
  end(): Promise<void>;
  /** What is left of them: namespaces, engine processes, mounts (all empty after end). */
  leftovers(): { netns: string[]; processes: number[]; mounts: string[] };
}

const ip = (...args: string[]) => {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
};

/** Makes the namespaces and starts the engines, each with the busybox test image. */
export async function startSwarmMachines(n = 3): Promise<SwarmMachines> {
  if (!existsSync(join(DOCKER_CURRENT, 'usr/sbin/dockerd'))) throw new Error(`No current Docker engine in ${DOCKER_CURRENT}: npm test (as root) unpacks Debian 13's docker.io there.`);
  const tag = `bsw${process.pid % 100000}`; // interface names: 15 characters at most
  const hub = `${tag}-hub`;
  const made: string[] = [];
  const machines: SwarmMachine[] = [];
  const end = async () => {
    await Promise.all(machines.map((m) => endCurrent(m.engine).catch(() => undefined)));
    for (const ns of made.reverse()) spawnSync('ip', ['netns', 'del', ns]);
  };
  try {
    ip('netns', 'add', hub);
    made.push(hub);
    ip('-n', hub, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', hub, 'link', 'set', 'br0', 'up');
    for (let i = 1; i <= n; i++) {
      const netns = `${tag}-n${i}`;
      ip('netns', 'add', netns);
      made.push(netns);
      // Made in the test's namespace, then each end moved where it belongs.
      ip('link', 'add', `${tag}a${i}`, 'type', 'veth', 'peer', 'name', `${tag}b${i}`);
      ip('link', 'set', `${tag}a${i}`, 'netns', netns);
      ip('link', 'set', `${tag}b${i}`, 'netns', hub);
      ip('-n', hub, 'link', 'set', `${tag}b${i}`, 'master', 'br0', 'up');
      ip('-n', netns, 'link', 'set', `${tag}a${i}`, 'name', 'eth0');
      const addr = `192.168.77.${10 + i}`;
      ip('-n', netns, 'addr', 'add', `${addr}/24`, 'dev', 'eth0');
      ip('-n', netns, 'link', 'set', 'eth0', 'up');
      ip('-n', netns, 'link', 'set', 'lo', 'up');
      const engine = new PrivateDockerd(mkdtempSync(`/tmp/${tag}-e${i}-`), {
        path: [join(DOCKER_CURRENT, 'usr/sbin'), join(DOCKER_CURRENT, 'usr/bin')],
        netns: { name: netns, hostname: `node${i}` },
      });
      machines.push({ hostname: `node${i}`, addr, engine, netns });
    }
    await Promise.all(machines.map((m) => m.engine.start(60_000)));
    for (const m of machines) buildBusybox(m.engine);
  } catch (e) {
    await end();
    throw e;
  }
  return {
    machines,
    inNetns(m, cmd, timeoutMs = 15_000) {
      const r = spawnSync('nsenter', [`--net=/run/netns/${m.netns}`, ...cmd], { encoding: 'utf8', timeout: timeoutMs });
      return { status: r.status, out: (r.stdout ?? '') + (r.stderr ?? '') };
    },
    end,
    leftovers() {
      const listed = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
      return {
        netns: listed
          .split('\n')
          .map((l) => l.split(' ')[0] ?? '')
          .filter((l) => l.startsWith(`${tag}-`)),
        processes: machines.flatMap((m) => m.engine.processes()),
        mounts: machines.flatMap((m) => m.engine.mounts()),
      };
    },
  };
}

/** After a file: Berth's engines for the machines forgotten, its core gone, the machines ended; the file fails if any of them is left. */
export async function endSwarmTest(core: Core | undefined, cluster: SwarmMachines | undefined, contexts: string[]): Promise<void> {
  for (const name of contexts) await core?.router.handle('contexts.remove', { name });
  core?.dispose();
  if (!cluster) return;
  await cluster.end();
  expect(cluster.leftovers()).toEqual({ netns: [], processes: [], mounts: [] });
}

/**
 * A swarm of all the machines, made through Berth's API as a user would: `core` (on the first
 * machine's engine) makes it, adds each other machine as an engine named `node<i>`, joins it as a
 * worker, and waits until every node is ready. Resolves with the contexts added (for endSwarmTest).
 */
export async function formSwarm(core: Core, cluster: SwarmMachines): Promise<string[]> {
  const ok = async (method: string, args?: unknown): Promise<unknown> => {
    const r = await core.router.handle(method, args);
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.value;
  };
  const [first, ...others] = cluster.machines;
  await ok('swarm.init', { advertiseAddr: first!.addr });
  for (const m of others) {
    await ok('contexts.add', { name: m.hostname, host: m.engine.dockerHost });
    await ok('swarm.addEngine', { context: m.hostname, role: 'worker', advertiseAddr: m.addr });
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    const nodes = (await ok('nodes.list')) as { status: string }[];
    if (nodes.length === cluster.machines.length && nodes.every((n) => n.status === 'ready')) break;
    if (Date.now() > deadline) throw new Error(`the swarm's nodes are not all ready: ${JSON.stringify(nodes)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return others.map((m) => m.hostname);
}
