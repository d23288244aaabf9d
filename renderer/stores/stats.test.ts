import { beforeEach, describe, expect, it } from 'vitest';
import type { StatsSample } from '../../electron/shared/models';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import { STATS_WINDOW, toPoint, unwatchStats, useStats, watchStats } from './stats';

const sample = (time: number, over: Partial<StatsSample> = {}): StatsSample => ({ time, cpuPercent: 10, memUsage: 1, memLimit: 2, netRx: 0, netTx: 0, blkRead: 0, blkWrite: 0, pids: 1, ...over });

let t: FakeTransport;
beforeEach(() => {
  t = fakeTransport(() => undefined);
  connectApi(t);
});

describe('stats', () => {
  it('turns cumulative counters into per-second rates', () => {
    const p = toPoint(sample(1000, { netRx: 1000, blkWrite: 0 }), sample(3000, { netRx: 5000, blkWrite: 4096 }));
    expect([p.netRxRate, p.blkWriteRate]).toEqual([2000, 2048]);
    expect(toPoint(undefined, sample(1000, { netRx: 99 })).netRxRate).toBe(0);
    expect(toPoint(sample(1000, { netRx: 500 }), sample(2000, { netRx: 10 })).netRxRate).toBe(0); // counter reset
  });

  it('keeps a window of samples, and cancels its stream when unwatched', () => {
    watchStats('web');
    const start = t.streamMessages.at(-1) as { id: number; name: string };
    expect(start.name).toBe('containers.stats');
    for (let i = 0; i < STATS_WINDOW + 10; i++) t.deliver({ t: 'chunk', id: start.id, data: sample(i * 1000) });
    expect(useStats.getState().points).toHaveLength(STATS_WINDOW);
    expect(useStats.getState().points.at(-1)!.time).toBe((STATS_WINDOW + 9) * 1000);
    unwatchStats();
    expect(t.streamMessages.at(-1)).toEqual({ t: 'cancel', id: start.id });
  });
});
