/** One process's /proc/<pid>/stat, read the one safe way: its name in (…) may hold spaces and ")". */
import { readFileSync } from 'node:fs';

export interface ProcStat {
  /** The command name (comm). */
  name: string;
  /** The fields after the name: [0] is the state (field 3 of proc(5)), [1] the parent pid, [11] utime, [12] stime. */
  fields: string[];
}

/** The process's stat, or undefined once it is gone. */
export function procStat(pid: number): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const end = stat.lastIndexOf(')');
  return { name: stat.slice(stat.indexOf('(') + 1, end), fields: stat.slice(end + 2).split(' ') };
}
