/**
 * What one process on this machine uses (the VM's QEMU), read from Linux's /proc: CPU as the
 * share of a core between two reads, memory as its resident set. Elsewhere (no /proc) it tells
 * nothing rather than guess.
 */
import { readFileSync } from 'node:fs';
import type { ProcessUsage } from '../../shared/models';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Berth runs on

/**
 * The pid in `pidFile`, read at each call (the VM's process changes at each start). Each reader
 * keeps its own last reading: give every watcher its own, or two would halve each other's interval.
 */
export function processUsageReader(pidFile: string, proc = '/proc', now: () => number = Date.now): () => ProcessUsage | undefined {
  let prev: { pid: number; ticks: number; at: number } | undefined;
  return () => {
    try {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 0) return undefined;
      const stat = readFileSync(`${proc}/${pid}/stat`, 'utf8');
      // The command name (field 2) is in parentheses and may hold spaces: fields count after its ')'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`${proc}/${pid}/status`, 'utf8'));
      const at = now();
      const last = prev?.pid === pid ? prev : undefined;
      prev = { pid, ticks, at };
      const secs = last ? (at - last.at) / 1000 : 0;
      const memUsage = rss ? Number(rss[1]) * 1024 : 0;
      if (!last || secs <= 0) return { memUsage }; // no rate yet
      return { cpuPercent: Math.max(0, ((ticks - last.ticks) / TICKS_PER_SECOND / secs) * 100), memUsage };
    } catch {
      prev = undefined;
      return undefined; // no VM process (stopped), or no /proc here
    }
  };
}
