/**
 * The resource overview's cost: CPU with N running containers while Berth's overview is open
 * (Berth's server + the engine), against `docker stats --no-stream` called once a second (the CLI
 * + the engine), each over the same window in the same run. The engine's share counts every
 * process of this private engine (dockerd, containerd, the shims: their command lines name its folder).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import type { Core } from '../electron/main/core';
import type { UsageSnapshot } from '../electron/shared/models';
import type { PrivateDockerd } from '../test/support/dockerd';
import { procStat } from '../test/support/proc';
import { TEST_IMAGE } from '../test/support/test-image';
import { extras, median, type Row } from './row';

const TICKS = 100; // USER_HZ

/** CPU seconds so far of every process of this engine. */
function engineCpu(engine: PrivateDockerd): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(engine.dir)) continue;
    } catch {
      continue;
    }
    const s = procStat(Number(entry));
    if (s) ticks += Number(s.fields[11]) + Number(s.fields[12]);
  }
  return ticks / TICKS;
}
/** This process's own CPU seconds, and its waited-for children's (the docker CLI runs). */
const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const childrenCpu = () => {
  const s = procStat(process.pid)!;
  return (Number(s.fields[13]) + Number(s.fields[14])) / TICKS;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function overviewCpu(core: Core, engine: PrivateDockerd, running = 50, windowS = 20): Promise<Row[]> {
  const names = Array.from({ length: running }, (_, i) => `bench-usage-${i}`);
  engine.try(['rm', '-f', ...names]);
  for (const n of names) engine.cli(['create', '--name', n, TEST_IMAGE, 'sleep', '3600']);
  engine.cli(['start', ...names]);
  try {
    await sleep(3000); // let the starts settle

    // Berth: the overview stream open for the window, once every container is in it.
    let snaps = 0;
    let full: (failed?: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => (full = (failed) => (failed ? reject(failed) : resolve())));
    const stream = core.router.openStream('containers.usage', {}, async (c) => {
      snaps++;
      if ((c as UsageSnapshot).containers.length >= running) full();
    });
    const timeout = setTimeout(() => full(new Error(`the overview never showed all ${running} containers in 60 s`)), 60_000);
    await ready.finally(() => clearTimeout(timeout));
    const b0 = { engine: engineCpu(engine), own: ownCpu(), at: Date.now() };
    const snaps0 = snaps;
    await sleep(windowS * 1000);
    const b1 = { engine: engineCpu(engine), own: ownCpu(), at: Date.now() };
    stream.cancel();
    await stream.done;
    await sleep(2000);

    // The CLI: `docker stats --no-stream` once a second (at once again when a call took longer).
    const c0 = { engine: engineCpu(engine), cli: childrenCpu(), at: Date.now() };
    const took: number[] = [];
    while (Date.now() - c0.at < windowS * 1000) {
      const t = Date.now();
      const r = spawnSync('docker', ['-H', engine.dockerHost, 'stats', '--no-stream', '--format', '{{.Name}} {{.CPUPerc}} {{.MemUsage}}'], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`docker stats failed: ${r.stderr}`);
      took.push(Date.now() - t);
      await sleep(Math.max(0, 1000 - (Date.now() - t)));
    }
    const c1 = { engine: engineCpu(engine), cli: childrenCpu(), at: Date.now() };

    const pct = (cpu: number, a: number, b: number) => (cpu / ((b - a) / 1000)) * 100;
    const berthEngine = pct(b1.engine - b0.engine, b0.at, b1.at);
    const berthOwn = pct(b1.own - b0.own, b0.at, b1.at);
    const cliEngine = pct(c1.engine - c0.engine, c0.at, c1.at);
    const cliOwn = pct(c1.cli - c0.cli, c0.at, c1.at);
    extras.overview = {
      running,
      windowS,
      berth: { enginePercent: +berthEngine.toFixed(1), serverPercent: +berthOwn.toFixed(1), snapshotsPerSecond: +((snaps - snaps0) / ((b1.at - b0.at) / 1000)).toFixed(2) },
      cli: { enginePercent: +cliEngine.toFixed(1), cliPercent: +cliOwn.toFixed(1), calls: took.length, medianCallMs: median(took) },
    };
    console.log(
      `overview, ${running} running: Berth server ${berthOwn.toFixed(1)} % + engine ${berthEngine.toFixed(1)} %; docker stats --no-stream each second: CLI ${cliOwn.toFixed(1)} % + engine ${cliEngine.toFixed(1)} % (${took.length} calls, median ${median(took)} ms)`,
    );
    return [
      {
        name: `CPU, overview open, ${running} running (server + engine)`,
        unit: '% core',
        berth: berthOwn + berthEngine,
        baselineName: 'docker stats --no-stream each second (CLI + engine)',
        baseline: cliOwn + cliEngine,
      },
      { name: `Berth server CPU alone, overview open, ${running} running`, unit: '% core', berth: berthOwn, baselineName: 'the docker CLI alone, stats each second', baseline: cliOwn },
      // What each way shows for that CPU: fresh readings of all N per second (a CLI call waits for two samples).
      {
        name: `fresh views of all ${running} per second`,
        unit: '/s',
        berth: (snaps - snaps0) / ((b1.at - b0.at) / 1000),
        baselineName: 'docker stats --no-stream calls completed',
        baseline: took.length / ((c1.at - c0.at) / 1000),
      },
    ];
  } finally {
    engine.try(['rm', '-f', ...names]);
  }
}
