import { describe, expect, it } from 'vitest';
import type { StatsSample } from '../../electron/shared/models';
import { connectedCore, engine, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();

describe('container stats stream', () => {
  it('reports plausible CPU, memory, pids and I/O for a busy container, until cancelled', async () => {
    const name = uniq('stats');
    docker.cli(['run', '-d', '--name', name, '--memory', '64m', TEST_IMAGE, 'sh', '-c', 'head -c 5000000 /dev/urandom > /tmp/blob; while :; do :; done']);
    const samples: StatsSample[] = [];
    const s = t.core.router.openStream('containers.stats', { id: name }, async (c) => void samples.push(c as StatsSample));
    await waitFor(() => samples.length >= 4 || undefined, 20_000, 'four stats samples');
    s.cancel();
    expect(await s.done).toBeUndefined();
    const last = samples.at(-1)!;
    expect(last.cpuPercent).toBeGreaterThan(20); // a busy loop uses most of a core
    expect(last.cpuPercent).toBeLessThanOrEqual(100 * 2 + 1); // never more than the machine has (2 cores here)
    expect(last.memLimit).toBe(64 * 1024 * 1024);
    expect(last.memUsage).toBeGreaterThan(0);
    expect(last.memUsage).toBeLessThan(last.memLimit);
    expect(last.pids).toBeGreaterThanOrEqual(1);
    expect(samples.every((x, i) => i === 0 || x.time >= samples[i - 1]!.time)).toBe(true);
    const n = samples.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(samples.length).toBe(n); // nothing after the cancel
  });

  it('an unknown container is NOT_FOUND', async () => {
    expect(await t.core.router.openStream('containers.stats', { id: 'no-such-container' }, async () => {}).done).toMatchObject({ code: 'NOT_FOUND' });
  });
});
