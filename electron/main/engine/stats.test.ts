import { describe, expect, it } from 'vitest';
import { toStatsSample } from './stats';

describe('toStatsSample', () => {
  it('computes CPU % over online CPUs, memory without cache, and sums networks and block I/O (cgroup v2)', () => {
    const s = toStatsSample({
      read: '2024-05-01T10:00:01.5Z',
      cpu_stats: { cpu_usage: { total_usage: 3_000_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 18_000_000_000 },
      memory_stats: { usage: 50_000_000, limit: 1_000_000_000, stats: { inactive_file: 10_000_000 } },
      networks: { eth0: { rx_bytes: 100, tx_bytes: 50 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
      blkio_stats: {
        io_service_bytes_recursive: [
          { op: 'read', value: 4096 },
          { op: 'write', value: 8192 },
          { op: 'read', value: 4096 },
        ],
      },
      pids_stats: { current: 3 },
    });
    expect(s).toEqual({ time: Date.parse('2024-05-01T10:00:01.5Z'), cpuPercent: 100, memUsage: 40_000_000, memLimit: 1_000_000_000, netRx: 101, netTx: 52, blkRead: 8192, blkWrite: 8192, pids: 3 });
  });

  it('reads cgroup v1 shapes (percpu, total_inactive_file, capitalised ops)', () => {
    const s = toStatsSample({
      cpu_stats: { cpu_usage: { total_usage: 150, percpu_usage: [1, 2, 3, 4] }, system_cpu_usage: 1000 },
      precpu_stats: { cpu_usage: { total_usage: 100 }, system_cpu_usage: 800 },
      memory_stats: { usage: 300, limit: 1000, stats: { total_inactive_file: 100 } },
      blkio_stats: {
        io_service_bytes_recursive: [
          { op: 'Read', value: 7 },
          { op: 'Write', value: 9 },
          { op: 'Total', value: 16 },
        ],
      },
    });
    expect([s.cpuPercent, s.memUsage, s.blkRead, s.blkWrite]).toEqual([100, 200, 7, 9]);
  });

  it('gives 0 % on the first reading (no previous sample) and survives the empty stats of a stopped container', () => {
    expect(toStatsSample({ cpu_stats: { cpu_usage: { total_usage: 5 }, system_cpu_usage: 10 }, precpu_stats: {} }).cpuPercent).toBeGreaterThanOrEqual(0);
    expect(toStatsSample({})).toMatchObject({ cpuPercent: 0, memUsage: 0, memLimit: 0, netRx: 0, blkRead: 0, pids: 0 });
  });
});
