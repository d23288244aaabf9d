import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processUsageReader } from './process-usage';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function fakeProc(pid: number, ticks: [number, number], rssKb: number) {
  if (!dirs.length) dirs.push(mkdtempSync(join(tmpdir(), 'berth-proc-')));
  const root = dirs[0]!;
  mkdirSync(join(root, String(pid)), { recursive: true });
  // pid (comm) state ppid ... with utime and stime as fields 14 and 15; the name holds a space and a ')'
  const rest = ['S', '1', ...Array(9).fill('0'), String(ticks[0]), String(ticks[1]), '0', '0'].join(' ');
  writeFileSync(join(root, String(pid), 'stat'), `${pid} (qemu sys) x) ${rest}\n`);
  writeFileSync(join(root, String(pid), 'status'), `Name:\tqemu\nVmRSS:\t  ${rssKb} kB\nThreads:\t4\n`);
  writeFileSync(join(root, 'pid'), `${pid}\n`);
  return root;
}

describe('processUsageReader', () => {
  it('reads CPU as the share of a core between two reads and memory as the resident set', () => {
    let t = 1_000_000;
    const root = fakeProc(42, [100, 50], 2048);
    const read = processUsageReader(join(root, 'pid'), root, () => t);
    expect(read()).toEqual({ memUsage: 2048 * 1024 }); // no earlier read: no rate yet (not 0 %)
    fakeProc(42, [150, 75], 4096); // 75 ticks = 0.75 s of CPU in 2 s
    t += 2000;
    expect(read()).toEqual({ cpuPercent: 37.5, memUsage: 4096 * 1024 });
  });

  it('starts again at a new pid and tells nothing when the process or its pid file is gone', () => {
    let t = 0;
    const root = fakeProc(42, [100, 0], 1);
    const read = processUsageReader(join(root, 'pid'), root, () => t);
    read();
    fakeProc(43, [5000, 0], 1);
    t += 1000;
    expect(read()).toEqual({ memUsage: 1024 }); // another process: its ticks are not a rate against the old one
    rmSync(join(root, '43'), { recursive: true });
    expect(read()).toBeUndefined();
    rmSync(join(root, 'pid'));
    expect(read()).toBeUndefined();
  });

  it('reads a real process: this one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-pid-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'pid'), String(process.pid));
    const read = processUsageReader(join(dir, 'pid'));
    const first = read();
    expect(first?.memUsage).toBeGreaterThan(10 * 1024 * 1024);
    expect(first?.cpuPercent).toBeUndefined(); // no rate at the first read
    for (const until = Date.now() + 50; Date.now() < until;); // busy: this process uses CPU meanwhile
    expect(read()?.cpuPercent).toBeGreaterThanOrEqual(0); // the second read has a rate
  });
});
