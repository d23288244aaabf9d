import { describe, expect, it } from 'vitest';
import { bootTimeline, consoleMarks, formatTimeline, logTime } from './boot-timeline';

// A boot as the guest logs it: the console (CRLF, as a serial line ends), containerd's and dockerd's logs.
const serial = [
  'berth-init: [2.50] started',
  'berth-data: clean, 57/4194304 files',
  'berth-init: [3.40] data disk mounted',
  'berth-init: [3.41] containerd started',
  'berth-init: [3.42] dockerd started',
  'berth-init: [3.60] sshd up',
  'berth-init: [3.70] ready',
  '',
].join('\r\n');
// The guest's wall clock is uptime + 1000 s.
const at = (uptime: number) => new Date((1000 + uptime) * 1000).toISOString().replace(/\.(\d{3})Z$/, '.$1123456Z');
const containerdLog = `time="${at(5.1)}" level=info msg="containerd successfully booted in 1.2s"\n`;
const dockerdLog = [
  `time="${at(5.6)}" level=info msg="Starting up"`,
  `time="${at(6.5)}" level=info msg="Loading containers: start."`,
  `time="${at(8.5)}" level=info msg="Loading containers: done."`,
  `time="${at(9.0)}" level=info msg="API listen on /var/run/docker.sock"`,
].join('\n');

describe('boot timeline', () => {
  it("reads the console marks and the daemons' log times", () => {
    expect([...consoleMarks(serial)]).toEqual([
      ['started', 2.5],
      ['data disk mounted', 3.4],
      ['containerd started', 3.41],
      ['dockerd started', 3.42],
      ['sshd up', 3.6],
      ['ready', 3.7],
    ]);
    expect(logTime(dockerdLog, 'Loading containers: done')).toBeCloseTo(1008.500123456, 6);
    expect(logTime(containerdLog, 'Starting up')).toBeUndefined();
  });

  it('places each phase on the host time line from the launch, by when the host saw console lines', () => {
    // QEMU started 0.3 s after the launch; guest uptime 0 was at 0.5 s (the line at 2.50 was seen at 3.00 s).
    const phases = bootTimeline({
      serial,
      containerdLog,
      dockerdLog,
      guestClock: { uptime: 20, epoch: 1020 },
      seen: [
        { line: 'berth-init: [2.50] started', atMs: 3000 },
        { line: 'berth-init: [3.60] sshd up', atMs: 4400 },
      ],
      qemuMs: 300,
      readyMs: 9700,
    });
    const got = Object.fromEntries(phases.map((p) => [p.name.split(' (')[0], [Number(p.atS.toFixed(2)), Number(p.tookS.toFixed(2))]]));
    expect(got).toEqual({
      'host: launch to QEMU started': [0.3, 0.3],
      'kernel: QEMU started to stage 2': [3, 2.7],
      'init: data disk checked and mounted': [3.9, 0.9],
      'init: network, keys, sshd': [4.1, 1.1],
      'containerd: started to serving': [5.6, 1.69],
      'dockerd: started to running its code': [6.1, 2.18],
      'dockerd: to loading containers': [7, 0.9],
      'dockerd: networks': [9, 2],
      'dockerd: to API listening': [9.5, 0.5],
      'first answer on the host socket': [9.7, 0.2],
    });
    expect(formatTimeline(phases).split('\n')[0]).toBe('   0.30 s  + 0.30 s  host: launch to QEMU started (daemon, checks, disk)');
  });

  it('leaves out what it cannot place: no daemon logs, no clock', () => {
    const phases = bootTimeline({ serial, seen: [{ line: 'berth-init: [2.50] started', atMs: 3000 }], qemuMs: 300, readyMs: 9700 });
    expect(phases.map((p) => p.name.split(':')[0])).toEqual(['host', 'kernel', 'init', 'init']);
  });
});
