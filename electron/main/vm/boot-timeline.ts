/**
 * Where a cold boot's time goes, read from the guest's own logs: the console's `berth-init:
 * [uptime] ...` lines, containerd's and dockerd's logs (wall-clock times, turned into uptime by a
 * clock pair read in the guest), placed on the host's time line since the launch by the moment the
 * host saw console lines appear. Pure: the bench (and a test) feed it what they collected.
 */

export interface TimelineInput {
  /** The console log (serial.log). */
  serial: string;
  containerdLog?: string;
  dockerdLog?: string;
  /** The guest's uptime and wall clock (s), read together, to place the daemons' log times. */
  guestClock?: { uptime: number; epoch: number };
  /** When the host saw console lines (ms since the launch): the earliest gives guest uptime 0 on the host's line. */
  seen: Array<{ line: string; atMs: number }>;
  /** Host times (ms since the launch): QEMU started, and the engine's first answer on the host socket. */
  qemuMs: number;
  readyMs: number;
}

export interface Phase {
  name: string;
  /** Seconds since the launch at which the phase ended, and how long it took. */
  atS: number;
  tookS: number;
}

const CONSOLE = /berth-init: \[(\d+(?:\.\d+)?)\] (.+)$/;

/** The console's berth-init lines: what happened at which uptime (the first of each). */
export function consoleMarks(serial: string): Map<string, number> {
  const marks = new Map<string, number>();
  for (const line of serial.split('\n')) {
    const m = CONSOLE.exec(line.trim());
    if (m && !marks.has(m[2]!)) marks.set(m[2]!, Number(m[1]));
  }
  return marks;
}

/** The wall-clock time (s) of the first line of a logrus log whose msg starts with `msg`. */
export function logTime(log: string | undefined, msg: string): number | undefined {
  for (const line of (log ?? '').split('\n')) {
    const m = /^time="([^"]+)".*?msg="?([^"]*)/.exec(line);
    if (!m || !m[2]!.startsWith(msg)) continue;
    // Nanoseconds: more digits than Date.parse keeps.
    const t = /^(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(m[1]!);
    const whole = t ? Date.parse(t[1]! + t[3]!) : NaN;
    if (Number.isFinite(whole)) return whole / 1000 + Number(t![2] ?? 0);
  }
  return undefined;
}

export function bootTimeline(i: TimelineInput): Phase[] {
  const marks = consoleMarks(i.serial);
  // Guest uptime 0 on the host's line: the earliest (seen - uptime) over the console lines seen.
  let zeroMs: number | undefined;
  for (const s of i.seen) {
    const m = CONSOLE.exec(s.line.trim());
    if (m) zeroMs = Math.min(zeroMs ?? Infinity, s.atMs - Number(m[1]) * 1000);
  }
  const offset = i.guestClock ? i.guestClock.epoch - i.guestClock.uptime : undefined;
  const up = (epoch: number | undefined) => (epoch === undefined || offset === undefined ? undefined : epoch - offset);
  const host = (uptime: number | undefined) => (uptime === undefined || zeroMs === undefined ? undefined : (zeroMs + uptime * 1000) / 1000);
  const c = (what: string) => host(marks.get(what));
  const d = (msg: string) => host(up(logTime(i.dockerdLog, msg)));
  const cd = (msg: string) => host(up(logTime(i.containerdLog, msg)) ?? up(logTime(i.dockerdLog, msg)));
  const points: Array<[string, number | undefined, number | undefined]> = [
    ['host: launch to QEMU started (daemon, checks, disk)', 0, i.qemuMs / 1000],
    ['kernel: QEMU started to stage 2 (firmware, kernel, initramfs, root)', i.qemuMs / 1000, c('started')],
    ['init: data disk checked and mounted', c('started'), c('data disk mounted')],
    ['init: network, keys, sshd (beside the disk)', c('started'), c('sshd up')],
    ['containerd: started to serving', c('containerd started') ?? c('dockerd started'), cd('containerd successfully booted')],
    ['dockerd: started to running its code (binary loaded)', c('dockerd started'), d('Starting up')],
    ['dockerd: to loading containers (containerd, graph driver, daemon setup)', d('Starting up'), d('Loading containers: start')],
    ['dockerd: networks (bridge, iptables rules)', d('Loading containers: start'), d('Loading containers: done')],
    ['dockerd: to API listening (builder, routes)', d('Loading containers: done'), d('API listen on')],
    ['first answer on the host socket (SSH tunnel, /_ping)', d('API listen on'), i.readyMs / 1000],
  ];
  return points.filter((p): p is [string, number, number] => p[1] !== undefined && p[2] !== undefined).map(([name, from, to]) => ({ name, atS: to, tookS: to - from }));
}

/** The timeline as lines a person reads: "  9.81 s  +3.52 s  dockerd: networks ...". */
export function formatTimeline(phases: Phase[]): string {
  return phases.map((p) => `${p.atS.toFixed(2).padStart(7)} s  +${p.tookS.toFixed(2).padStart(5)} s  ${p.name}`).join('\n');
}
