import type Dockerode from 'dockerode';
import { describe, expect, it, vi } from 'vitest';
import { ContainersService, STREAK_WAIT_MS } from './containers';

const row = (id: string, status: string) => ({ Id: id, Names: [`/${id}`], Image: 'x', Command: 'c', Created: 1, Ports: [], Labels: {}, State: 'running', Status: status });

describe('the containers list', () => {
  it('reads the failing streak of the unhealthy and starting ones only, and waits a second at most for it', async () => {
    const inspected: string[] = [];
    const docker = {
      listContainers: async () => [
        row('a', 'Up 1 minute (unhealthy)'),
        row('b', 'Up 1 minute (healthy)'),
        row('c', 'Up 1 second (health: starting)'),
        row('d', 'Up 1 minute'),
        row('hung', 'Up 1 minute (unhealthy)'),
      ],
      getContainer: (id: string) => ({
        inspect: () => {
          inspected.push(id);
          return id === 'hung' ? new Promise(() => {}) : Promise.resolve({ State: { Health: { FailingStreak: id === 'a' ? 4 : 1 } } });
        },
      }),
    } as unknown as Dockerode;
    vi.useFakeTimers();
    let list: Awaited<ReturnType<ContainersService['list']>> | undefined;
    const listing = new ContainersService(docker).list().then((l) => (list = l));
    await vi.advanceTimersByTimeAsync(STREAK_WAIT_MS - 1);
    expect(list).toBeUndefined(); // waiting for the hung one's streak
    await vi.advanceTimersByTimeAsync(1);
    await listing;
    vi.useRealTimers();
    expect(inspected.sort()).toEqual(['a', 'c', 'hung']);
    expect(list!.map((c) => [c.id, c.health, c.failingStreak])).toEqual([
      ['a', 'unhealthy', 4],
      ['b', 'healthy', undefined],
      ['c', 'starting', 1],
      ['d', 'none', undefined],
      ['hung', 'unhealthy', undefined],
    ]);
  });

  it('with none to read, answers at once', async () => {
    const docker = { listContainers: async () => [row('d', 'Up 1 minute'), row('b', 'Up (healthy)')], getContainer: () => ({ inspect: () => new Promise(() => {}) }) } as unknown as Dockerode;
    vi.useFakeTimers();
    let done = false;
    const listing = new ContainersService(docker).list().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true); // no timer to wait for
    await listing;
    vi.useRealTimers();
  });
});
