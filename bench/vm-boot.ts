/**
 * The VM's starts, timed from `client.start()` to the engine answering on the host socket, and
 * where a cold boot's time goes (the guest's own logs, boot-timeline.ts): a cold boot on a disk
 * made before and a warm start from the state the stop before it saved, both next to the host's
 * own dockerd starting in the same run, and the guest clock right after the warm start.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync, readSync, closeSync, rmSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../electron/main/paths';
import { bootTimeline, formatTimeline, logTime, type Phase } from '../electron/main/vm/boot-timeline';
import type { VmClient } from '../electron/main/vm/client';
import type { PrivateDockerd } from '../test/support/dockerd';
import type { Row } from './row';

/** Console lines as the host sees them appear (fs.watch on serial.log), with ms since `t0`. */
function watchConsole(file: string, t0: number): { seen: Array<{ line: string; atMs: number }>; stop: () => void } {
  const seen: Array<{ line: string; atMs: number }> = [];
  let at = 0;
  let rest = '';
  const read = () => {
    if (!existsSync(file)) return;
    const size = statSync(file).size;
    if (size < at) at = 0; // QEMU started it over
    if (size === at) return;
    const fd = openSync(file, 'r');
    const buf = Buffer.alloc(size - at);
    readSync(fd, buf, 0, buf.length, at);
    closeSync(fd);
    at = size;
    const lines = (rest + buf.toString()).split('\n');
    rest = lines.pop() ?? '';
    const atMs = performance.now() - t0;
    for (const line of lines) if (line.trim()) seen.push({ line: line.trim(), atMs });
  };
  const dir = join(file, '..');
  const w = watch(dir, (_, name) => name === 'serial.log' && read());
  return { seen, stop: () => w.close() };
}

/** A start, timed: steps with their times (ms since the call) and the console lines seen meanwhile. */
async function timedStart(client: VmClient, home: string) {
  const t0 = performance.now();
  const steps: Array<{ step: string; atMs: number }> = [];
  const con = watchConsole(join(paths.vm({ BERTH_HOME: home }), 'serial.log'), t0);
  try {
    await client.start((i) => i.step && steps.at(-1)?.step !== i.step && steps.push({ step: i.step, atMs: performance.now() - t0 }));
    return { ms: performance.now() - t0, steps, seen: con.seen };
  } finally {
    con.stop();
  }
}

/** The guest's logs and a clock pair, over `berth vm ssh`. */
function guestLogs(cliPath: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync(
    process.execPath,
    [cliPath, 'vm', 'ssh', 'read u _ < /proc/uptime; echo "CLOCK $u $(date +%s.%N)"; echo ==containerd; cat /var/log/containerd.log; echo ==dockerd; cat /var/log/dockerd.log'],
    { env, encoding: 'utf8', maxBuffer: 16 << 20 },
  );
  const clock = /^CLOCK (\S+) (\S+)/m.exec(r.stdout);
  const [, containerd = '', dockerd = ''] = r.stdout.split(/^==(?:containerd|dockerd)$/m);
  return { guestClock: clock ? { uptime: Number(clock[1]), epoch: Number(clock[2]) } : undefined, containerdLog: containerd, dockerdLog: dockerd };
}

/** The host dockerd's phases in its last start (its log is appended to at every start), and its whole start as '*'. */
function hostPhases(engine: PrivateDockerd, totalS: number): Map<string, number> {
  const log = readFileSync(engine.logFile, 'utf8');
  const last = log.slice(log.lastIndexOf('\ntime=', log.lastIndexOf('msg="Starting up"')) + 1);
  const out = new Map<string, number>([['*', totalS]]);
  const pairs: Array<[string, string, string]> = [
    ['dockerd: to loading containers (containerd, graph driver, daemon setup)', 'Starting up', 'Loading containers: start'],
    ['dockerd: networks (bridge, iptables rules)', 'Loading containers: start', 'Loading containers: done'],
    ['dockerd: to API listening (builder, routes)', 'Loading containers: done', 'API listen on'],
  ];
  for (const [name, a, b] of pairs) {
    const [ta, tb] = [logTime(last, a), logTime(last, b)];
    if (ta !== undefined && tb !== undefined) out.set(name, tb - ta);
  }
  return out;
}

async function hostDockerdStart(engine: PrivateDockerd): Promise<number> {
  await engine.stop();
  const t0 = performance.now();
  await engine.start();
  return (performance.now() - t0) / 1000;
}

/**
 * Cold boot (the saved state dropped, as after a crash: the disk exists, nothing to restore),
 * its timeline, then a stop that saves and a warm start from it. The VM is running on entry and on return.
 */
export async function bootRows(client: VmClient, engine: PrivateDockerd, cliPath: string, env: NodeJS.ProcessEnv): Promise<{ rows: Row[]; timeline: Phase[] }> {
  const home = env.BERTH_HOME!;
  const rows: Row[] = [];
  await client.stop();
  rmSync(paths.vmSavedState(env), { force: true });
  rmSync(paths.vmSavedStateRecord(env), { force: true });
  const cold = await timedStart(client, home);
  const qemuMs = cold.steps.find((s) => s.step.startsWith('Starting QEMU'))?.atMs ?? 0;
  const timeline = bootTimeline({ serial: readFileSync(join(paths.vm(env), 'serial.log'), 'utf8'), ...guestLogs(cliPath, env), seen: cold.seen, qemuMs, readyMs: cold.ms });
  const hostS = await hostDockerdStart(engine);
  const host = hostPhases(engine, hostS);
  console.log(`cold boot of the VM, ${(cold.ms / 1000).toFixed(2)} s (host dockerd: ${hostS.toFixed(2)} s):\n${formatTimeline(timeline)}`);
  rows.push({ name: 'VM cold boot -> engine answers (disk made before, no saved state)', unit: 's', berth: cold.ms / 1000, baselineName: 'dockerd on the host, no VM', baseline: hostS });
  for (const p of timeline) {
    const same = host.get(p.name);
    rows.push({
      name: `cold boot phase: ${p.name}`,
      unit: 's',
      berth: p.tookS,
      baselineName: same !== undefined ? 'the same phase of dockerd on the host' : 'whole dockerd start on the host',
      baseline: same ?? hostS,
    });
  }

  // Warm: a stop saves the VM's state, the next start restores it.
  let t0 = performance.now();
  await client.stop();
  const saveS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  await engine.stop();
  const hostStopS = (performance.now() - t0) / 1000;
  const warm = await timedStart(client, home);
  const clock = spawnSync(process.execPath, [cliPath, 'vm', 'ssh', 'date +%s.%N'], { env, encoding: 'utf8' });
  const skewMs = Math.abs(Number(clock.stdout.trim()) * 1000 - Date.now());
  const hostS2 = await (async () => {
    const t = performance.now();
    await engine.start();
    return (performance.now() - t) / 1000;
  })();
  const warmSteps = warm.steps.map((s) => `${(s.atMs / 1000).toFixed(2).padStart(7)} s  ${s.step}`).join('\n');
  console.log(`warm start of the VM, ${(warm.ms / 1000).toFixed(2)} s (stop with save ${saveS.toFixed(2)} s):\n${warmSteps}\n${(warm.ms / 1000).toFixed(2).padStart(7)} s  engine answers`);
  if (!warm.steps.some((s) => s.step.startsWith('Restoring'))) console.log('bench: the warm start did not restore a saved state');
  rows.push({ name: 'VM warm start (saved state) -> engine answers', unit: 's', berth: warm.ms / 1000, baselineName: 'dockerd on the host, no VM', baseline: hostS2 });
  rows.push({ name: 'VM stop, saving its state', unit: 's', berth: saveS, baselineName: 'dockerd on the host stopping', baseline: hostStopS });
  rows.push({ name: 'guest clock after the warm start, off the host by (at most 1000 wanted)', unit: 'ms', berth: skewMs, baselineName: 'the most it may be', baseline: 1000 });
  return { rows, timeline };
}
