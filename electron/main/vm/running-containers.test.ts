import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { followRunning } from './running-containers';

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

/** An engine the test drives: its running list and its events stream (a new one per subscription). */
function fakeDocker() {
  const streams: PassThrough[] = [];
  let running: string[] = [];
  let lists = 0;
  const state = { down: false }; // the guest's dockerd not answering
  const docker = {
    getEvents: async () => {
      if (state.down) throw new Error('connect ECONNREFUSED');
      const s = new PassThrough();
      streams.push(s);
      return s;
    },
    // "a:paused" is container a, paused; the engine's status filter is honoured.
    listContainers: async (o?: Docker.ContainerListOptions) => {
      lists++;
      const status = (o?.filters as { status?: string[] } | undefined)?.status;
      const all = running.map((r) => ({ Id: r.split(':')[0]!, State: r.split(':')[1] ?? 'running' }) as Docker.ContainerInfo);
      return all.filter((c) => !status || status.includes(c.State));
    },
  };
  return { docker: docker as unknown as Pick<Docker, 'getEvents' | 'listContainers'>, streams, state, set: (ids: string[]) => (running = ids), lists: () => lists };
}
const event = (s: PassThrough, Action: string, id: string) => s.write(JSON.stringify({ Type: 'container', Action, id }) + '\n');

describe('running containers, followed for auto-pause', () => {
  it('counts at the start and after each event; a container at its die is not counted even if still listed', async () => {
    const f = fakeDocker();
    f.set(['a']);
    const counts: Array<number | undefined> = [];
    const stop = followRunning(f.docker, (n) => counts.push(n));
    await until(() => counts.length === 1);
    expect(counts).toEqual([1]);
    event(f.streams[0]!, 'die', 'a'); // the engine still lists it
    await until(() => counts.length === 2);
    expect(counts.at(-1)).toBe(0);
    f.set(['a']);
    event(f.streams[0]!, 'start', 'a');
    await until(() => counts.length === 3);
    expect(counts.at(-1)).toBe(1);
    stop();
  });

  it('a lost events stream makes the count unknown, and following starts again', async () => {
    const f = fakeDocker();
    const counts: Array<number | undefined> = [];
    const stop = followRunning(f.docker, (n) => counts.push(n), 10);
    await until(() => counts.length === 1);
    f.streams[0]!.end();
    f.streams[0]!.resume();
    await until(() => counts.length === 3);
    expect(counts).toEqual([0, undefined, 0]);
    expect(f.streams).toHaveLength(2);
    stop();
    f.streams[1]!.destroy();
    await new Promise((r) => setTimeout(r, 30));
    expect(f.streams).toHaveLength(2); // nothing more after the disposer
  });
});

describe('running containers: a paused one, and an engine that stays away', () => {
  it('counts a docker-paused container as running (the VM must stay awake for it)', async () => {
    const f = fakeDocker();
    f.set(['a:paused', 'b:exited']);
    const counts: Array<number | undefined> = [];
    const stop = followRunning(f.docker, (n) => counts.push(n));
    await until(() => counts.length === 1);
    expect(counts).toEqual([1]);
    event(f.streams[0]!, 'die', 'a');
    f.set([]);
    await until(() => counts.length === 2);
    expect(counts.at(-1)).toBe(0);
    stop();
  });

  it('tries again after 2 s, doubling to 60 s while the engine is down, and from 2 s again once it answered', async () => {
    const f = fakeDocker();
    f.state.down = true;
    const waits: number[] = [];
    let fire: (() => void) | undefined;
    const timers = { setTimeout: ((fn: () => void, ms: number) => (waits.push(ms), (fire = fn), { unref() {} })) as never, clearTimeout: () => undefined };
    const counts: Array<number | undefined> = [];
    const stop = followRunning(f.docker, (n) => counts.push(n), 2000, timers);
    for (let i = 1; i <= 7; i++) {
      await until(() => waits.length === i);
      if (i < 7) fire!();
    }
    expect(waits).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    f.state.down = false;
    fire!();
    await until(() => counts.at(-1) === 0); // followed again, and counted
    f.streams[0]!.end();
    f.streams[0]!.resume();
    await until(() => waits.length === 8);
    expect(waits.at(-1)).toBe(2000);
    stop();
  });
});
