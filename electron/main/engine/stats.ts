/** The engine's stats JSON -> StatsSample, with the docker CLI's formulas (cgroup v1 and v2). */
import type { StatsSample } from '../../shared/models';

interface CpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] };
  system_cpu_usage?: number;
  online_cpus?: number;
}

export interface EngineStats {
  read?: string;
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: { op: string; value: number }[] | null };
  pids_stats?: { current?: number };
}

export function toStatsSample(s: EngineStats): StatsSample {
  const cpu = s.cpu_stats ?? {};
  const pre = s.precpu_stats ?? {};
  const cpuDelta = (cpu.cpu_usage?.total_usage ?? 0) - (pre.cpu_usage?.total_usage ?? 0);
  const sysDelta = (cpu.system_cpu_usage ?? 0) - (pre.system_cpu_usage ?? 0);
  const cpus = cpu.online_cpus || cpu.cpu_usage?.percpu_usage?.length || 1;
  const cpuPercent = cpuDelta > 0 && sysDelta > 0 ? (cpuDelta / sysDelta) * cpus * 100 : 0;

  const mem = s.memory_stats ?? {};
  const m = mem.stats ?? {};
  // As the CLI: cgroup v1 subtracts total_inactive_file, v2 inactive_file (the page cache that can go)
  const cache = m.total_inactive_file ?? m.inactive_file ?? 0;
  const memUsage = Math.max(0, (mem.usage ?? 0) - (cache < (mem.usage ?? 0) ? cache : 0));

  let netRx = 0;
  let netTx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    netRx += n.rx_bytes ?? 0;
    netTx += n.tx_bytes ?? 0;
  }
  let blkRead = 0;
  let blkWrite = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = e.op.toLowerCase();
    if (op === 'read') blkRead += e.value;
    else if (op === 'write') blkWrite += e.value;
  }
  const time = s.read ? Date.parse(s.read) : NaN;
  return {
    time: Number.isFinite(time) && time > 0 ? time : Date.now(),
    cpuPercent,
    memUsage,
    memLimit: mem.limit ?? 0,
    netRx,
    netTx,
    blkRead,
    blkWrite,
    pids: s.pids_stats?.current ?? 0,
  };
}
