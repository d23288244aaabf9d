/**
 * Several containers' logs as one, in time order (`docker compose logs`): each container's lines
 * are in order already, so a k-way merge by the engine's timestamps; the pieces of a line over
 * 64 KiB stay together.
 */
import type { LogLine } from '../../shared/models';

/** An RFC 3339 timestamp as a key that sorts as time does (the engine trims trailing zeros of the nanoseconds). */
export function timeKey(time: string | undefined): string {
  if (!time) return '';
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(time);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}` : time;
}

/** Merges per-container runs of lines (each in time order) into one list in time order; ties keep the input order. */
export function mergeByTime(runs: LogLine[][]): LogLine[] {
  const out: LogLine[] = [];
  const at = runs.map(() => 0);
  const keys = runs.map((r) => r.map((l) => timeKey(l.time)));
  for (;;) {
    let best = -1;
    for (let i = 0; i < runs.length; i++) {
      if (at[i]! >= runs[i]!.length) continue;
      if (best < 0 || keys[i]![at[i]!]! < keys[best]![at[best]!]!) best = i;
    }
    if (best < 0) return out;
    const run = runs[best]!;
    // A line and the pieces that go on from it, together.
    let i = at[best]!;
    do out.push(run[i]!);
    while (run[i++]!.more && i < run.length);
    at[best] = i;
  }
}
