/**
 * Live stats of the container whose Stats tab is visible: one stream, opened when the tab shows
 * and cancelled when it hides. Keeps the last STATS_WINDOW samples; byte counters become rates.
 */
import { create } from 'zustand';
import type { StatsSample } from '../../electron/shared/models';
import { api } from '../api';

export const STATS_WINDOW = 60; // samples, about a minute

export interface StatsPoint {
  time: number;
  cpuPercent: number;
  memUsage: number;
  memLimit: number;
  netRxRate: number; // bytes/s
  netTxRate: number;
  blkReadRate: number;
  blkWriteRate: number;
  pids: number;
}

export interface StatsState {
  id?: string;
  points: StatsPoint[];
  error?: string;
  ended: boolean;
}

export const useStats = create<StatsState>(() => ({ points: [], ended: false }));

/** Rates between two cumulative samples; counters that went down (restart) count as 0. */
export function toPoint(prev: StatsSample | undefined, cur: StatsSample): StatsPoint {
  const secs = prev ? (cur.time - prev.time) / 1000 : 0;
  const rate = (a: number, b: number) => (prev && secs > 0 && b >= a ? (b - a) / secs : 0);
  return {
    time: cur.time,
    cpuPercent: cur.cpuPercent,
    memUsage: cur.memUsage,
    memLimit: cur.memLimit,
    netRxRate: rate(prev?.netRx ?? 0, cur.netRx),
    netTxRate: rate(prev?.netTx ?? 0, cur.netTx),
    blkReadRate: rate(prev?.blkRead ?? 0, cur.blkRead),
    blkWriteRate: rate(prev?.blkWrite ?? 0, cur.blkWrite),
    pids: cur.pids,
  };
}

let handle: { cancel(): void } | undefined;

export function watchStats(id: string): void {
  unwatchStats();
  useStats.setState({ id, points: [], error: undefined, ended: false });
  let prev: StatsSample | undefined;
  handle = api().stream(
    'containers.stats',
    { id },
    {
      onData: (sample) => {
        const point = toPoint(prev, sample);
        prev = sample;
        useStats.setState((s) => ({ points: [...s.points.slice(-(STATS_WINDOW - 1)), point] }));
      },
      onEnd: (error) => {
        handle = undefined;
        useStats.setState({ ended: true, error: error?.message });
      },
    },
  );
}

export function unwatchStats(): void {
  handle?.cancel();
  handle = undefined;
}
